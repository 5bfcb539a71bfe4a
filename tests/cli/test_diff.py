"""`advisor diff OLD NEW`: new, fixed and unchanged findings and the estate's change, from graphs or reports."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from tests.cli.conftest import AS_OF, GAP_NODE, GAP_TTL

APP_NODE = "https://example.org/app01"
JOB_NODE = "https://example.org/job"
# WEB01 fixed (the job now covers it), APP01 added without a job, SQL01 gone.
LATER = (
    GAP_TTL.replace("hv:protects ex:sql01", "hv:protects ex:web01")
    .replace('ex:sql01 a hv:VirtualMachine ; rdfs:label "SQL01" ; hv:runsOn ex:hv01 .\n', "")
    + 'ex:app01 a hv:VirtualMachine ; rdfs:label "APP01" ; hv:runsOn ex:hv01 .\n'
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def keyed(items: list[dict]) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["focus_node"]) for f in items}


def test_two_graphs_give_new_fixed_and_unchanged_findings_and_the_estates_change(cli, tmp_path: Path) -> None:
    old, new = write(tmp_path, "old.ttl", GAP_TTL), write(tmp_path, "new.ttl", LATER)
    before = keyed(cli("validate", old, "--as-of", AS_OF, "-f", "json").json()["findings"])  # type: ignore[index]
    after = keyed(cli("validate", new, "--as-of", AS_OF, "-f", "json").json()["findings"])  # type: ignore[index]
    run = cli("diff", old, new, "--as-of", AS_OF, "-f", "json")
    assert run.returncode == 1  # APP01's COV-001 is a new violation
    drift = run.json()
    assert keyed(drift["findings"]["new"]) == after - before
    assert keyed(drift["findings"]["fixed"]) == before - after
    assert keyed(drift["findings"]["unchanged"]) == before & after
    assert ("COV-001", APP_NODE) in after - before and ("COV-001", GAP_NODE) in before - after
    counts = {"new": len(after - before), "fixed": len(before - after), "unchanged": len(before & after)}
    assert drift["counts"] == counts
    resources = drift["resources"]
    assert [(r["label"], r["change"]) for r in resources["added"]] == [("APP01", "added")]
    assert [r["label"] for r in resources["removed"]] == ["SQL01"]
    assert resources["removed"][0]["removed"] == [
        {"property": "hv:runsOn", "value": "HV01"},
        {"property": "rdf:type", "value": "hv:VirtualMachine"},
        {"property": "rdfs:label", "value": "SQL01"},
    ]
    job = next(r for r in resources["changed"] if r["node"] == JOB_NODE)
    assert (job["label"], job["added"], job["removed"]) == (
        "Nightly",
        [{"property": "hv:protects", "value": "WEB01"}],
        [{"property": "hv:protects", "value": "SQL01"}],
    )
    assert drift["old"]["name"].endswith("old.ttl") and isinstance(drift["new"]["score"], float)

    text = cli("diff", old, new, "--as-of", AS_OF)
    assert text.returncode == 1
    assert re.search(r"New findings \(\d+\)\n  violation COV-001  APP01: ", text.stdout)
    job_lines = "Resources changed (1)\n  Nightly <https://example.org/job>\n"
    job_lines += "    + hv:protects WEB01\n    - hv:protects SQL01"
    assert job_lines in text.stdout
    assert cli("diff", old, new, "--as-of", AS_OF, "--fail-on", "never").returncode == 0
    assert cli("diff", new, old, "--as-of", AS_OF).returncode == 1  # WEB01 is new that way round
    assert cli("diff", old, old, "--as-of", AS_OF, "--fail-on", "info").returncode == 0  # nothing new


def test_reports_compare_by_rule_and_node_and_a_changed_message_is_unchanged_with_both(cli, tmp_path: Path) -> None:
    old, new = write(tmp_path, "old.ttl", GAP_TTL), write(tmp_path, "new.ttl", LATER)
    assert cli("validate", old, "--as-of", AS_OF, "-f", "json", "-o", "old.json").returncode == 1
    assert cli("validate", new, "--as-of", AS_OF, "-f", "sarif", "-o", "new.sarif").returncode == 1
    report = json.loads((tmp_path / "old.json").read_text())
    hv01 = next(f for f in report["findings"] if f["focus_label"] == "HV01")
    hv01["message"] = "HV01 was worded differently then."
    (tmp_path / "old.json").write_text(json.dumps(report))
    run = cli("diff", "old.json", "new.sarif", "-f", "json", "--fail-on", "warning")
    assert run.returncode == 1
    drift = run.json()
    assert "resources" not in drift  # reports carry no graph
    same = next(f for f in drift["findings"]["unchanged"] if f["focus_label"] == "HV01")
    assert same["old_message"] == "HV01 was worded differently then."
    assert same["message"] != same["old_message"] and same["message"].startswith("HV01 ")
    assert all("old_message" not in f for f in drift["findings"]["unchanged"] if f["focus_label"] != "HV01")
    assert ("COV-001", APP_NODE) in keyed(drift["findings"]["new"])
    assert drift["old"]["score"] == report["score"]

    markdown = cli("diff", "old.json", "new.sarif", "-f", "markdown", "--fail-on", "never")
    assert markdown.returncode == 0
    assert "(was: HV01 was worded differently then.)" in markdown.stdout
    assert markdown.stdout.index("## New findings") < markdown.stdout.index("## Fixed findings")


class Sections(HTMLParser):
    """The ids of the page's h2 headings and the severity of each row, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.rows: list[tuple[str, str]] = []
        self._section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "h2" and values.get("id"):
            self._section = values["id"] or ""
            self.headings.append(self._section)
        if tag == "td" and (values.get("class") or "").startswith("sev "):
            self.rows.append((self._section, (values["class"] or "").split()[1]))


def test_the_html_page_puts_what_got_worse_first(cli, tmp_path: Path) -> None:
    old, new = write(tmp_path, "old.ttl", GAP_TTL), write(tmp_path, "new.ttl", LATER + "ex:web01 hv:generation 3 .\n")
    run = cli("diff", old, new, "--as-of", AS_OF, "-f", "html", "-o", "drift.html")
    assert run.returncode == 1 and run.stdout == ""
    page = (tmp_path / "drift.html").read_text()
    parsed = Sections()
    parsed.feed(page)
    assert parsed.headings == ["new", "resources", "fixed", "unchanged"]
    new_rows = [severity for section, severity in parsed.rows if section == "new"]
    assert new_rows and new_rows == sorted(new_rows, key=["violation", "warning", "info"].index)
    assert "<script" not in page and "http://" not in page.replace("https://example.org/", "")


def test_bad_input_exits_2_and_names_the_file(cli, tmp_path: Path) -> None:
    old = write(tmp_path, "old.ttl", GAP_TTL)
    missing = cli("diff", old, "nothing.ttl")
    assert missing.returncode == 2 and "nothing.ttl: no such file" in missing.stderr
    write(tmp_path, "broken.ttl", GAP_TTL + "ex:oops a .\n")
    broken = cli("diff", old, "broken.ttl")
    assert broken.returncode == 2 and "broken.ttl" in broken.stderr and "line 9" in broken.stderr
    write(tmp_path, "bad.json", '{"findings": 3}')
    bad = cli("diff", "bad.json", old)
    assert bad.returncode == 2 and 'bad.json: the report: no "findings" list' in bad.stderr
    fmt = cli("diff", old, old, "-f", "pdf")
    assert fmt.returncode == 2 and "--format must be one of text, json, markdown, html" in fmt.stderr
