"""The command line's own input limit: local files a user names are not hostile uploads.

The service takes at most `max_body_bytes` (10 MiB by default) per request; the CLI reads files up to
2 GiB unless `--max-bytes` says otherwise. Every command that reads a graph takes `MaxBytesOption`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from advisor.loading import SizeLimit

DEFAULT_MAX_BYTES = 2 * 1024**3
OPTION = "--max-bytes"

MaxBytesOption = Annotated[
    int,
    typer.Option(
        OPTION,
        min=1,
        help=f"Largest input file read, in bytes (default {DEFAULT_MAX_BYTES}, 2 GiB).",
        show_default=False,
    ),
]


def size_limit(max_bytes: int = DEFAULT_MAX_BYTES) -> SizeLimit:
    """The limit an input file of the CLI is held to; its error names --max-bytes."""
    from advisor.loading import SizeLimit  # pyoxigraph: only for a command that reads a graph

    return SizeLimit(max_bytes, limit=OPTION, raised_by=OPTION)
