"""Watching the platform: /healthz, /readyz, Prometheus metrics and a request id in every log line.

* ``/healthz``: the process answers (for a load balancer's liveness check); touches nothing.
* ``/readyz``: the database answers, Redis answers (when jobs or limits use it), and the job
  backlog: how many wait and how old the oldest is. 503 when a dependency is down.
* ``/metrics``: Prometheus text format, from the maintained client library: request latency
  histograms per endpoint, job counts and failures, the queue's depth and age. With several
  gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` (docs/deploy.md) so one scrape sums them.
  With ``METRICS_TOKEN`` set only ``Authorization: Bearer $METRICS_TOKEN`` is answered; without
  it only loopback callers are (behind a proxy on the same machine, set the token).
* Every request gets an id (``X-Request-Id`` from the proxy when it sends one, else a new one),
  sent back in the response, put in each log line (``LOG_FORMAT=json``), and stored with the
  jobs the request asks for, so its work can be followed into the workers.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid

import orjson
from flask import Flask, Response, current_app, g, has_request_context, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text

from .extensions import db, redis_client
from .jobs import backlog
from .policy import public

REQUEST_SECONDS = Histogram(
    "schatkaart_request_seconds",
    "Time to answer a request, per endpoint",
    ("endpoint", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,40}$")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _begin() -> None:
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _end(response: Response) -> Response:
    response.headers["X-Request-Id"] = g.get("request_id", "")
    started = g.get("request_started")
    if started is not None:
        endpoint = request.endpoint or "unmatched"
        REQUEST_SECONDS.labels(endpoint, request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
    return response


@public
def healthz():
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@public
def readyz():
    checks: dict[str, object] = {}
    ready = True
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # any failure means not ready
        db.session.rollback()
        checks["database"] = "unreachable"
        ready = False
    for name, url in _redis_urls().items():
        try:
            redis_client(url, timeout=2).ping()
            checks[name] = "ok"
        except Exception:  # any failure means not ready
            checks[name] = "unreachable"
            ready = False
    if checks["database"] == "ok":
        checks["jobs"] = backlog()
        db.session.rollback()
    body = orjson.dumps({"ready": ready, "checks": checks})
    return Response(
        body, status=200 if ready else 503, mimetype="application/json", headers={"Cache-Control": "no-store"}
    )


def _redis_urls() -> dict[str, str]:
    urls = {}
    if current_app.config.get("JOBS_REDIS_URL"):
        urls["jobs_redis"] = current_app.config["JOBS_REDIS_URL"]
    limits = current_app.config.get("RATELIMIT_STORAGE_URI", "")
    if limits.startswith("redis"):
        urls["limits_redis"] = limits
    return urls


@public
def metrics():
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    # with a token, only the token counts (a proxy on this machine makes every caller loopback);
    # without one, only loopback callers are answered
    allowed = hmac.compare_digest(given, token) if token else request.remote_addr in ("127.0.0.1", "::1")
    if not allowed:
        return Response("forbidden\n", status=403, mimetype="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    queue = CollectorRegistry()  # read from the database at each scrape: the same for every process
    queue.register(_Backlog(backlog()))
    db.session.rollback()
    return Response(generate_latest(registry) + generate_latest(queue), mimetype=CONTENT_TYPE_LATEST)


class _Backlog:
    """The job table's backlog as Prometheus gauges."""

    def __init__(self, figures: dict) -> None:
        self.figures = figures

    def collect(self):
        yield GaugeMetricFamily("schatkaart_jobs_waiting", "Jobs waiting or running", value=self.figures["waiting"])
        yield GaugeMetricFamily(
            "schatkaart_jobs_oldest_seconds", "Age of the oldest waiting job", value=self.figures["oldest_seconds"]
        )
        yield GaugeMetricFamily(
            "schatkaart_jobs_failed", "Jobs failed for good (Beheer lists them)", value=self.figures["failed"]
        )


def register_metrics(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_end)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readyz", "readyz", readyz)
    app.add_url_rule("/metrics", "metrics", metrics)
    if app.config.get("LOG_FORMAT") == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
