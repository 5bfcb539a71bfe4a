"""The output contract of collector/Collect-HvInventory.ps1, checked without PowerShell.

The script cannot run here, so its text is read instead. Every object it writes is an explicit projection
in one documented form (the script keeps to it, and this test fails when it does not):

    <anything>[pscustomobject]@{ # schema: <path>
        <Property> = <expression>
        ...
    <closing line starting with "}" at the opening line's indentation>

with one property per line, indented four spaces deeper than the opening line (deeper lines continue a
value or open a nested projection). <path> names the object of inventory-1.schema.json it projects: a
`$defs` name (`vm`, `veeam`) or `document` for the root, then property names down to nested objects
(`veeam/jobs/Objects`). From that the test checks, in both directions, that the script and the schema agree
on every property name, and pins what else the script promises: the schema version, enum names and UTC
dates through the script's converters, read-only cmdlets, one output file in UTF-8 without BOM, Windows
PowerShell 5.1 syntax, a JSON depth that covers the schema, the docs naming every cmdlet it calls, and the
example collector documents holding only what the script writes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor.importers import collector, import_inventory, iris
from advisor.importers.documents import Source, decode, parse_json
from tests.conftest import ROOT
from tests.importers.conftest import SQL01, WEB01, objects

SCRIPT = ROOT / "collector" / "Collect-HvInventory.ps1"
DOCS = ROOT / "docs" / "import.md"
FIXTURES = ROOT / "tests" / "importers" / "data"
EXAMPLES = ROOT / "collector" / "examples"

_OPEN = re.compile(r"^(?P<indent> *)\S.*\[pscustomobject\]@\{ # schema: (?P<path>[\w/]+)\s*$")
_PROPERTY = re.compile(r"^(?P<name>\w+) = (?P<value>.*)$")

# Schema properties the script does not collect, and why (collecting one means removing it here).
NOT_COLLECTED = {
    "veeam/repositories": {"Immutable"},  # no documented property; the Hardened Repository type says it
    "veeam/jobs/Objects": {"VMId"},  # Veeam's object ids vs Hyper-V VM ids: unverified; matched by name and host
    "dpm/protectionGroups": {"OnlineProtection", "TapeProtection", "ScheduleIntervalHours"},  # not documented
}
# Enum-typed properties set from the script's own tables rather than through ConvertTo-EnumName.
ENUMS_FROM_TABLES = {("veeam/repositories", "Type")}  # ConvertTo-EnumName, or ExtendableRepository (scale-out)

# Cmdlets other than Get-* the script may call: none of them changes anything outside the PowerShell session.
ALLOWED_COMMANDS = {
    "ConvertTo-Json", "Import-Module", "Write-Warning", "Write-Verbose",
    "Where-Object", "ForEach-Object", "Select-Object", "Sort-Object",
}
OWN_FUNCTION_VERBS = {"Get", "ConvertTo", "Write", "Add"}  # Add-: to the script's in-memory lists only
# PowerShell's approved verbs: a token "<verb>-<Noun>" is a command call (Where/ForEach for the *-Object cmdlets).
VERBS = frozenset({
    "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New",
    "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set",
    "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch", "Connect", "Disconnect", "Read", "Receive",
    "Send", "Write", "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo",
    "Dismount", "Edit", "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out",
    "Publish", "Restore", "Save", "Sync", "Unpublish", "Update", "Debug", "Measure", "Ping", "Repair", "Resolve",
    "Test", "Trace", "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable",
    "Install", "Invoke", "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend",
    "Uninstall", "Unregister", "Wait", "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect", "Use",
    "Where", "ForEach",
})
# Syntax and parameters that exist only in PowerShell 6 or 7: the script must run in Windows PowerShell 5.1.
PS7_ONLY = [r"\?\?", r"\?\.", r"&&", r"\|\|", r"-Parallel\b", r"-AsArray\b", r"-EnumsAsStrings\b",
            r"-AsHashtable\b", r"\bGet-Error\b", r"\$IsWindows\b", r"\bclean\s*\{"]


@dataclass(frozen=True)
class Projection:
    path: str
    line: int
    properties: dict[str, str]  # name -> expression (its first line)


def code_lines(text: str) -> list[str]:
    """The script's lines without comments (`<# ... #>` blocks and `#` to the end of a line), numbered as in
    the file; a `#` inside a quoted string would be cut too, so the script keeps `#` out of its strings."""
    text = re.sub(r"<#.*?#>", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return [re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines()]


def projections(text: str) -> list[Projection]:
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines):
        match = _OPEN.match(line)
        if not match:
            continue
        indent = len(match.group("indent"))
        properties: dict[str, str] = {}
        for inner in lines[number + 1:]:
            depth = len(inner) - len(inner.lstrip(" "))
            if inner.strip().startswith("}") and depth == indent:
                break
            assert depth > indent, f"line {number + 1}: the projection {match.group('path')} is not closed"
            if depth == indent + 4 and not inner.strip().startswith("}"):  # "}" closes a nested projection
                body = re.sub(r"\s+#.*$", "", inner.strip())
                prop = _PROPERTY.match(body)
                assert prop, f"not a 'Name = value' line in projection {match.group('path')}: {inner.strip()!r}"
                assert prop.group("name") not in properties, f"{prop.group('name')} twice in {match.group('path')}"
                properties[prop.group("name")] = prop.group("value")
        found.append(Projection(match.group("path"), number + 1, properties))
    return found


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _object(schema: dict, node: dict) -> dict:
    node = _resolve(schema, node)
    return _resolve(schema, node["items"]) if node.get("type") == "array" else node


def schema_object(schema: dict, path: str) -> dict:
    """The schema object a projection path names (KeyError when it names none)."""
    first, *rest = path.split("/")
    if first == "document":
        node = schema
    elif first in schema["$defs"]:
        node = schema["$defs"][first]
    else:
        node = _object(schema, schema["properties"][first])
    for step in rest:
        node = _object(schema, node["properties"][step])
    return node


def object_paths(schema: dict) -> set[str]:
    """Every object with properties in the schema, by the path a projection uses for it."""
    paths: set[str] = set()

    def walk(node: dict, path: str) -> None:
        if path in paths:
            return
        paths.add(path)
        for name, prop in node.get("properties", {}).items():
            raw = prop["items"] if prop.get("type") == "array" and "items" in prop else prop
            target = _resolve(schema, raw)
            if "properties" not in target:
                continue
            ref = raw.get("$ref", "")
            inline = name if path == "document" else f"{path}/{name}"
            walk(target, ref.rsplit("/", 1)[-1] if ref.startswith("#/$defs/") else inline)

    walk(schema, "document")
    return paths


def schema_depth(schema: dict, node: dict | None = None, seen: tuple = ()) -> int:
    """Levels of objects and arrays below the document (what ConvertTo-Json -Depth must reach)."""
    node = _resolve(schema, schema if node is None else node)
    children = list(node.get("properties", {}).values()) + ([node["items"]] if "items" in node else [])
    nested = [c for c in children if _resolve(schema, c).get("type") in ("object", "array")
              or "properties" in _resolve(schema, c)]
    if not nested or id(node) in seen:
        return 0
    return 1 + max(schema_depth(schema, child, (*seen, id(node))) for child in nested)


def commands(text: str) -> set[str]:
    return {f"{verb}-{noun}" for line in code_lines(text)
            for verb, noun in re.findall(r"(?<![\w$-])([A-Z][A-Za-z]+)-([A-Z][A-Za-z]+)\b", line) if verb in VERBS}


def own_functions(text: str) -> set[str]:
    return set(re.findall(r"^function ([\w-]+)", text, flags=re.M))


@pytest.fixture(scope="module")
def script() -> str:
    return SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(collector.schema_file().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def written(script: str) -> dict[str, Projection]:
    found = projections(script)
    paths = [p.path for p in found]
    assert len(paths) == len(set(paths)), f"a schema object is projected twice: {sorted(paths)}"
    return {p.path: p for p in found}


def test_every_object_is_an_explicit_projection(script: str, written: dict[str, Projection]) -> None:
    """Each [pscustomobject] is a marked projection (nothing written as a live or depth-truncated object)."""
    assert script.count("[pscustomobject]") == len(written) > 10


def test_the_script_projects_every_object_of_the_schema(schema: dict, written: dict[str, Projection]) -> None:
    assert set(written) == object_paths(schema)


def test_written_properties_are_declared_by_the_schema(schema: dict, written: dict[str, Projection]) -> None:
    undeclared = {path: sorted(set(p.properties) - set(schema_object(schema, path).get("properties", {})))
                  for path, p in written.items()}
    assert {path: names for path, names in undeclared.items() if names} == {}


def test_required_properties_are_written(schema: dict, written: dict[str, Projection]) -> None:
    missing = {path: sorted(set(schema_object(schema, path).get("required", [])) - set(p.properties))
               for path, p in written.items()}
    assert {path: names for path, names in missing.items() if names} == {}


def test_every_declared_property_is_written_or_known_not_collected(schema: dict,
                                                                   written: dict[str, Projection]) -> None:
    unwritten = {path: set(schema_object(schema, path)["properties"]) - set(p.properties)
                 for path, p in written.items()}
    assert {path: names for path, names in unwritten.items() if names} == NOT_COLLECTED


def test_schema_version_and_format_are_the_schemas(script: str, schema: dict, written) -> None:
    version = re.search(r"^\$SchemaVersion = (\d+)$", script, flags=re.M)
    assert version, "the script declares no $SchemaVersion"
    assert int(version.group(1)) == collector.SCHEMA_VERSIONS[-1]
    assert collector.schema_file().name == f"inventory-{version.group(1)}.schema.json"
    document = written["document"].properties
    assert document["schemaVersion"] == "$SchemaVersion"
    assert document["format"] == f"'{schema['properties']['format']['const']}'" == f"'{collector.FORMAT}'"


def test_dates_are_utc_iso_text(script: str, schema: dict, written: dict[str, Projection]) -> None:
    """Every date-time property goes through ConvertTo-UtcText, which writes ISO 8601 in UTC."""
    converter = re.search(r"function ConvertTo-UtcText.*?^}", script, flags=re.S | re.M)
    assert converter and ".ToUniversalTime().ToString('o'" in converter.group(0)
    dates = [(path, name) for path, p in written.items() for name in p.properties
             if _resolve(schema, schema_object(schema, path)["properties"][name]).get("format") == "date-time"]
    assert len(dates) >= 5
    assert [(path, name) for path, name in dates
            if not written[path].properties[name].startswith("ConvertTo-UtcText ")] == []


def test_enums_are_written_as_names(schema: dict, written: dict[str, Projection]) -> None:
    enum_name = "#/$defs/enumName"
    enums = [(path, name) for path, p in written.items() for name in p.properties
             if schema_object(schema, path)["properties"][name].get("$ref") == enum_name]
    assert len(enums) >= 10
    assert [(path, name) for path, name in enums if (path, name) not in ENUMS_FROM_TABLES
            and not written[path].properties[name].startswith("ConvertTo-EnumName ")] == []


def test_lists_stay_lists(schema: dict, written: dict[str, Projection]) -> None:
    """An array property is a fresh array (`.ToArray()`, `[string[]]@(...)`): never `$(...)`, which unrolls one
    item to a bare object, and never a pipeline's output, which 5.1 may write as {"value": [...], "Count": n}."""
    arrays = [(path, name) for path, p in written.items() for name in p.properties
              if _resolve(schema, schema_object(schema, path)["properties"][name]).get("type") == "array"]
    assert len(arrays) >= 15
    fresh = re.compile(r"^(?:.*\.ToArray\(\)|\[(?:string|object)\[\]\]@\(.*\)|\$\w+)$")
    assert [(path, name) for path, name in arrays if not fresh.match(written[path].properties[name])] == []


