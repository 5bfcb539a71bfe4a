"""Backup products, as the collector projects their cmdlets: one reader per product, by the name of its
section in the collector document (`backup.veeam`, `backup.windowsServerBackup`, `backup.dpm`)."""

from __future__ import annotations

from collections.abc import Callable

from advisor.importers import dpm, veeam, wsb
from advisor.importers.hyperv import Estate

READERS: dict[str, Callable[[Estate, object, str], None]] = {
    "veeam": veeam.read,  # type: ignore[dict-item]
    "windowsServerBackup": wsb.read,
    "dpm": dpm.read,  # type: ignore[dict-item]
}
