"""What the server has done, for Prometheus: requests by model, version, signature, API and status, their latency,
the time they waited for a computing thread, the rows each computed call held, and the state of every version.

Served at /metrics (Triton's path) and /monitoring/prometheus/metrics (TensorFlow Serving's), in Prometheus' text
format, by prometheus-client on a registry of the server's own. Labels come only from served models and
signatures: a request for a model that does not exist is counted with model "" (so a client cannot grow the
number of series)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from classicnets.serving.servable import RequestError

if TYPE_CHECKING:
    from classicnets.serving.repository import ModelRepository

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
ROW_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)
REQUEST_LABELS = ("model", "version", "signature", "api")


class ServerMetrics:
    """The counters and histograms of one server."""

    def __init__(self, repository: ModelRepository | None = None) -> None:
        disable_created_metrics()  # no *_created series: they double the output and no dashboard reads them
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("classicnets_requests", "Inference requests answered, by status code "
                                "(HTTP, or the gRPC code's name)", (*REQUEST_LABELS, "status"), registry=self.registry)
        self.latency = Histogram("classicnets_request_seconds", "Seconds from a request's arrival to its answer "
                                 "(reading the body included)", REQUEST_LABELS, buckets=LATENCY_BUCKETS,
                                 registry=self.registry)
        self.queued = Histogram("classicnets_queue_seconds", "Seconds a request waited for a computing thread "
                                "(--threads) or for its batch", ("api",), buckets=LATENCY_BUCKETS,
                                registry=self.registry)
        self.rows = Histogram("classicnets_computed_rows", "Examples in each computed call (with --batch-window-ms, "
                              "several requests' rows together)", ("model", "version", "signature"),
                              buckets=ROW_BUCKETS, registry=self.registry)
        self.refused = Counter("classicnets_overload_refusals", "Requests refused at once because the queue was "
                               "full", ("api",), registry=self.registry)
        if repository is not None:
            self.registry.register(VersionStates(repository))

    def answered(self, model: str, version: str, signature: str, api: str, status: str, seconds: float) -> None:
        """One inference request answered (or refused) with `status` after `seconds`."""
        self.requests.labels(model, version, signature, api, status).inc()
        self.latency.labels(model, version, signature, api).observe(seconds)

    def computed(self, model: str, version: str, signature: str, rows: int) -> None:
        """One call of a signature on `rows` examples."""
        self.rows.labels(model, version, signature).observe(rows)

    def text(self) -> bytes:
        """Everything, in Prometheus' text format."""
        return generate_latest(self.registry)


class VersionStates(Collector):
    """classicnets_model_version_state{model, version, state}: 1 for each version's current state."""

    def __init__(self, repository: ModelRepository) -> None:
        self.repository = repository

    def collect(self):  # type: ignore[no-untyped-def]
        family = GaugeMetricFamily("classicnets_model_version_state", "1 for the state each model version is in "
                                   "(START, LOADING, AVAILABLE, UNLOADING, END)", labels=("model", "version", "state"))
        for name in self.repository.model_names():
            try:
                versions = sorted(self.repository.versions(name).items())
            except (RequestError, RuntimeError):  # removed, or changing, while the poller scans
                continue
            for number, state in versions:
                family.add_metric((name, str(number), state.state), 1)
        yield family

    def describe(self):  # type: ignore[no-untyped-def]
        return []
