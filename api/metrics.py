"""Prometheus metrics of one service instance: requests and latency by route, validations, findings by rule."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advisor.report import Report

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "advisor_http_requests",
            "HTTP requests by method, route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "advisor_http_request_duration_seconds",
            "HTTP request latency by method and route.",
            ["method", "route"],
            registry=self.registry,
        )
        self.validations = Counter(
            "advisor_validations",
            "Validations by outcome (conforms, does-not-conform, failed).",
            ["outcome"],
            registry=self.registry,
        )
        self.validation_seconds = Histogram(
            "advisor_validation_duration_seconds", "Time to parse and validate one graph.", registry=self.registry
        )
        self.validations_running = Gauge(
            "advisor_validations_in_progress", "Validations running or waiting for a worker.", registry=self.registry
        )
        self.findings = Counter(
            "advisor_findings",
            "Findings reported, by rule and severity.",
            ["rule_id", "severity"],
            registry=self.registry,
        )
        self.queries = Counter(
            "advisor_sparql_queries",
            "SPARQL queries by outcome (answered, refused, failed).",
            ["outcome"],
            registry=self.registry,
        )
        self.environments = Gauge("advisor_environments", "Environments in the store.", registry=self.registry)

    def count_environments(self, counter: Callable[[], int]) -> None:
        self.environments.set_function(counter)

    def score_environments(self, scores: Callable[[], list[tuple[str, float]]]) -> None:
        """A gauge of each environment's posture score, read from the store at every scrape."""
        self.registry.register(EnvironmentScores(scores))

    def validated(self, report: Report, seconds: float) -> None:
        self.validations.labels("conforms" if report.conforms else "does-not-conform").inc()
        self.validation_seconds.observe(seconds)
        for finding in report.findings:
            self.findings.labels(finding.rule_id, finding.severity.value).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class EnvironmentScores(Collector):
    """advisor_environment_score{environment}: the latest validation's score of each stored environment (by id)."""

    def __init__(self, scores: Callable[[], list[tuple[str, float]]]) -> None:
        self.scores = scores

    def describe(self) -> list:
        return []  # collected at scrape time only: the environments change

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "advisor_environment_score",
            "Posture score (0-100) of each environment's latest validation.",
            labels=["environment"],
        )
        for environment_id, score in self.scores():
            family.add_metric([environment_id], score)
        yield family


class MetricsMiddleware:
    """Count every HTTP request and time it, labelled with its route template (never the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            if template != "unmatched" and scope.get("root_path"):
                template = scope["root_path"] + template
            method = scope.get("method", "")
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)
