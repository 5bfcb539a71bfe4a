"""Write ontology/context.jsonld from ontology/hv.ttl, so the context never drifts from the ontology.

Run: .venv/bin/python scripts/build_context.py  (tests/test_ontology.py fails when the file is stale)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef

HV = "https://w3id.org/hv-advisor/ontology#"
ROOT = Path(__file__).resolve().parent.parent


def build_context(ontology: Graph) -> dict:
    """The JSON-LD context: every hv: term, object properties as @id or @vocab, typed literals."""
    enumerations = {c for c in ontology.subjects(OWL.oneOf, None)}
    terms: dict[str, object] = {
        "@version": 1.1,
        "@vocab": HV,
        "hv": HV,
        "rdfs": str(RDFS),
        "xsd": str(XSD),
        "label": "rdfs:label",
        "comment": "rdfs:comment",
    }
    for term in sorted(set(ontology.subjects(RDF.type, None))):
        if not isinstance(term, URIRef) or not str(term).startswith(HV):
            continue
        name = str(term)[len(HV):]
        kinds = set(ontology.objects(term, RDF.type))
        if OWL.ObjectProperty in kinds:
            ranges = set(ontology.objects(term, RDFS.range))
            coercion = "@vocab" if ranges & enumerations else "@id"
            terms[name] = {"@id": f"hv:{name}", "@type": coercion}
        elif OWL.DatatypeProperty in kinds:
            ranges = [r for r in ontology.objects(term, RDFS.range) if isinstance(r, URIRef)]
            if ranges and ranges[0] != XSD.string:
                terms[name] = {"@id": f"hv:{name}", "@type": f"xsd:{str(ranges[0])[len(str(XSD)):]}"}
            else:
                terms[name] = {"@id": f"hv:{name}"}
        else:
            terms[name] = f"hv:{name}"
    return {"@context": terms}


def main() -> int:
    ontology = Graph().parse(ROOT / "ontology" / "hv.ttl")
    text = json.dumps(build_context(ontology), indent=2, ensure_ascii=False) + "\n"
    (ROOT / "ontology" / "context.jsonld").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
