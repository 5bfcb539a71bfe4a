"""Renderers: each turns Reports into bytes. One registry, used by the CLI and the service.

`render(report, name)` renders one report; `render_many(reports, name)` renders the reports of a
batch (one per input file) where the format can hold several (json list, junit, sarif, csv, ...).
`source_text` is the input document's text, for formats that point at lines (sarif). Renderers never open
a file: that text comes only from the caller (the CLI passes the file it read, the service the stored
graph's own serialization), and `Report.source` is only ever a name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module

from advisor.errors import InputError
from advisor.report import Report

# The renderer modules, imported on first use (load_renderers imports them all): the two the adapters below
# import, and each one _lazy names.
_RENDERER_MODULES = {"json_report", "text"}


def _lazy(module: str, function: str) -> Callable[..., bytes]:
    """A renderer imported on its first call: a command that writes JSON does not load Jinja (HTML) or rich
    (text), which take a tenth of a second of every start."""
    _RENDERER_MODULES.add(module)

    def call(*args: object, **options: object) -> bytes:
        return getattr(import_module(f"advisor.render.{module}"), function)(*args, **options)

    call.__name__ = call.__qualname__ = function
    return call


@dataclass(frozen=True)
class OutputFormat:
    name: str
    media_type: str
    extension: str
    render_one: Callable[..., bytes]
    render_many: Callable[..., bytes] | None = None
    description: str = ""
    reports_input_errors: bool = False  # render_many takes input_errors: the inputs that produced no report
    shows_inventory: bool = False  # shows the environment's structure (Report.inventory): summary, diagram
    shows_blast_radius: bool = False  # shows what losing each site or cluster leaves unrecoverable


def _json_one(report: Report, *, source_text: str | None = None) -> bytes:
    from advisor.render.json_report import render_json

    return render_json(report)  # json.dumps(report.contract(), indent=2, ensure_ascii=False) + "\n", only faster


def _json_many(reports: Sequence[Report], *, source_texts: dict[str, str] | None = None) -> bytes:
    from advisor.render.json_report import render_json_many

    return render_json_many(reports)  # the list of {"file": source, **contract}, as json.dumps writes it


def _text_one(report: Report, *, source_text: str | None = None, color: bool = False) -> bytes:
    from advisor.render.text import render_text

    return render_text(report, color=color).encode("utf-8")


FORMATS: dict[str, OutputFormat] = {}


def register(output_format: OutputFormat) -> None:
    FORMATS[output_format.name] = output_format


register(OutputFormat("text", "text/plain", ".txt", _text_one, None, "for a person at a terminal"))
register(
    OutputFormat(
        "json",
        "application/json",
        ".json",
        _json_one,
        _json_many,
        "the stable report contract",
        shows_blast_radius=True,
    )
)
register(
    OutputFormat(
        "markdown",
        "text/markdown",
        ".md",
        _lazy("markdown", "render_markdown"),
        _lazy("markdown", "render_markdown_many"),
        "for tickets and wikis",
        shows_inventory=True,
        shows_blast_radius=True,
    )
)
register(
    OutputFormat(
        "html",
        "text/html",
        ".html",
        _lazy("html", "render_html"),
        _lazy("html", "render_html_many"),
        "one self-contained page with a diagram",
        shows_inventory=True,
        shows_blast_radius=True,
    )
)
register(
    OutputFormat(
        "shacl",
        "text/turtle",
        ".ttl",
        _lazy("shacl", "render_shacl"),
        _lazy("shacl", "render_shacl_many"),
        "W3C SHACL validation report",
    )
)
register(
    OutputFormat(
        "shacl-jsonld",
        "application/ld+json",
        ".jsonld",
        _lazy("shacl", "render_shacl_jsonld"),
        _lazy("shacl", "render_shacl_jsonld_many"),
        "W3C SHACL validation report in JSON-LD",
    )
)
register(
    OutputFormat(
        "sarif",
        "application/sarif+json",
        ".sarif",
        _lazy("sarif", "render_sarif"),
        _lazy("sarif", "render_sarif_many"),
        "SARIF 2.1.0 for code scanning",
        reports_input_errors=True,
    )
)
register(
    OutputFormat(
        "junit",
        "application/xml",
        ".xml",
        _lazy("junit", "render_junit"),
        _lazy("junit", "render_junit_many"),
        "JUnit XML for CI",
        reports_input_errors=True,
    )
)
register(
    OutputFormat(
        "csv", "text/csv", ".csv", _lazy("csv", "render_csv"), _lazy("csv", "render_csv_many"), "one row per finding"
    )
)


def get_format(name: str) -> OutputFormat:
    if name not in FORMATS:
        raise InputError(f"unknown report format {name!r}: use one of {', '.join(sorted(FORMATS))}")
    return FORMATS[name]


def format_for_media_type(media_type: str) -> OutputFormat | None:
    """The format registered for a media type (parameters such as charset are ignored), if any."""
    base = media_type.split(";", 1)[0].strip().lower()
    return next((fmt for fmt in FORMATS.values() if fmt.media_type == base), None)


def render(report: Report, name: str, **options: object) -> bytes:
    return get_format(name).render_one(report, **options)


def render_many(reports: Sequence[Report], name: str, **options: object) -> bytes:
    fmt = get_format(name)
    if fmt.render_many is None:
        return b"".join(fmt.render_one(r) for r in reports)
    return fmt.render_many(reports, **options)


def load_renderers() -> None:
    """Import every renderer now (the service, so that no request pays for a first import)."""
    for module in sorted(_RENDERER_MODULES):
        import_module(f"advisor.render.{module}")


def __getattr__(name: str) -> object:
    """`render_text`, imported when asked for (rich is slow to import)."""
    if name == "render_text":
        from advisor.render.text import render_text

        return render_text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FORMATS",
    "OutputFormat",
    "format_for_media_type",
    "get_format",
    "load_renderers",
    "register",
    "render",
    "render_many",
    "render_text",
]