def test_veeam_job_and_object_types_are_the_schemas(script: str, schema: dict) -> None:
    table = re.search(r"^\$VeeamJobTypes = @\{(.*?)^\}", script, flags=re.S | re.M)
    assert table, "the script has no $VeeamJobTypes table"
    job_types = set(re.findall(r"= '(\w+)'", table.group(1)))
    assert job_types == set(schema_object(schema, "veeam/jobs")["properties"]["JobType"]["enum"])
    objects = re.search(r"function Get-VeeamObjects.*?^}", script, flags=re.S | re.M)
    assert objects
    object_types = set(re.findall(r"\$type = '(\w+)'", objects.group(0)))
    allowed = set(schema_object(schema, "veeam/jobs/Objects")["properties"]["Type"]["enum"])
    assert object_types and object_types <= allowed


def test_only_read_only_cmdlets_are_called(script: str) -> None:
    own = own_functions(script)
    assert {name.split("-", 1)[0] for name in own} <= OWN_FUNCTION_VERBS
    called = commands(script) - own
    assert {name for name in called if not name.startswith("Get-")} <= ALLOWED_COMMANDS
    assert len([name for name in called if name.startswith("Get-")]) >= 20


def test_no_method_changes_the_objects_it_reads(script: str) -> None:
    """Veeam and DPM objects have methods that change the product (Delete, Save, Start ...): none is called;
    the one Remove is of a property of the script's own in-memory projection."""
    code = "\n".join(code_lines(script))
    changing = re.findall(r"\.((?:Delete|Save|Update|Commit|Start|Stop|Set|Remove|Add|Enable|Disable)\w*)\(", code)
    assert sorted(changing) == ["Add"] * code.count(".Add(") + ["Remove"]
    assert "$Value.PSObject.Properties.Remove(" in code
    assert re.findall(r"\$(\w+)\.Add\(", code) and set(re.findall(r"\$(\w+)\.Add\(", code)) <= {
        "Warnings", "Hosts", "ClusterNodes", "ClusterVolumes", "Vms", "Drives", "Vhds", "Snapshots",
        "Replications", "Services", "FibreChannel", "infos", "objects", "repositories", "jobs", "sources",
        "groups"}


