"""One small estate in every input format, as bytes the way Windows PowerShell 5.1 writes files.

`Set-Content -Encoding UTF8` and `Out-File -Encoding UTF8` write UTF-8 with a byte-order mark; `Out-File` and
`>` write UTF-16 LE with a mark; `-Encoding BigEndianUnicode` UTF-16 BE with a mark; `-Encoding UTF32` UTF-32
LE with a mark; `-Encoding Default` the ANSI code page (Windows-1252). Lines end in CR LF. The labels are not
ASCII, so a file read in the wrong encoding cannot give the same graph.
"""

from __future__ import annotations

import codecs
import json

EX = "https://example.org/"
HV = "https://w3id.org/hv-advisor/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
WEB_LABEL = "WEB01 – Café Zürich"  # the VM no job protects: COV-001's focus node
GAP_NODE = EX + "web01"

TURTLE = f"""@prefix hv: <{HV}> .
@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:hv01 a hv:HyperVHost ; rdfs:label "HV01" .
ex:web01 a hv:VirtualMachine ; rdfs:label "{WEB_LABEL}" ; hv:runsOn ex:hv01 .
ex:sql01 a hv:VirtualMachine ; rdfs:label "SQL01 – Bäckerei" ; hv:runsOn ex:hv01 .
ex:job a hv:BackupJob ; rdfs:label "Nächtlich" ; hv:protects ex:sql01 .
"""

_TRIPLES = [
    ("hv01", "a", "HyperVHost"),
    ("hv01", "label", "HV01"),
    ("web01", "a", "VirtualMachine"),
    ("web01", "label", WEB_LABEL),
    ("web01", "runsOn", "hv01"),
    ("sql01", "a", "VirtualMachine"),
    ("sql01", "label", "SQL01 – Bäckerei"),
    ("sql01", "runsOn", "hv01"),
    ("job", "a", "BackupJob"),
    ("job", "label", "Nächtlich"),
    ("job", "protects", "sql01"),
]


def _nt_line(subject: str, predicate: str, value: str) -> str:
    if predicate == "a":
        return f"<{EX}{subject}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{HV}{value}> ."
    if predicate == "label":
        return f'<{EX}{subject}> <{RDFS_LABEL}> "{value}" .'
    return f"<{EX}{subject}> <{HV}{predicate}> <{EX}{value}> ."


N_TRIPLES = "\n".join(_nt_line(*triple) for triple in _TRIPLES) + "\n"

_XML_NODES = "\n".join(
    f'  <hv:{kind} rdf:about="{EX}{node}"><rdfs:label>{label}</rdfs:label>{extra}</hv:{kind}>'
    for kind, node, label, extra in [
        ("HyperVHost", "hv01", "HV01", ""),
        ("VirtualMachine", "web01", WEB_LABEL, f'<hv:runsOn rdf:resource="{EX}hv01"/>'),
        ("VirtualMachine", "sql01", "SQL01 – Bäckerei", f'<hv:runsOn rdf:resource="{EX}hv01"/>'),
        ("BackupJob", "job", "Nächtlich", f'<hv:protects rdf:resource="{EX}sql01"/>'),
    ]
)


def rdf_xml(declared: str | None) -> str:
    """The estate in RDF/XML with an XML declaration naming `declared` (none when None)."""
    encoding = f' encoding="{declared}"' if declared else ""
    return (
        f'<?xml version="1.0"{encoding}?>\n'
        f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" xmlns:hv="{HV}">\n{_XML_NODES}\n</rdf:RDF>\n'
    )


CONTEXT_IRI = "https://w3id.org/hv-advisor/context.jsonld"


def json_ld(context: object) -> str:
    """The estate in JSON-LD with the given @context (terms from the advisor's context)."""
    nodes = [
        {"@id": EX + "hv01", "@type": "HyperVHost", "label": "HV01"},
        {"@id": EX + "web01", "@type": "VirtualMachine", "label": WEB_LABEL, "runsOn": {"@id": EX + "hv01"}},
        {"@id": EX + "sql01", "@type": "VirtualMachine", "label": "SQL01 – Bäckerei", "runsOn": {"@id": EX + "hv01"}},
        {"@id": EX + "job", "@type": "BackupJob", "label": "Nächtlich", "protects": {"@id": EX + "sql01"}},
    ]
    return json.dumps({"@context": context, "@graph": nodes}, ensure_ascii=False, indent=2)


JSON_LD = json_ld(CONTEXT_IRI)
JSON_LD_IMPORT = json_ld({"@import": CONTEXT_IRI, "ex": EX})
POLICY = '[rules]\ndisable = ["COV-001"]  # “Lab”: rebuilt every week\n'


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def utf8_bom(text: str) -> bytes:
    """`Set-Content -Encoding UTF8` (PowerShell 5.1)."""
    return codecs.BOM_UTF8 + _crlf(text).encode("utf-8")


def utf16_le(text: str) -> bytes:
    """`Out-File` and `>` (PowerShell 5.1): UTF-16 LE with a byte-order mark."""
    return codecs.BOM_UTF16_LE + _crlf(text).encode("utf-16-le")


def utf16_be(text: str) -> bytes:
    """`Out-File -Encoding BigEndianUnicode`: UTF-16 BE with a byte-order mark."""
    return codecs.BOM_UTF16_BE + _crlf(text).encode("utf-16-be")


def utf32_le(text: str) -> bytes:
    """`Out-File -Encoding UTF32`: UTF-32 LE with a byte-order mark (not read)."""
    return codecs.BOM_UTF32_LE + _crlf(text).encode("utf-32-le")


def ansi(text: str) -> bytes:
    """`Out-File -Encoding Default` on a Western European Windows: Windows-1252 (not read)."""
    return _crlf(text).encode("cp1252")


def expected_triples() -> set[tuple[str, str, str]]:
    """The estate's triples as (subject, predicate, object) values."""
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    result = set()
    for subject, predicate, value in _TRIPLES:
        if predicate == "a":
            result.add((EX + subject, rdf_type, HV + value))
        elif predicate == "label":
            result.add((EX + subject, RDFS_LABEL, value))
        else:
            result.add((EX + subject, HV + predicate, EX + value))
    return result
