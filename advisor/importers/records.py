"""One object of a cmdlet's output, whatever document it came in, and the readers of its values.

Every reader returns None for a value that is absent, null, or cannot be read, and records an import
warning for the last two where the importer needed the value: a depth-truncated object (a .NET type name
in place of the value), an enum number or name no table knows, a date in no known form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from advisor.importers.graph import GraphBuilder, Where
from advisor.importers.tables import Kind, enumerations

# A .NET type name: `Microsoft.HyperV.PowerShell.HardDiskDrive`, an array of them (`...[]`), or a generic
# type with its arguments, as Export-Csv writes a nested collection: ``System.Collections.Generic.List`1[...]``.
_TYPE_NAME = re.compile(r"^(?:Deserialized\.)?(?:Microsoft|System)\.[\w.`]+(?:\[[\w.`,\[\] =]*\])?(?:\[\])?(?:\s|$)")
_MS_DATE = re.compile(r"^/?Date\((-?\d+)([+-]\d{4})?\)/?$")
_CSV_DATES = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def is_truncated(value: object) -> bool:
    """A value ConvertTo-Json replaced by its type name at the depth limit (or a list of such names, also in
    Windows PowerShell 5.1's {"value": [...], "Count": n} wrapper)."""
    if isinstance(value, dict) and set(value) == {"value", "Count"}:
        value = value["value"]
    if isinstance(value, str):
        return bool(_TYPE_NAME.match(value.strip()))
    if isinstance(value, list) and value:
        return all(isinstance(item, str) and _TYPE_NAME.match(item.strip()) for item in value)
    return False


def parse_datetime(value: object) -> dt.datetime | None:
    """`\\/Date(ms)\\/` (Windows PowerShell 5.1), ISO 8601 with or without offset (PowerShell 7, the collector),
    or a US/European Export-Csv date; the .NET minimum (0001-01-01: never, unknown) is None. Raises ValueError."""
    if isinstance(value, dict) and "value" in value:  # a DateTime with ETS notes (5.1)
        value = value["value"]
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    match = _MS_DATE.match(text)
    if match:
        moment = _EPOCH + dt.timedelta(milliseconds=int(match.group(1)))
    else:
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            for pattern in _CSV_DATES:
                try:
                    moment = dt.datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
            else:
                raise
    if moment.year <= 1:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(microsecond=0)


@dataclass
class Record:
    """An object of one kind, keys folded to the canonical property names, and where it was read."""

    kind: Kind
    data: dict
    where: Where
    builder: GraphBuilder
    about: str | None = None  # the IRI it became, for warnings

    @classmethod
    def make(cls, kind: Kind, obj: dict, where: Where, builder: GraphBuilder) -> Record:
        data = dict(obj)
        for canonical, aliases in kind.aliases.items():
            if data.get(canonical) is None:
                for alias in aliases:
                    if data.get(alias) is not None:
                        data[canonical] = data[alias]
                        break
        name = data.get(kind.name)
        named = Where(where.file, where.line, kind.noun, name if isinstance(name, str) else None, where.index)
        return cls(kind, data, named, builder)

    def raw(self, prop: str) -> object:
        """The value, or None when absent, null, or truncated (then with a warning)."""
        value = self.data.get(prop)
        if value is None:
            return None
        if is_truncated(value):
            self.truncated(prop, value)
            return None
        return value

    def truncated(self, prop: str, value: object) -> None:
        if isinstance(value, dict):  # the 5.1 collection wrapper
            value = value["value"]
        shown = value if isinstance(value, str) else " ".join(value)  # type: ignore[arg-type]
        self.builder.warn(
            "truncated",
            self.where,
            owner=self,
            property=prop,
            value=repr(shown if len(shown) <= 120 else shown[:117] + "..."),
            unknown=self.kind.reads.get(prop, "this value"),
            cmdlet=self.kind.cmdlet,
            alternative=self.kind.alternatives.get(prop, self.kind.cmdlet),
        )

    def text(self, prop: str) -> str | None:
        value = self.raw(prop)
        if value is None:
            return None
        if isinstance(value, dict) and isinstance(value.get("Name"), str):  # a nested object named by Name
            return value["Name"].strip() or None
        return str(value).strip() or None

    def integer(self, prop: str) -> int | None:
        value = self.raw(prop)
        if value is None or isinstance(value, bool):
            return None
        try:
            return int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            self.unreadable(prop, value, "a whole number")
            return None

    def boolean(self, prop: str) -> bool | None:
        value = self.raw(prop)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self.unreadable(prop, value, "true or false")
        return None

    def enum(self, prop: str, table: str) -> str | None:
        value = self.raw(prop)
        if value is None:
            return None
        name = enumerations()[table].resolve(value)
        if name is None:
            self.builder.warn(
                "unknown_value",
                self.where,
                owner=self,
                property=prop,
                value=repr(value),
                enum=table,
                unknown=self.kind.reads.get(prop, "this value"),
            )
        return name

    def datetime(self, prop: str) -> dt.datetime | None:
        value = self.raw(prop)
        if value is None:
            return None
        try:
            return parse_datetime(value)
        except ValueError:
            self.unreadable(prop, value, "a date and time PowerShell writes (\\/Date(ms)\\/ or ISO 8601)")
            return None

    def guid(self, prop: str) -> str | None:
        value = self.text(prop)
        return value.lower() if value else None

    def unreadable(self, prop: str, value: object, expected: str) -> None:
        self.builder.warn(
            "unreadable_value",
            self.where,
            owner=self,
            property=prop,
            value=repr(value),
            expected=expected,
            unknown=self.kind.reads.get(prop, "this value"),
        )