def test_one_file_is_written_the_output_path_in_utf8_without_bom(script: str) -> None:
    code = "\n".join(code_lines(script))
    assert re.findall(r"\[(?:System\.)?IO\.\w+\]::\w+", code) == ["[System.IO.File]::WriteAllText"]
    assert "[System.IO.File]::WriteAllText($target, $json, [System.Text.UTF8Encoding]::new($false))" in code
    assert "$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)" in code
    assert not re.search(r"\s\d?>>?\s*[\w$'\"(]|\*>", code), "a redirection writes a file"


def test_the_script_is_windows_powershell_5_1(script: str) -> None:
    assert script.startswith("#Requires -Version 5.1\n")
    code = "\n".join(code_lines(script))
    assert [pattern for pattern in PS7_ONLY if re.search(pattern, code)] == []
    assert "New-Object" not in code  # ::new() is 5.0+, and no New- verb at all


def test_json_depth_covers_the_schema(script: str, schema: dict) -> None:
    depth = re.findall(r"ConvertTo-Json -InputObject \$document -Depth (\d+)", script)
    assert len(depth) == 1 and int(depth[0]) > schema_depth(schema) >= 5


def test_docs_name_every_cmdlet_the_script_calls(script: str) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    called = commands(script) - own_functions(script) - {"Where-Object", "ForEach-Object", "Select-Object",
                                                         "Sort-Object", "Write-Verbose", "Write-Warning"}
    assert sorted(name for name in called if name not in docs) == []


