"""Which elements a user loses: `KIND:NODE` resolved against the graph, NODE an IRI (full or prefixed) or a label.

An unknown kind or node, or a node of another kind, is an input error that lists the close matches.
"""

from __future__ import annotations

import difflib
import json
import re

from advisor.errors import InputError
from advisor.inventory import display_name
from advisor.loading import RdfFormat
from advisor.namespaces import PREFIXES
from advisor.whatif.engine import Target
from advisor.whatif.facts import Facts, rules

_TURTLE_PREFIX = re.compile(rb"(?im)^\s*(?:@prefix|prefix)\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>")


class UnknownElementError(InputError):
    """A lost element names a kind or a node the graph does not have."""

    code = "unknown-element"
    title = "Unknown element"


def document_prefixes(data: bytes, fmt: RdfFormat) -> dict[str, str]:
    """The prefixes a document declares (Turtle @prefix/PREFIX, JSON-LD inline context terms), for prefixed NODEs."""
    found: dict[str, str] = {}
    if fmt is RdfFormat.TURTLE:
        for name, iri in _TURTLE_PREFIX.findall(data):
            found[name.decode("utf-8", "replace")] = iri.decode("utf-8", "replace")
    elif fmt is RdfFormat.JSON_LD:
        try:
            document = json.loads(data)
        except ValueError:
            return found
        contexts = document.get("@context", []) if isinstance(document, dict) else []
        for context in contexts if isinstance(contexts, list) else [contexts]:
            if isinstance(context, dict):
                found.update({k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#", ":"))})
    return found


def _candidates(facts: Facts, class_iri: str) -> list[str]:
    """The texts that name the nodes of the class: labels, then short IRIs unlike any label."""
    nodes = facts.instances(class_iri)
    texts: dict[str, str] = {}
    for text in [facts.name(n) for n in nodes] + [display_name(n) for n in nodes]:
        texts.setdefault(text.lower(), text)
    return list(texts.values())


def close_matches(text: str, choices: list[str], cutoff: float = 0.5) -> list[str]:
    """Up to five choices like the text (any case): containing it, or close to it or to one of its words."""
    wanted = text.lower()

    def score(choice: str) -> float:
        lowered = choice.lower()
        if wanted and wanted in lowered:
            return 1.0
        words = [lowered, *re.split(r"[\s()\\/:#_.-]+", lowered)]
        return max(difflib.SequenceMatcher(None, wanted, word).ratio() for word in words if word)

    scored = sorted(((score(c), c) for c in choices), key=lambda pair: (-pair[0], pair[1]))
    return [choice for value, choice in scored if value >= cutoff][:5]


def _close(text: str, choices: list[str]) -> str:
    matches = close_matches(text, choices)
    return f"; did you mean {', '.join(repr(m) for m in matches)}?" if matches else ""


def _expand(text: str, prefixes: dict[str, str]) -> str | None:
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return None


def resolve(facts: Facts, spec: str, prefixes: dict[str, str] | None = None) -> Target:
    """The target a `KIND:NODE` names; raises UnknownElementError, naming the close matches."""
    kind_name, colon, text = spec.partition(":")
    kinds = [k.name for k in rules().kinds]
    kind = rules().kind(kind_name.strip().lower())
    if not colon or kind is None or not text.strip():
        close = difflib.get_close_matches(kind_name.strip().lower(), kinds, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if colon and close else ""
        raise UnknownElementError(
            f"{spec!r} is not KIND:NODE with KIND one of {', '.join(kinds)}{hint}", element=spec, kinds=kinds
        )
    text = text.strip()
    known = {**PREFIXES, **(prefixes or {})}
    node = None
    for candidate in (text, text[1:-1] if text.startswith("<") and text.endswith(">") else None, _expand(text, known)):
        if candidate and candidate in facts.classes:
            node = candidate
            break
    if node is None:
        by_label = [n for n in facts.instances(kind.accepts) if facts.name(n) == text]
        by_label = by_label or [n for n in facts.instances(kind.accepts) if facts.name(n).lower() == text.lower()]
        if len(by_label) > 1:
            raise UnknownElementError(
                f"{text!r} names {len(by_label)} elements of kind {kind.name} "
                f"({', '.join(by_label)}): name one by its IRI",
                element=spec,
                matches=by_label,
            )
        node = by_label[0] if by_label else None
    if node is None:
        elsewhere = sorted(n for n, name in facts.names.items() if name == text and facts.kind_of(n))
        node = elsewhere[0] if elsewhere else None
    if node is None:
        choices = _candidates(facts, kind.accepts)
        raise UnknownElementError(
            f"no {kind.name} {text!r} in the graph{_close(text, choices)}",
            element=spec,
            matches=close_matches(text, choices),
        )
    if not facts.is_a(node, kind.accepts):
        actual = facts.kind_of(node)
        what = f"a {actual}" if actual else "not an element a what-if can lose"
        raise UnknownElementError(
            f"{facts.name(node)} ({node}) is {what}, not a {kind.name}: lose it as "
            f"{actual or 'one of ' + ', '.join(kinds)}:{text}",
            element=spec,
        )
    return Target(kind.name, node)


def resolve_all(facts: Facts, specs: list[str], prefixes: dict[str, str] | None = None) -> list[Target]:
    return [resolve(facts, spec, prefixes) for spec in specs]
