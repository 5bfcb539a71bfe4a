"""Character encodings of input files, as Windows tools write them: the one place that turns bytes into text.

Read: UTF-8 with or without a byte-order mark (PowerShell 5.1 `-Encoding UTF8` writes one), UTF-16 LE or BE
with a byte-order mark (PowerShell 5.1 `Out-File` and `>` write UTF-16 LE). Anything else is refused with an
error naming the encoding found: UTF-32, UTF-16 without a byte-order mark, bytes that are not UTF-8.
Every reader of files (RDF loader, policy files, inventory importers) calls `decode_text` or `utf8_bytes`.
"""

from __future__ import annotations

import codecs
import re

from advisor.errors import UnsupportedEncodingError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE mark.
_BOMS: tuple[tuple[bytes, str, str | None], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32 LE", None),
    (codecs.BOM_UTF32_BE, "UTF-32 BE", None),
    (codecs.BOM_UTF8, "UTF-8 with a byte-order mark", "utf-8"),
    (codecs.BOM_UTF16_LE, "UTF-16 LE", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "UTF-16 BE", "utf-16-be"),
)
# Byte patterns of a document's first characters (ASCII, as every input format starts) in an encoding
# with no byte-order mark: XML 1.0 appendix F.
_UNMARKED = (
    (re.compile(rb"^[^\x00]\x00\x00\x00", re.DOTALL), "UTF-32 LE without a byte-order mark"),
    (re.compile(rb"^\x00\x00\x00[^\x00]", re.DOTALL), "UTF-32 BE without a byte-order mark"),
    (re.compile(rb"^[^\x00]\x00[^\x00]\x00", re.DOTALL), "UTF-16 LE without a byte-order mark"),
    (re.compile(rb"^\x00[^\x00]\x00[^\x00]", re.DOTALL), "UTF-16 BE without a byte-order mark"),
)
READABLE = "UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark"


def detect(data: bytes) -> tuple[str, str | None, int]:
    """The encoding `data` is in: its name for messages, its Python codec (None: not read), the mark's length."""
    for mark, name, codec in _BOMS:
        if data.startswith(mark):
            return name, codec, len(mark)
    for pattern, name in _UNMARKED:
        if pattern.match(data):
            return name, None, 0
    return "UTF-8", "utf-8", 0


def decode_text(data: bytes, *, source: str) -> str:
    """The text of `data`, without its byte-order mark. `source` is what messages call it, the subject of
    their sentence: "the document", "estate.ttl: the file".

    Raises UnsupportedEncodingError naming the encoding found and, for bytes that are not UTF-8, where.
    """
    name, codec, skip = detect(data)
    if codec is None:
        raise UnsupportedEncodingError(
            f"{source} is in {name}, which is not read: save it as {READABLE}", encoding=name
        )
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as error:
        raise _undecodable(data, skip, error, name, codec, source) from None


def utf8_bytes(data: bytes, *, source: str) -> bytes:
    """`data` as UTF-8 without a byte-order mark: the bytes themselves when they already are (no copy)."""
    if data.isascii():
        return data
    name, codec, skip = detect(data)
    if codec == "utf-8":
        try:
            data[skip:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise _undecodable(data, skip, error, name, "utf-8", source) from None
        return data[skip:] if skip else data
    return decode_text(data, source=source).encode("utf-8")


def _undecodable(
    data: bytes, skip: int, error: UnicodeDecodeError, name: str, codec: str, source: str
) -> UnsupportedEncodingError:
    """Where the bytes stop being `name`; for text without a mark that is not UTF-8, the likely 8-bit code page."""
    offset = skip + error.start
    before = data[skip:offset].decode(codec, errors="replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    bad = data[offset : offset + 1].hex().upper()
    if name == "UTF-8":
        found = "an 8-bit code page such as Windows-1252, not UTF-8"
        hint = f"byte 0x{bad} at line {line}, column {column} is not UTF-8"
    else:
        found = f"not valid {name}"
        hint = f"the bytes at line {line}, column {column} are not {name}"
    return UnsupportedEncodingError(
        f"{source} is in {found} ({hint}): save it as {READABLE}",
        encoding=name if name != "UTF-8" else "not UTF-8",
        line=line,
        column=column,
    )


# ---------------------------------------------------------------- XML

_XML_DECLARATION = re.compile(r"""\A<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1""")
_UNICODE_LABELS = frozenset({"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be", "unicode", "iso-10646-ucs-2"})


def xml_utf8_bytes(data: bytes, *, source: str) -> bytes:
    """An XML document as UTF-8 bytes whose declaration, if any, says UTF-8.

    The byte-order mark decides (XML 1.0 section 4.3.3); a declared UTF-8 or UTF-16 agrees with either, so a
    file re-saved by a Windows tool that kept its `encoding="utf-16"` declaration still reads. Without a mark,
    another declared encoding that Python knows and that keeps ASCII as it is (ISO-8859-1, Windows-1252, ...)
    is read as declared.
    """
    name, codec, skip = detect(data)
    head = data[skip : skip + 200].decode(codec or "latin-1", errors="replace")
    declaration = _XML_DECLARATION.match(head)
    declared = declaration.group(2).strip() if declaration else None
    if declared is None or declared.lower() in _UNICODE_LABELS or name != "UTF-8" or skip:
        text = decode_text(data, source=source)
    else:
        text = _decode_declared(data, declared, source)
    match = _XML_DECLARATION.match(text)
    if match and match.group(2).strip().lower() not in ("utf-8", "utf8"):
        return (text[: match.start(2)] + "UTF-8" + text[match.end(2) :]).encode("utf-8")
    return data if name == "UTF-8" and not skip else text.encode("utf-8")


def _decode_declared(data: bytes, declared: str, source: str) -> str:
    try:
        info: codecs.CodecInfo | None = codecs.lookup(declared)
    except LookupError:
        info = None
    if info is None or not info._is_text_encoding or "<?xml".encode(info.name, errors="replace") != b"<?xml":  # type: ignore[attr-defined]
        raise UnsupportedEncodingError(
            f"{source} declares the encoding {declared!r}, which is not read: save it as {READABLE}",
            encoding=declared,
        )
    try:
        return data.decode(info.name)
    except UnicodeDecodeError as error:
        raise _undecodable(data, 0, error, declared, info.name, source) from None