def test_every_parameter_has_help_and_is_documented(script: str) -> None:
    block = re.search(r"^param\((.*?)^\)", script, flags=re.S | re.M)
    assert block, "the script has no param() block"
    parameters = re.findall(r"^    \[\w+\]\$(\w+)", block.group(1), flags=re.M)
    assert parameters == ["OutputPath", "Cluster", "HostOnly", "IncludeBackupProducts"]
    assert re.findall(r"^\.PARAMETER (\w+)$", script, flags=re.M) == parameters
    docs = DOCS.read_text(encoding="utf-8")
    assert [name for name in parameters if f"| `-{name}" not in docs] == []


def _collector_documents() -> list[Path]:
    """Every JSON fixture in the collector format (Windows encodings included: the project's decoder), and the
    example outputs shipped beside the script."""
    found = [*FIXTURES.rglob("*.json"), *EXAMPLES.glob("*.json")]
    return sorted(p for p in found if collector.recognises(Source(p.name, b""), _text(p)))


def _text(path: Path) -> str:
    return decode(Source(path.name, path.read_bytes()))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_the_example_outputs_follow_the_schema(path: Path, schema: dict) -> None:
    """The examples beside the script are documents the importer accepts (its own schema check)."""
    assert collector.check(Source(path.name, b""), parse_json(Source(path.name, b""), _text(path))) == 1


