"""Where a resource is written in the input document: the line and columns of its IRI.

One pass over the text collects every IRI-like token (`<iri>`, a prefixed name such as `ex:vm1`
under a prefix the document declares, a quoted IRI or compact IRI as JSON-LD and RDF/XML write
them) and keeps, for each IRI, the place that most likely describes it: the first occurrence in
subject position (first on its line, a JSON-LD `"@id"`, an RDF/XML `rdf:about`), else the first.
Works on Turtle, N-Triples, JSON-LD and RDF/XML alike; a resource it cannot find has no position.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_PREFIX_DECLARATIONS = (
    re.compile(r"@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>"),  # Turtle
    re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>"),  # SPARQL-style Turtle
    re.compile(r"\bxmlns:([A-Za-z][\w.-]*)\s*=\s*[\"']([^\"']*)[\"']"),  # RDF/XML
    re.compile(r"\"([A-Za-z][\w.-]*)\"\s*:\s*\"([A-Za-z][\w+.-]*:[^\"\s]*[/#:])\""),  # JSON-LD context terms
)
_TOKENS = re.compile(
    r"""<(?P<iri>[^<>"{}|^`\\\s]*)>"""
    r"""|"(?P<string>[^"\\\n]*(?:\\.[^"\\\n]*)*)\""""
    r"""|'(?P<single>[^'\\\n]*)'"""
    r"""|(?P<comment>(?<![^\s])\#[^\n]*)"""
    r"""|(?<![\w.:/#@-])(?P<prefix>[A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?P<local>\w(?:[\w.:-]*[\w:-])?)"""
)
_SCHEME = re.compile(r"^[A-Za-z][\w+.-]*:")
_SUBJECT_BEFORE = re.compile(r"""(?:"@id"\s*:\s*|\babout\s*=\s*)$""")


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in code points
    end_column: int  # 1-based, exclusive


class SourceIndex:
    """The position of every IRI the document writes, found in one pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.prefixes = _declared_prefixes(text)
        self._best: dict[str, tuple[bool, int, int]] = {}  # iri -> (in subject position, start, end)
        for match in _TOKENS.finditer(text):
            iri = self._iri(match)
            if iri is None:
                continue
            subject = self._in_subject_position(match.start())
            known = self._best.get(iri)
            if known is None or (subject and not known[0]):
                self._best[iri] = (subject, match.start(), match.end())

    def _iri(self, match: re.Match[str]) -> str | None:
        if match.group("iri") is not None:
            return match.group("iri")
        quoted = match.group("string")
        if quoted is None:
            quoted = match.group("single")
        if quoted is not None:
            return self._expand(quoted) or (quoted if _SCHEME.match(quoted) else None)
        if match.group("local") is not None:
            namespace = self.prefixes.get(match.group("prefix") or "")
            return None if namespace is None else namespace + match.group("local")
        return None

    def _expand(self, name: str) -> str | None:
        prefix, colon, local = name.partition(":")
        if colon and not local.startswith("//") and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        return None

    def _in_subject_position(self, start: int) -> bool:
        line_start = self._line_starts[bisect.bisect_right(self._line_starts, start) - 1]
        before = self.text[line_start:start]
        return not before.strip() or _SUBJECT_BEFORE.search(before) is not None

    def _position(self, start: int, end: int) -> Position:
        index = bisect.bisect_right(self._line_starts, start) - 1
        line_start = self._line_starts[index]
        return Position(line=index + 1, column=start - line_start + 1, end_column=end - line_start + 1)

    def find(self, iri: str) -> Position | None:
        best = self._best.get(iri)
        return None if best is None else self._position(best[1], best[2])


def _declared_prefixes(text: str) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for pattern in _PREFIX_DECLARATIONS:
        for match in pattern.finditer(text):
            prefixes.setdefault(match.group(1) or "", match.group(2))
    return prefixes
