"""Raw cmdlet exports: `<cmdlet> | ConvertTo-Json` (Windows PowerShell 5.1 or PowerShell 7) and `Export-Csv`.

Each object is recognised by its properties (mappings/kinds.toml), never by the file name, so a folder
of exports can be named anyhow and one file may even hold the output of several cmdlets. A document that
holds an object no cmdlet's signature fits is refused as a whole, naming the object.
"""

from __future__ import annotations

from advisor.importers.documents import (
    InventoryError,
    Located,
    Source,
    as_list,
    csv_header,
    looks_like_csv,
    parse_csv,
    parse_json,
)
from advisor.importers.graph import Where
from advisor.importers.reading import Reading
from advisor.importers.records import Record
from advisor.importers.tables import Kind, kinds


def classify(obj: dict) -> Kind | None:
    keys = set(obj)
    return next((kind for kind in kinds() if kind.matches(keys)), None)


def _unknown_object(source: Source, obj: object, index: int) -> InventoryError:
    line = getattr(obj, "line", None)
    where = f"{source.name}, line {line}, object {index}" if line else f"{source.name}, object {index}"
    cmdlets = ", ".join(sorted({kind.cmdlet for kind in kinds()}))
    if not isinstance(obj, dict):
        detail = f"a {type(obj).__name__} where an object of a cmdlet's output was expected"
    else:
        shown = ", ".join(list(obj)[:8]) + (", ..." if len(obj) > 8 else "")
        detail = f"an object with the properties {shown}"
    return InventoryError(
        f"{where}: unknown document kind: {detail}, which is the output of none of the cmdlets the importer "
        f"reads ({cmdlets}), nor the collector format",
        line=line,
    )


def read_objects(source: Source, objects: list, reading: Reading) -> None:
    """Records of every object, or an InventoryError for the first object no kind fits."""
    records = []
    for index, obj in enumerate(objects, start=1):
        kind = classify(obj) if isinstance(obj, dict) else None
        if kind is None:
            raise _unknown_object(source, obj, index)
        where = Where(source.name, getattr(obj, "line", None) or None, kind.noun, None, index)
        records.append(Record.make(kind, obj, where, reading.builder))
    reading.add_records(records)


def recognises_json(source: Source, text: str) -> bool:
    """An object or array, or the `null` PowerShell 7's ConvertTo-Json writes for a cmdlet that returned nothing."""
    stripped = text.lstrip()
    return stripped[:1] in ("{", "[") or is_null_document(stripped)


def is_null_document(text: str) -> bool:
    """`null` alone: an empty result as PowerShell 7 writes it, which holds no objects (like an empty file)."""
    return text.strip() == "null"


def read_json(source: Source, text: str, reading: Reading) -> None:
    value = parse_json(source, text)
    reading.builder.source(source.name, None, "ConvertTo-Json")
    read_objects(source, as_list(value), reading)


def recognises_csv(source: Source, text: str) -> bool:
    return looks_like_csv(text)


def read_csv(source: Source, text: str, reading: Reading) -> None:
    rows: list[Located] = parse_csv(text)
    header = csv_header(text)
    if classify(dict.fromkeys(header)) is None:  # the columns say which cmdlet, also when no row follows
        cmdlets = ", ".join(sorted({kind.cmdlet for kind in kinds()}))
        shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
        raise InventoryError(
            f"{source.name}: unknown document kind: a CSV file with the columns {shown}, which is the Export-Csv "
            f"of none of the cmdlets the importer reads ({cmdlets})"
        )
    reading.builder.source(source.name, None, "Export-Csv")
    read_objects(source, rows, reading)