@pytest.mark.parametrize("path", _collector_documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_example_documents_hold_only_what_the_script_writes(path: Path, schema: dict,
                                                            written: dict[str, Projection]) -> None:
    """The example collector documents the importer's tests read are shaped like the script's output."""
    extra: list[str] = []

    def walk(value: object, node: dict, where: str, projection: str) -> None:
        node = _resolve(schema, node)
        if isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, node.get("items", {}), f"{where}[{index}]", projection)
            return
        if not isinstance(value, dict) or "properties" not in node:
            return
        keys = set(written[projection].properties)
        extra.extend(f"{where}.{key}" for key in sorted(set(value) - keys))
        for key, item in value.items():
            if key not in node["properties"] or key not in keys:
                continue
            raw = node["properties"][key]
            ref = (raw.get("items", raw) if raw.get("type") == "array" else raw).get("$ref", "")
            child = ref.rsplit("/", 1)[-1] if ref.startswith("#/$defs/") and ref != "#/$defs/name" else None
            inline = key if projection == "document" else f"{projection}/{key}"
            walk(item, raw, f"{where}.{key}", child if child in written else inline)

    walk(json.loads(_text(path)), schema, "$", "document")
    assert extra == []


def test_the_backup_server_example_imports_beside_the_estate_it_protects() -> None:
    """With the cluster it backs up, the example's only warning is the one the collector reported; its job stores
    to and copies to its repositories and protects the cluster's VMs but the one it excludes."""
    paths = [FIXTURES / "collector" / "cluster.json", EXAMPLES / "backup-server.json"]
    result = import_inventory([Source(p.name, p.read_bytes()) for p in paths])
    assert [w.kind for w in result.warnings] == ["collector"]
    job = iris.job("veeam", "9e0c1d7a-6f3b-4e21-8d4a-1b2c3d4e5f01")
    assert objects(result, job, "storesTo") == [iris.repository("veeam", "5a1c7f0e-2b64-4d55-9a0e-3f1e6c2b7d02")]
    assert objects(result, job, "copiesTo") == [iris.repository("veeam", "5a1c7f0e-2b64-4d55-9a0e-3f1e6c2b7d03")]
    # the cluster less its excluded VM (APP01 on HV03): the cluster's VMs one by one
    assert objects(result, job, "protects") == [SQL01, WEB01]
