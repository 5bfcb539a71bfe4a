"""Content negotiation: pick the answer's media type from the request's Accept header (RFC 9110)."""

from __future__ import annotations

from dataclasses import dataclass

from api.problems import NotAcceptableError


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    quality: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches (3 exact, 2 type/*, 1 */*), or 0."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == "*":
            return 2
        return 3 if (self.type, self.subtype) == (kind, sub) else 0


def _ranges(header: str) -> list[_Range]:
    ranges = []
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        kind, _, sub = parts[0].lower().partition("/")
        if not kind or not sub:
            continue
        quality = 1.0
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append(_Range(kind, sub, quality))
    return ranges


def negotiate(accept: str | None, offers: list[str]) -> str:
    """The offer the client prefers; the first offer when it accepts anything; NotAcceptableError if none fits."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    if not ranges:
        return offers[0]
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, offer in enumerate(offers):
        matches = [(r.matches(offer), r.quality) for r in ranges if r.matches(offer)]
        if not matches:
            continue
        specificity, quality = max(matches)  # the most specific range decides the quality
        if quality <= 0:
            continue
        key = (quality, specificity, -position)
        if best is None or key > best:
            best, chosen = key, offer
    if chosen is None:
        raise NotAcceptableError(
            f"cannot answer in any of the accepted media types ({accept.strip()}): "
            f"this resource is available as {', '.join(offers)}",
            available=offers,
        )
    return chosen
