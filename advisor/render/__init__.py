"""Renderers: each takes a Report and returns text or bytes."""

from advisor.render.text import render_text

__all__ = ["render_text"]
