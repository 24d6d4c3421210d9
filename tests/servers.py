"""Real servers on loopback for tests: gunicorn running the production entry point, Redis."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, log: Path, workers: int, threads: int, **env: str) -> Iterator[str]:
    """gunicorn on loopback with ``wsgi:app``; yields its URL; fails if any request raised."""
    port = free_port()
    errors = log.open("wb")
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "MAIL_BACKEND": "file",
        "MAIL_FILE": os.devnull,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        **env,
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads)]
    process = subprocess.Popen(  # noqa: S603
        [*command, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(url + "/huisregels", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise AssertionError(log.read_text())
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        errors.close()
    assert "Traceback" not in log.read_text()  # no request failed inside the server either


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A private redis-server on loopback (no persistence); yields its URL."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: make setup-test installs it"
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
