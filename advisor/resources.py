"""Where the bundled data files (ontology, JSON-LD context, shapes, samples) live."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_bundled"  # in an installed wheel
_CHECKOUT = _PACKAGE.parent  # in a source checkout or an editable install


def _data_dir(name: str) -> Path:
    for base in (_BUNDLED, _CHECKOUT):
        if (base / name).is_dir():
            return base / name
    raise FileNotFoundError(f"bundled directory {name!r} is missing from the installation")


def ontology_dir() -> Path:
    return _data_dir("ontology")


def shapes_dir() -> Path:
    return _data_dir("shapes")


def samples_dir() -> Path:
    return _data_dir("sample_graphs")


def ontology_file() -> Path:
    return ontology_dir() / "hv.ttl"


def rule_vocabulary_file() -> Path:
    return ontology_dir() / "hvs.ttl"


def context_file() -> Path:
    return ontology_dir() / "context.jsonld"
