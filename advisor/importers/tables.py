"""The importers' mapping tables, read once from the TOML data files in advisor/importers/mappings/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MAPPINGS = Path(__file__).resolve().parent / "mappings"
NAME_ONLY = "name-only"  # an enum name whose number differs between module versions


def _read(name: str) -> dict:
    with (MAPPINGS / name).open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Enumeration:
    """One enum: names by number, and the canonical spelling of each name by its lower case."""

    name: str
    by_number: dict[int, str]
    by_name: dict[str, str]

    def resolve(self, value: object) -> str | None:
        """The enum name for a number, a name, or a numeric string; None when the table does not know it."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return self.by_number.get(value)
        if isinstance(value, str):
            text = value.strip()
            if text.lstrip("-").isdigit():
                return self.by_number.get(int(text))
            return self.by_name.get(text.lower())
        return None


@dataclass(frozen=True)
class Kind:
    """A cmdlet's objects: how they are recognised, named, and which properties the importer reads."""

    key: str
    cmdlet: str
    noun: str
    section: str
    signature: tuple[str, ...]
    name: str
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reads: dict[str, str] = field(default_factory=dict)
    alternatives: dict[str, str] = field(default_factory=dict)  # property -> the cmdlet that exports it on its own

    def matches(self, keys: set[str]) -> bool:
        return all(key in keys or any(a in keys for a in self.aliases.get(key, ())) for key in self.signature)


@lru_cache(maxsize=1)
def enumerations() -> dict[str, Enumeration]:
    tables = {}
    for name, members in _read("enums.toml").items():
        by_number = {number: member for member, number in members.items() if isinstance(number, int)}
        tables[name] = Enumeration(name, by_number, {member.lower(): member for member in members})
    return tables


@lru_cache(maxsize=1)
def kinds() -> list[Kind]:
    """Every kind, in the order objects are tried."""
    data = _read("kinds.toml")
    found = []
    for key in data["order"]:
        entry = data["kinds"][key]
        found.append(
            Kind(
                key=key,
                cmdlet=entry["cmdlet"],
                noun=entry["noun"],
                section=entry["section"],
                signature=tuple(entry["signature"]),
                name=entry["name"],
                aliases={k: tuple(v) for k, v in entry.get("aliases", {}).items()},
                reads=dict(entry.get("reads", {})),
                alternatives=dict(entry.get("alternatives", {})),
            )
        )
    return found


def kind(key: str) -> Kind:
    return next(k for k in kinds() if k.key == key)


@lru_cache(maxsize=1)
def integration_components() -> dict[str, str]:
    """Integration-service component GUID (upper case) -> role ('backup', 'heartbeat', ...)."""
    return {guid.upper(): role for guid, role in _read("integration_services.toml")["components"].items()}


@lru_cache(maxsize=1)
def os_tables() -> tuple[dict[str, str], list[tuple[str, str]]]:
    data = _read("os_versions.toml")
    return dict(data["builds"]), [(entry["contains"].lower(), entry["version"]) for entry in data["guest_names"]]


@lru_cache(maxsize=1)
def os_versions() -> frozenset[str]:
    """Every hv:OperatingSystemVersion term the tables name, and OtherOS: what an overlay may write."""
    builds, names = os_tables()
    return frozenset(builds.values()) | {version for _, version in names} | {"OtherOS"}


@lru_cache(maxsize=1)
def warning_kinds() -> dict[str, dict[str, str]]:
    return _read("warnings.toml")


@lru_cache(maxsize=1)
def disk_formats() -> dict[str, str]:
    """File extension (lower case, no dot) -> hv:VirtualDiskFormat individual, where Get-VHD does not say."""
    return dict(_read("storage.toml")["disk_formats"])


@lru_cache(maxsize=1)
def backup_products() -> dict:
    return _read("backup_products.toml")
