"""A W3C SHACL validation report (Turtle or JSON-LD) that other SHACL tools read.

One sh:ValidationResult per finding, waived or not, with the focus node, path, value, the rule's
shape as sh:sourceShape, severity and message, plus the rule id and category (hvs:ruleId,
hvs:category). sh:conforms follows SHACL: true only when there is no result at all (the advisor's
own verdict, which ignores warnings, info and waived findings, is in the JSON contract).
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from advisor.namespaces import HVS, PREFIXES
from advisor.report import Finding, Report, Rule, Severity, Term

SEVERITIES = {Severity.VIOLATION: SH.Violation, Severity.WARNING: SH.Warning, Severity.INFO: SH.Info}
JSONLD_CONTEXT = {"sh": str(SH), "hvs": str(HVS), "xsd": str(XSD), "rdf": str(RDF), "rdfs": str(RDFS)}

def _expand(short: str) -> str:
    prefix, colon, local = short.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return short


def node(key: str) -> URIRef | BNode:
    """A focus node or value node from its key in a finding (IRI or _:id)."""
    return BNode(key[2:]) if key.startswith("_:") else URIRef(key)


def _value(finding: Finding) -> Node:
    """sh:value: the term the engine found, else (a finding made without one) a term guessed from the text."""
    term = finding.value_term
    if term is not None:
        return _term(term)
    text = finding.value or ""
    if text.startswith("_:"):
        return BNode(text[2:])
    if text.startswith(("http://", "https://", "urn:")):
        return URIRef(text)
    return Literal(text)


class _TypedAsWritten(Literal):
    """A typed literal exactly as the engine found it, text and datatype, even when the text is not valid for it.

    rdflib would read the text into a Python value (logging a traceback when it does not fit) and write numbers and
    booleans as bare Turtle or as JSON values, which rewrites them ("TRUE" as true), breaks the syntax (an ill-typed
    "no" written bare), changes the datatype ("1"^^xsd:boolean read back as an integer, "1"^^xsd:double as JSON 1.0
    read back as an integer) or drops it (an ill-typed one as a JSON string): this one is always written quoted with
    its datatype, in Turtle and, as a value object, in JSON-LD with the report's context."""

    __slots__ = ()

    def __new__(cls, lexical: str, datatype: str) -> _TypedAsWritten:
        literal = super().__new__(cls, lexical)  # made as a plain string: rdflib does not read the text
        literal._datatype = URIRef(datatype)
        return literal

    def _literal_n3(self, use_plain: bool = False, qname_callback=None) -> str:
        datatype = (qname_callback(self.datatype) if qname_callback else None) or f"<{self.datatype}>"
        return f"{self._quote_encode()}^^{datatype}"

    def toPython(self) -> dict[str, str]:
        """What rdflib's JSON-LD writer puts in place of a JSON value (it asks for one for numbers and booleans)."""
        datatype = str(self.datatype)
        short = "xsd:" + datatype[len(str(XSD)):] if datatype.startswith(str(XSD)) else datatype
        return {"@type": short, "@value": str(self)}


def _term(term: Term) -> Node:
    """The rdflib term of a finding's value."""
    if term.kind == "iri":
        return URIRef(term.value)
    if term.kind == "blank":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return _TypedAsWritten(term.value, term.datatype) if term.datatype else Literal(term.value)


def _component(finding: Finding, rule: Rule) -> URIRef | None:
    """The constraint component a finding's result comes from, as far as its rule's shape tells."""
    if finding.path is not None and _expand(finding.path) in rule.path_components:
        known = rule.path_components[_expand(finding.path)]
        checks, cardinality = known.value_checks, known.cardinality
        preferred = (checks + cardinality) if finding.value is not None else (cardinality + checks)
        if preferred:
            return URIRef(preferred[0])
    return SH.SPARQLConstraintComponent if rule.sparql else None


def add_report(graph: Graph, report: Report) -> BNode:
    """Add one sh:ValidationReport for the report to the graph and return its node; rules are described from the
    report's own catalog."""
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(not report.findings)))
    if report.source:
        graph.add((root, RDFS.label, Literal(f"Validation report of {report.source}")))
    for finding in report.findings:
        rule = report.catalog.get(finding.rule_id)
        result = BNode()
        graph.add((root, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, node(finding.focus_node)))
        graph.add((result, SH.resultSeverity, SEVERITIES[finding.severity]))
        graph.add((result, SH.resultMessage, Literal(finding.message)))
        graph.add((result, HVS.ruleId, Literal(finding.rule_id)))
        if rule is not None:
            graph.add((result, SH.sourceShape, URIRef(rule.shape)))
            if rule.category_id:
                graph.add((result, HVS.category, HVS[rule.category_id]))
        component = _component(finding, rule) if rule is not None else None
        if component is not None:
            graph.add((result, SH.sourceConstraintComponent, component))
        if finding.path:
            graph.add((result, SH.resultPath, URIRef(_expand(finding.path))))
        if finding.value is not None:
            graph.add((result, SH.value, _value(finding)))
    return root


def report_graph(reports: Sequence[Report]) -> Graph:
    graph = Graph()
    for prefix, namespace in (("sh", SH), ("hvs", HVS), ("xsd", XSD)):
        graph.bind(prefix, namespace)
    for report in reports:
        add_report(graph, report)
    return graph


def render_shacl_many(reports: Sequence[Report], *, source_texts: dict[str, str] | None = None) -> bytes:
    return report_graph(reports).serialize(format="turtle", encoding="utf-8")


def render_shacl(report: Report, *, source_text: str | None = None) -> bytes:
    return render_shacl_many([report])


def render_shacl_jsonld_many(reports: Sequence[Report], *, source_texts: dict[str, str] | None = None) -> bytes:
    text = report_graph(reports).serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2)
    return (text.rstrip() + "\n").encode("utf-8")


def render_shacl_jsonld(report: Report, *, source_text: str | None = None) -> bytes:
    return render_shacl_jsonld_many([report])
