"""IRIs of the advisor's vocabularies."""

from __future__ import annotations

from rdflib import Namespace

HV_IRI = "https://w3id.org/hv-advisor/ontology#"
HVS_IRI = "https://w3id.org/hv-advisor/shapes#"
ONTOLOGY_IRI = "https://w3id.org/hv-advisor/ontology"
CONTEXT_IRI = "https://w3id.org/hv-advisor/context.jsonld"
SH_IRI = "http://www.w3.org/ns/shacl#"
RDF_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_IRI = "http://www.w3.org/2000/01/rdf-schema#"
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
OWL_IRI = "http://www.w3.org/2002/07/owl#"

HV = Namespace(HV_IRI)
HVS = Namespace(HVS_IRI)

# The node the engine adds for one validation (as-of date, rule parameters).
VALIDATION_CONTEXT_IRI = HVS_IRI + "validationContext"

PREFIXES = {
    "hv": HV_IRI,
    "hvs": HVS_IRI,
    "sh": SH_IRI,
    "rdf": RDF_IRI,
    "rdfs": RDFS_IRI,
    "xsd": XSD_IRI,
    "owl": OWL_IRI,
}
