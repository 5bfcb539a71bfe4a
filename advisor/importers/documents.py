"""Inventory documents as they come from Windows: bytes -> text -> objects that remember their line.

`decode` is the importers' one way from bytes to text (the project's encoding helper: UTF-8 with or
without a byte-order mark, UTF-16 with one). JSON objects come back as `Located` dicts carrying the line
where they start, so that findings and warnings can point into the file; CSV rows likewise. Nothing here
opens a file: callers hand over the bytes and a name.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import json.decoder
import json.scanner
from dataclasses import dataclass

from advisor.encoding import decode_text
from advisor.errors import InputError


class InventoryError(InputError):
    """An inventory document the importer cannot take: nothing of the import is kept."""

    code = "invalid-inventory"
    title = "Invalid inventory document"


@dataclass(frozen=True)
class Source:
    """One input document: its name (for messages and provenance, never opened) and its bytes."""

    name: str
    data: bytes


class Located(dict):
    """A JSON object and the 1-based line where it starts in its document."""

    line: int = 0


def decode(source: Source) -> str:
    """The text of a document: the single place where importers turn bytes into characters."""
    return decode_text(source.data, source=source.name)


def _located_decoder(text: str) -> json.JSONDecoder:
    """A JSON decoder (the pure-Python scanner) whose objects are Located dicts with their start line."""
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    decoder = json.JSONDecoder()

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        end = s_and_end[1]
        value, after = json.decoder.JSONObject(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo)
        located = Located(value)
        located.line = bisect.bisect_right(starts, end - 1)
        return located, after

    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder


def parse_json(source: Source, text: str) -> object:
    """The JSON value of a document, objects Located; a syntax error names the file, line and column."""
    try:
        return _located_decoder(text).decode(text)
    except json.JSONDecodeError as error:
        raise InventoryError(
            f"{source.name}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            line=error.lineno,
            column=error.colno,
        ) from None
    except RecursionError:
        raise InventoryError(f"{source.name}: the JSON document is nested too deeply to be an inventory") from None


def as_list(value: object) -> list:
    """A collection as ConvertTo-Json writes it, as a list: one item arrives bare, none as null or nothing,
    and Windows PowerShell 5.1 may wrap an array as {"value": [...], "Count": n}."""
    if value is None:
        return []
    if isinstance(value, dict) and set(value) == {"value", "Count"} and isinstance(value["value"], list):
        return value["value"]
    if isinstance(value, list):
        return value
    return [value]


def looks_like_csv(text: str) -> bool:
    """An Export-Csv document: an optional #TYPE line, then a header of quoted column names."""
    first = text.lstrip("\ufeff").lstrip()[:1]
    return first in ('"', "#")


def _body(text: str) -> tuple[str, int]:
    """The CSV text without Windows PowerShell 5.1's `#TYPE` line, and how many lines that removed."""
    lines = text.splitlines(keepends=True)
    offset = 1 if lines and lines[0].startswith("#") else 0
    return "".join(lines[offset:]), offset


def _delimiter(body: str) -> str:
    header = body.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def csv_header(text: str) -> list[str]:
    """The column names of an Export-Csv document."""
    body, _ = _body(text)
    return next(csv.reader(io.StringIO(body), delimiter=_delimiter(body)), [])


def parse_csv(text: str) -> list[Located]:
    """Export-Csv rows as Located dicts (header line skipped; `#TYPE` line of Windows PowerShell 5.1 too);
    the delimiter is a comma, or a semicolon (-UseCulture in many locales)."""
    body, offset = _body(text)
    reader = csv.DictReader(io.StringIO(body), delimiter=_delimiter(body))
    rows: list[Located] = []
    for row in reader:
        located = Located({k: (v if v != "" else None) for k, v in row.items() if k is not None})
        located.line = reader.line_num + offset
        rows.append(located)
    return rows
