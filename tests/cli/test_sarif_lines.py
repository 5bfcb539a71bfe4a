"""The command line locates SARIF results in the files it read: it passes their text to the renderer, which
opens nothing itself."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import AS_OF, GAP_NODE, GAP_TTL


def _web01_region(log: dict, uri: str) -> dict:
    (result,) = [
        r
        for r in log["runs"][0]["results"]
        if r["ruleId"] == "COV-001"
        and r["properties"]["focusNode"] == GAP_NODE
        and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
    ]
    return result["locations"][0]["physicalLocation"]["region"]


def test_one_file_and_a_batch_get_the_line_of_each_resource(cli, tmp_path: Path) -> None:
    line = next(i for i, text in enumerate(GAP_TTL.splitlines(), 1) if text.startswith("ex:web01"))
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_text(GAP_TTL, encoding="utf-8")
    second.write_text("# moved down\n" + GAP_TTL, encoding="utf-8")
    single = cli("validate", first, "--format", "sarif", "--as-of", AS_OF)
    assert single.returncode == 1, single.stderr
    assert _web01_region(json.loads(single.stdout), first.as_uri())["startLine"] == line
    batch = cli("validate", first, second, "--format", "sarif", "--as-of", AS_OF)
    log = json.loads(batch.stdout)
    assert _web01_region(log, first.as_uri())["startLine"] == line
    assert _web01_region(log, second.as_uri())["startLine"] == line + 1


def test_files_as_windows_writes_them_are_located_as_read(cli, tmp_path: Path) -> None:
    """A byte-order mark is not a column, and UTF-16 text is located as the loader decodes it."""
    text = f"<{GAP_NODE}> a <https://w3id.org/hv-advisor/ontology#VirtualMachine> .\n" + GAP_TTL
    files = {
        "bom.ttl": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf16.ttl": text.encode("utf-16"),  # with its byte-order mark, little-endian here
        "utf16be.ttl": b"\xfe\xff" + text.encode("utf-16-be"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    run = cli("validate", *(tmp_path / name for name in sorted(files)), "--format", "sarif", "--as-of", AS_OF)
    log = json.loads(run.stdout)
    for name in files:
        region = _web01_region(log, (tmp_path / name).as_uri())
        assert (region["startLine"], region["startColumn"]) == (1, 1), name
