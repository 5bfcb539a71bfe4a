"""Files as Windows writes them: UTF-8 with a byte-order mark, UTF-16 LE and BE, in every input format.

The CLI and the API read the same bytes in tests/cli/test_windows_files.py and tests/api/test_windows_files.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.encoding import decode_text, utf8_bytes, xml_utf8_bytes
from advisor.errors import RefusedInputError, UnsupportedEncodingError
from advisor.loading import RdfFormat, parse_bytes
from advisor.policy import load_policy
from tests import windows_files as win

WRITERS: dict[str, Callable[[str], bytes]] = {
    "utf-8-bom": win.utf8_bom,
    "utf-16-le": win.utf16_le,
    "utf-16-be": win.utf16_be,
}
DOCUMENTS = {
    RdfFormat.TURTLE: win.TURTLE,
    RdfFormat.N_TRIPLES: win.N_TRIPLES,
    RdfFormat.JSON_LD: win.JSON_LD,
    RdfFormat.RDF_XML: win.rdf_xml(None),
}


def _terms(data: bytes, fmt: RdfFormat) -> set[tuple[str, str, str]]:
    graph = parse_bytes(data, fmt, source=f"estate.{fmt.value}")
    return {(t.subject.value, t.predicate.value, t.object.value) for t in graph.triples}


@pytest.mark.parametrize("writer", WRITERS, ids=str)
@pytest.mark.parametrize("fmt", DOCUMENTS, ids=str)
def test_every_format_reads_in_every_windows_encoding(fmt: RdfFormat, writer: str) -> None:
    assert _terms(WRITERS[writer](DOCUMENTS[fmt]), fmt) == win.expected_triples()


def test_plain_utf8_is_passed_on_without_a_copy() -> None:
    data = win.TURTLE.encode("utf-8")
    assert utf8_bytes(data, source="estate.ttl") is data


def test_the_byte_order_mark_is_not_part_of_the_text() -> None:
    assert decode_text(win.utf8_bom("a"), source="x") == "a"
    assert decode_text(win.utf16_le("a"), source="x") == "a"
    assert decode_text(win.utf16_be("a"), source="x") == "a"


@pytest.mark.parametrize("writer", [win.utf16_le, win.utf16_be, win.utf8_bom], ids=["le", "be", "utf-8-bom"])
def test_rdf_xml_declared_utf16_reads(writer: Callable[[str], bytes]) -> None:
    """PowerShell's [xml] Save() declares encoding="utf-16"; a re-save in UTF-8 often keeps the declaration."""
    assert _terms(writer(win.rdf_xml("UTF-16")), RdfFormat.RDF_XML) == win.expected_triples()


def test_rdf_xml_in_a_declared_8_bit_encoding_reads_as_declared() -> None:
    data = win.ansi(win.rdf_xml("windows-1252"))
    assert _terms(data, RdfFormat.RDF_XML) == win.expected_triples()


def test_rdf_xml_declaring_an_encoding_nobody_knows_names_it() -> None:
    data = win.rdf_xml("x-mac-klingon").encode("utf-8")
    with pytest.raises(UnsupportedEncodingError) as caught:
        parse_bytes(data, RdfFormat.RDF_XML, source="C:/exports/estate.rdf")
    said = "estate.rdf: the file declares the encoding 'x-mac-klingon', which is not read"
    assert caught.value.message.startswith(said)
    assert caught.value.details["encoding"] == "x-mac-klingon"


def test_rdf_xml_in_utf16_with_a_document_type_declaration_is_still_refused() -> None:
    doctype = '<!DOCTYPE rdf:RDF SYSTEM "file:///etc/passwd">\n<rdf:RDF'
    data = win.utf16_le(win.rdf_xml("UTF-16").replace("<rdf:RDF", doctype, 1))
    with pytest.raises(RefusedInputError, match="DOCTYPE"):
        parse_bytes(data, RdfFormat.RDF_XML)


@pytest.mark.parametrize("fmt", DOCUMENTS, ids=str)
def test_utf32_is_refused_naming_it(fmt: RdfFormat) -> None:
    with pytest.raises(UnsupportedEncodingError) as caught:
        parse_bytes(win.utf32_le(DOCUMENTS[fmt]), fmt, source="/exports/estate.x")
    assert caught.value.message.startswith("estate.x: the file is in UTF-32 LE, which is not read: save it as UTF-8")
    assert caught.value.details["encoding"] == "UTF-32 LE"


def test_utf16_without_a_byte_order_mark_is_refused_naming_it() -> None:
    with pytest.raises(UnsupportedEncodingError, match="UTF-16 LE without a byte-order mark"):
        parse_bytes(win.TURTLE.encode("utf-16-le"), RdfFormat.TURTLE, source="estate.ttl")


def test_an_ansi_file_is_refused_with_the_place_of_the_first_byte_that_is_not_utf8() -> None:
    with pytest.raises(UnsupportedEncodingError) as caught:
        parse_bytes(win.ansi(win.TURTLE), RdfFormat.TURTLE, source="estate.ttl")
    error = caught.value
    assert "an 8-bit code page such as Windows-1252, not UTF-8" in error.message
    # the first non-ASCII character is the en dash of WEB01's label, on line 6
    column = win.TURTLE.splitlines()[5].index("–") + 1
    assert f"byte 0x96 at line 6, column {column} is not UTF-8" in error.message
    assert (error.details["line"], error.details["column"]) == (6, column)


def test_utf16_that_breaks_off_names_the_line() -> None:
    data = win.utf16_le("line one\nline two") + b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(UnsupportedEncodingError, match="the bytes at line 2, column 9 are not UTF-16 LE"):
        decode_text(data, source="estate.ttl")


def test_xml_helper_rewrites_the_declaration() -> None:
    data = xml_utf8_bytes(win.utf16_le(win.rdf_xml("utf-16")), source="estate.rdf")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


# ---------------------------------------------------------------- JSON-LD context by @import


def test_json_ld_import_of_the_advisor_context_uses_the_bundled_copy() -> None:
    assert _terms(win.JSON_LD_IMPORT.encode("utf-8"), RdfFormat.JSON_LD) == win.expected_triples()


def test_json_ld_import_keeps_local_terms_over_the_imported_ones() -> None:
    local = win.json_ld({"@import": win.CONTEXT_IRI, "label": "https://example.org/name"})
    terms = _terms(local.encode("utf-8"), RdfFormat.JSON_LD)
    assert (win.GAP_NODE, "https://example.org/name", win.WEB_LABEL) in terms
    assert not any(p == win.RDFS_LABEL for _, p, _ in terms)


@pytest.mark.parametrize("target", ["https://example.com/c.jsonld", "context.jsonld", 7])
def test_json_ld_import_of_any_other_context_is_refused(target: object) -> None:
    document = win.json_ld({"@import": target})
    with pytest.raises(RefusedInputError, match=r"@import of .* is refused: contexts are never fetched"):
        parse_bytes(document.encode("utf-8"), RdfFormat.JSON_LD)


# ---------------------------------------------------------------- policy files


@pytest.mark.parametrize("writer", WRITERS, ids=str)
def test_policy_files_read_in_every_windows_encoding(tmp_path: Path, writer: str) -> None:
    path = tmp_path / "advisor.toml"
    path.write_bytes(WRITERS[writer](win.POLICY))
    assert load_policy(path).disabled == {"COV-001"}


def test_a_policy_file_in_utf32_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "advisor.toml"
    path.write_bytes(win.utf32_le(win.POLICY))
    with pytest.raises(UnsupportedEncodingError, match=r"advisor\.toml: the file is in UTF-32 LE, which is not read"):
        load_policy(path)
