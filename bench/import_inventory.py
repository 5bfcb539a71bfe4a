"""Time the import of raw Windows PowerShell 5.1 exports: `python bench/import_inventory.py 5000 [--write FILE]`.

Writes the ConvertTo-Json exports of a generated estate (clusters of 8 nodes, N VMs spread over them, two
drives each, Get-VHD of their files, integration services, a checkpoint on every tenth VM, the cluster
nodes), 5.1-style (\\/Date(ms)\\/, numeric enums, UTF-16 with a BOM for the integration services), then times
reading, importing and serialising them as Turtle. A benchmark, not a test: it prints the figures; --write
puts them into the import section of docs/performance.md (between <!-- import --> and <!-- /import -->).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from advisor.importers import Source, import_inventory  # noqa: E402
from bench.measure import peak_rss_mib  # noqa: E402

NODES_PER_CLUSTER = 8
VMS_PER_NODE = 25
VSS = "5CED1297-4598-4915-A5FC-AD21BB4D02A4"
HEARTBEAT = "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47"


def _guid(kind: int, n: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def _dump(value: object) -> str:
    text = json.dumps(value, indent=4, separators=(",", ":  "))
    return text.replace('"/Date(', '"\\/Date(').replace(')/"', ')\\/"').replace("\n", "\r\n")


def write_exports(vms: int, folder: Path) -> int:
    """The exports of an estate of `vms` VMs; returns the number of hosts."""
    hosts = max(1, -(-vms // VMS_PER_NODE))
    nodes, machines, drives, vhds, services, snapshots = [], [], [], [], [], []
    for h in range(hosts):
        host, cluster = f"HV{h:04d}", f"CLU{h // NODES_PER_CLUSTER:03d}"
        nodes.append({"Cluster": {"Name": cluster, "Domain": "contoso.local"}, "State": 0, "Id": str(h), "Name": host,
                      "NodeName": host, "MajorVersion": 10, "MinorVersion": 0, "BuildNumber": 20348})
    for n in range(vms):
        host = f"HV{n // VMS_PER_NODE:04d}"
        vm_id, name = _guid(1, n), f"VM{n:05d}"
        base = f"C:\\ClusterStorage\\Volume{n % 4 + 1}\\{name}"
        machines.append({"Name": name, "Id": vm_id, "State": 2, "Generation": 2, "ProcessorCount": 4,
                         "MemoryStartup": 8589934592, "MemoryMaximum": 1099511627776, "DynamicMemoryEnabled": False,
                         "CheckpointType": 3, "ReplicationMode": 0, "IsClustered": True, "ComputerName": host,
                         "Path": base, "ConfigurationLocation": base, "CreationTime": "/Date(1741075200000)/",
                         "HardDrives": "Microsoft.HyperV.PowerShell.HardDiskDrive", "VMName": name, "VMId": vm_id})
        for location in (0, 1):
            path = f"{base}\\disk{location}.vhdx"
            drives.append({"Path": path, "DiskNumber": None, "ControllerType": 1, "ControllerNumber": 0,
                           "ControllerLocation": location, "VMId": vm_id, "VMName": name, "ComputerName": host,
                           "VMSnapshotId": "00000000-0000-0000-0000-000000000000"})
            vhds.append({"ComputerName": host, "Path": path, "VhdFormat": 3, "VhdType": 3, "Size": 136365211648,
                         "FileSize": 4194304})
        for component in (HEARTBEAT, VSS):
            services.append({"VMId": vm_id, "VMName": name, "ComputerName": host, "Name": "Backup", "Enabled": True,
                             "Id": f"Microsoft:{vm_id.upper()}\\{component}", "PrimaryStatusDescription": "OK"})
        if n % 10 == 0:
            snapshots.append({"Name": "Before patch", "Id": _guid(2, n), "VMId": vm_id, "VMName": name,
                              "SnapshotType": 0, "State": 3, "CreationTime": "/Date(1790857800000)/",
                              "ComputerName": host})
    utf8 = {"get-clusternode": nodes, "get-vm": machines, "get-vmharddiskdrive": drives, "get-vhd": vhds,
            "get-vmsnapshot": snapshots}
    for name, objects in utf8.items():
        (folder / f"{name}.json").write_bytes(b"\xef\xbb\xbf" + _dump(objects).encode("utf-8"))
    (folder / "get-vmintegrationservice.json").write_bytes(b"\xff\xfe" + _dump(services).encode("utf-16-le"))
    return hosts


def measure(vms: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hosts = write_exports(vms, folder)
        size = sum(p.stat().st_size for p in folder.iterdir())
        started = time.perf_counter()
        sources = [Source(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
        result = import_inventory(sources)
        imported = time.perf_counter()
        turtle = result.serialize(ox.RdfFormat.TURTLE)
        done = time.perf_counter()
    return {"vms": vms, "hosts": hosts, "bytes": size, "triples": len(result.triples), "warnings": len(result.warnings),
            "import_seconds": imported - started, "serialize_seconds": done - imported, "turtle_bytes": len(turtle),
            "peak_rss_mib": peak_rss_mib()}


def section(figures: dict) -> str:
    return (
        "<!-- import -->\n## Import\n\n"
        f"`python bench/import_inventory.py {figures['vms']} --write docs/performance.md` (one run): the raw Windows "
        f"PowerShell 5.1 exports of {figures['vms']:,} VMs on {figures['hosts']} cluster nodes (Get-VM, "
        "Get-VMHardDiskDrive with two drives per VM, Get-VHD, Get-VMIntegrationService in UTF-16, Get-VMSnapshot for "
        f"every tenth VM, Get-ClusterNode; {figures['bytes'] / 1e6:.1f} MB) become {figures['triples']:,} triples "
        f"with {figures['warnings']} warnings.\n\n"
        "| step | seconds |\n|---|---:|\n"
        f"| read, decode, recognise and import every file | {figures['import_seconds']:.2f} |\n"
        f"| serialise the graph as Turtle ({figures['turtle_bytes'] / 1e6:.1f} MB) | "
        f"{figures['serialize_seconds']:.2f} |\n\n"
        f"Peak RSS {figures['peak_rss_mib']:.0f} MiB. JSON is read with the pure-Python scanner so that every "
        "object knows its line (for warnings and SARIF): most of the import time. The machine's 2 cores are "
        "shared: expect noise.\n<!-- /import -->\n"
    )


def write_section(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8")
    pattern = re.compile(r"<!-- import -->.*?<!-- /import -->\n", re.DOTALL)
    if pattern.search(old):
        new = pattern.sub(lambda _: text, old)
    else:
        new = old.replace("\n## Notes\n", f"\n{text}\n## Notes\n")
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vms", type=int, nargs="?", default=5000)
    parser.add_argument("--write", type=Path, help="Put the figures into this Markdown file's import section.")
    arguments = parser.parse_args()
    figures = measure(arguments.vms)
    print(json.dumps(figures, indent=2))
    if arguments.write:
        write_section(arguments.write, section(figures))


if __name__ == "__main__":
    main()
