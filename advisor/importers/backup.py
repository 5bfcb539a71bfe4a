"""Backup products, as the collector projects their cmdlets (filled in by the product readers)."""

from __future__ import annotations

from collections.abc import Callable

from advisor.importers.reading import Reading

READERS: dict[str, Callable[[Reading, object, str], None]] = {}
