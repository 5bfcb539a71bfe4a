"""How the importers name things: stable IRIs, so that the same inventory always gives the same graph.

The rules (docs/import.md, "IRI rules"):
- host and cluster: `urn:hv-advisor:host:<name>`, `urn:hv-advisor:cluster:<name>`, the lower-case first label
  of the DNS name as PowerShell reported it (`HV01`, `hv01.contoso.local` and `hv01` are one host); a host
  given by IP address is named by the whole address (`10.0.0.5` and `10.0.0.6` are two hosts);
- VM: `urn:hv-advisor:vm:<VMId>@<scope>`, the lower-case VM id and the cluster (a clustered VM) or the host it
  runs on: never the name, which is not unique, and never the id alone, which copies share;
- what belongs to a VM extends its key: `.../disk/<ControllerType>-<number>-<location>`,
  `.../fc/<SAN name>`, `.../checkpoint/<snapshot id>`, `.../replica/<simple|extended>`;
- volumes: `urn:hv-advisor:csv:<cluster>/<path>`, `urn:hv-advisor:volume:<host>/<drive>`,
  `urn:hv-advisor:share:<server>/<share>` (paths lower case, `\\` as `/`);
- backup products' objects: `urn:hv-advisor:job:<product>/<id>`, `urn:hv-advisor:repository:<product>/<id>`;
- each input document: `urn:hv-advisor:source:<file name>`.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote

PREFIX = "urn:hv-advisor:"


def _part(text: str) -> str:
    return quote(text.strip().lower().replace("\\", "/"), safe="/-._~@:")


def is_address(name: str) -> bool:
    """An IP address (`10.0.0.5`, `fe80::1`): a name of its own, never cut at its dots."""
    try:
        ipaddress.ip_address(name.strip().strip("[]"))
    except ValueError:
        return False
    return True


def is_dns_name(name: str) -> bool:
    """A DNS name with a domain (`hv01.contoso.local`), which becomes hv:dnsName; not an IP address."""
    return "." in name and not is_address(name)


def short_name(name: str) -> str:
    """The first label of a DNS name, lower case: the key of a host or cluster; an IP address whole."""
    if is_address(name):
        return name.strip().strip("[]").lower()
    return name.strip().split(".", 1)[0].lower()


def display_name(name: str) -> str:
    """The label of a host, cluster or server: the first label of its DNS name, upper case; an IP address whole."""
    return short_name(name).upper() if not is_address(name) else short_name(name)


def host(name: str) -> str:
    return f"{PREFIX}host:{_part(short_name(name))}"


def cluster(name: str) -> str:
    return f"{PREFIX}cluster:{_part(short_name(name))}"


def vm(vm_id: str, scope: str) -> str:
    return f"{PREFIX}vm:{_part(vm_id)}@{_part(short_name(scope))}"


def disk(vm_iri: str, controller: str, number: object, location: object) -> str:
    return f"{vm_iri}/disk/{_part(controller)}-{number}-{location}"


def fibre_channel(vm_iri: str, key: str) -> str:
    """A virtual Fibre Channel adapter by the SAN it reaches (with its port name when two reach the same SAN)."""
    return f"{vm_iri}/fc/{_part(key)}"


def checkpoint(vm_iri: str, snapshot_id: str) -> str:
    return f"{vm_iri}/checkpoint/{_part(snapshot_id)}"


def replica(vm_iri: str, extended: bool) -> str:
    return f"{vm_iri}/replica/{'extended' if extended else 'simple'}"


def csv_volume(cluster_name: str, path: str) -> str:
    return f"{PREFIX}csv:{_part(short_name(cluster_name))}/{_part(path.rstrip(chr(92) + '/'))}"


def local_volume(host_name: str, drive: str) -> str:
    return f"{PREFIX}volume:{_part(short_name(host_name))}/{_part(drive.rstrip(':'))}"


def share(server: str, name: str) -> str:
    return f"{PREFIX}share:{_part(short_name(server))}/{_part(name)}"


def job(product: str, job_id: str) -> str:
    return f"{PREFIX}job:{_part(product)}/{_part(job_id)}"


def repository(product: str, repository_id: str) -> str:
    return f"{PREFIX}repository:{_part(product)}/{_part(repository_id)}"


def product(name: str) -> str:
    return f"{PREFIX}product:{_part(name)}"


def source(name: str) -> str:
    base = re.split(r"[/\\]", name)[-1]
    return f"{PREFIX}source:{_part(base)}"


def warning(source_iri: str, number: int) -> str:
    return f"{source_iri}/warning/{number}"
