"""Prometheus metrics for `GET /metrics`, kept at the edge: the core reports through callbacks.

Labels come from fixed lists (command names, platforms, delivery results, outbox states), never
from what people type, so the number of series stays bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from scheduler.jobs import TickReport
from storage import outbox

log = logging.getLogger(__name__)

OUTBOX_STATES = ("pending", "sending", "sent", "dead", "cancelled")
DELIVERY_RESULTS = ("sent", "retried", "dead")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class OutboxDepth(Collector):
    """Rows per outbox state, asked of the database at scrape time, so every replica agrees."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def describe(self) -> list[Metric]:
        """Registering asks for this instead of a first collect, which would query the database."""
        return [_depth_family()]

    def collect(self) -> Iterator[Metric]:
        try:
            counts = outbox.depth(self.engine)
        except Exception:
            log.warning("metrics: the outbox depth is unknown, the database does not answer")
            return
        family = _depth_family()
        for state in dict.fromkeys((*OUTBOX_STATES, *counts)):
            family.add_metric([state], counts.get(state, 0))
        yield family


def _depth_family() -> GaugeMetricFamily:
    return GaugeMetricFamily("kam_outbox_depth", "Outbox rows in each state", labels=["state"])


class Metrics:
    """One registry per server, built when the server is, never at import time."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "kam_request_seconds",
            "Time the core took to answer a command, form or button",
            ["command", "platform"],
            registry=self.registry,
        )
        self.errors = Counter(
            "kam_request_errors",
            "Requests that hit the error boundary (answered with an apology)",
            ["command", "platform"],
            registry=self.registry,
        )
        self.slack_ack = Histogram(
            "kam_slack_ack_seconds",
            "Time from a Slack HTTP request to its acknowledgement",
            buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0),
            registry=self.registry,
        )
        self.deliveries = Counter(
            "kam_deliveries",
            "Outbox rows by delivery result",
            ["result"],
            registry=self.registry,
        )
        for result in DELIVERY_RESULTS:
            self.deliveries.labels(result)
        self.sweep = Histogram(
            "kam_sweep_seconds",
            "Time one sweep took to queue due reminders",
            registry=self.registry,
        )
        self.registry.register(OutboxDepth(engine))

    def observe_request(self, command: str, platform: str, seconds: float, failed: bool) -> None:
        self.requests.labels(command, platform).observe(seconds)
        if failed:
            self.errors.labels(command, platform).inc()

    def observe_tick(self, report: TickReport) -> None:
        self.sweep.observe(report.sweep_seconds)
        delivery = report.delivery
        counts = (delivery.sent, delivery.retried, delivery.dead)
        for result, count in zip(DELIVERY_RESULTS, counts, strict=True):
            self.deliveries.labels(result).inc(count)

    def exposition(self) -> bytes:
        """The text format; blocking (the outbox depth asks the database), so run off the loop."""
        return generate_latest(self.registry)
