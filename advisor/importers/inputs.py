"""Inventory inputs on disk, for the command line: which arguments are inventories, their bytes within a
limit, and the imported graph ready for validation. The service hands over bytes instead (api/)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import LimitExceededError
from advisor.importers import ImportResult, InventoryError, Source, import_inventory, is_inventory
from advisor.loading import EXTENSIONS, ParsedGraph, RdfFormat

INVENTORY_EXTENSIONS = (".json", ".csv")
RDF_ONLY = frozenset(EXTENSIONS) - {".json"}  # extensions that always mean an RDF graph


@dataclass(frozen=True)
class Limit:
    """The largest file read, and the setting or option that raises it (named in the error)."""

    maximum: int
    setting: str


def _clixml(path: Path) -> bool:
    """An Export-Clixml file (PowerShell's serialization XML, UTF-16 by default in 5.1), which is no RDF/XML."""
    with path.open("rb") as file:
        head = file.read(1024)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return text.lstrip("\ufeff \t\r\n").startswith("<Objs") and "schemas.microsoft.com/powershell/2004/04" in text


def _refuse_clixml(path: Path) -> None:
    if path.name.lower().endswith(".xml") and path.is_file() and _clixml(path):
        raise InventoryError(
            f"{path}: a CLIXML file (Export-Clixml), which the importer does not read and which is no RDF/XML "
            "graph either: export that cmdlet with `ConvertTo-Json -Depth 4` instead (docs/import.md), or run "
            "collector/Collect-HvInventory.ps1"
        )


def _inventory_files(directory: Path) -> list[Path]:
    found = []
    for root, folders, names in os.walk(directory):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found += [Path(root) / n for n in names if not n.startswith(".") and n.lower().endswith(INVENTORY_EXTENSIONS)]
    return sorted(found)


def _has_rdf(directory: Path) -> bool:
    return any(
        n.lower().endswith(tuple(RDF_ONLY)) for _, _, names in os.walk(directory) for n in names if n[:1] != "."
    )


def inventory_paths(argument: str, limit: Limit) -> list[Path] | None:
    """The inventory files an argument names, or None when it names RDF (or nothing): a folder holding
    .json/.csv files and no RDF file, a .csv file, or a .json file that is no JSON-LD document. A CLIXML file
    (Export-Clixml), given or in the folder, is refused naming it: it is neither an inventory nor RDF/XML."""
    path = Path(argument)
    if path.is_dir():
        for root, folders, names in os.walk(path):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for name in sorted(names):
                if not name.startswith("."):
                    _refuse_clixml(Path(root) / name)
        files = _inventory_files(path)
        return files if files and not _has_rdf(path) else None
    _refuse_clixml(path)
    if not path.is_file() or not path.name.lower().endswith(INVENTORY_EXTENSIONS):
        return None
    if path.name.lower().endswith(".csv"):
        return [path]
    return [path] if is_inventory(read_source(path, limit)) else None


def split_arguments(arguments: Sequence[str], limit: Limit) -> tuple[list[str], list[str], list[Path]]:
    """(RDF arguments, inventory arguments, inventory files), in the order given."""
    graphs, inventories, files = [], [], []
    for argument in arguments:
        found = inventory_paths(argument, limit)
        if found is None:
            graphs.append(argument)
        else:
            inventories.append(argument)
            files += [f for f in found if f not in files]
    return graphs, inventories, files


def read_source(path: Path, limit: Limit) -> Source:
    size = path.stat().st_size
    if size > limit.maximum:
        raise LimitExceededError(
            f"{path} is {size} bytes, more than the limit of {limit.maximum} ({limit.setting})",
            limit=limit.setting,
            maximum=limit.maximum,
        )
    return Source(str(path), path.read_bytes())


def import_paths(files: Sequence[Path], overlays: Sequence[Path], limit: Limit) -> ImportResult:
    return import_inventory([read_source(f, limit) for f in files], [read_source(o, limit) for o in overlays])


def parsed_graph(result: ImportResult, name: str) -> ParsedGraph:
    """The imported graph as the validator takes it."""
    return ParsedGraph(triples=result.triples, format=RdfFormat.N_TRIPLES, source=name)


def environment_name(arguments: Sequence[str]) -> str:
    return arguments[0] if len(arguments) == 1 else " + ".join(arguments)
