"""Schemathesis hooks: send graphs and SPARQL queries as the text the OpenAPI document says they are.

The test suite imports this module; a longer run from the command line loads it with
`SCHEMATHESIS_HOOKS=tests.fuzz.serializers` (see docs/service.md).
"""

from __future__ import annotations

import schemathesis

TEXT_MEDIA_TYPES = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/sparql-query"]

schemathesis.serializer.alias(TEXT_MEDIA_TYPES, "text/plain")
