"""The state of one import while its documents are read: the graph so far and the records by kind."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from advisor.importers.graph import GraphBuilder
from advisor.importers.records import Record


@dataclass
class Reading:
    builder: GraphBuilder = field(default_factory=GraphBuilder)
    records: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    backup: list[tuple[str, dict, str]] = field(default_factory=list)  # (product, section, source name)

    def add_records(self, records: list[Record]) -> None:
        for record in records:
            self.records[record.kind.key].append(record)
