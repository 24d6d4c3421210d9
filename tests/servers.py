"""Real servers on loopback for tests: gunicorn running the production entry point, Redis."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


DROP_ROOT = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]


def unprivileged() -> list[str]:
    """The command prefix that drops root: servers the tests start run as ``nobody`` when the
    tests themselves run as root (as in CI), so a hole in the app is not a hole as root."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return []
    return DROP_ROOT


@functools.cache
def python_unprivileged() -> list[str]:
    """The same prefix for our Python, if ``nobody`` can run the very interpreter the tests run
    (a pyenv Python under a private /root cannot be: then the app server stays root, and says so
    in the closing note rather than silently running another Python)."""
    prefix = unprivileged()
    if not prefix:
        return []
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import sys; print(sys.version)"], capture_output=True, text=True, check=False
    )
    return prefix if probe.stdout.strip() == sys.version else []


def share_database(database_url: str) -> None:
    """Let ``nobody`` read and write a SQLite database the (root) test process made: the file, its
    journal files and its folder; every folder above it only to pass through."""
    if not python_unprivileged() or not database_url.startswith("sqlite:///"):
        return
    path = Path(database_url.removeprefix("sqlite:///"))
    for sibling in path.parent.glob(path.name + "*"):
        sibling.chmod(0o666)
    path.parent.chmod(0o777)
    for folder in path.parent.parents:
        if folder in (Path("/"), Path(tempfile.gettempdir())):
            break
        folder.chmod(folder.stat().st_mode | 0o111)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, log: Path, workers: int, threads: int, **env: str) -> Iterator[str]:
    """gunicorn on loopback with ``wsgi:app``; yields its URL; fails if any request raised."""
    port = free_port()
    errors = log.open("wb")
    home = log.parent / "home"  # gunicorn keeps its control socket in $HOME
    home.mkdir(exist_ok=True)
    home.chmod(0o777)
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "MAIL_BACKEND": "file",
        "MAIL_FILE": os.devnull,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        "HOME": str(home),
        **env,
    }
    share_database(database_url)
    command = [
        *python_unprivileged(),
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    process = subprocess.Popen(
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
    if unprivileged():  # nobody may not pass through the test's private folders; nothing is saved
        workdir = Path(tempfile.gettempdir())
    process = subprocess.Popen(
        [
            *unprivileged(),
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
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


def _whole_responses(app):
    """Werkzeug's development server leaves a response's file open when the browser drops the
    connection mid-file (its clean-up reads the dead socket before closing the response), which
    pytest then reports as an unclosed file. The threaded test server therefore hands it whole
    bodies: the response, file and all, is read and closed before the first byte goes out."""

    def whole(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return whole


@contextmanager
def threaded(app) -> Iterator[str]:
    """The app in a multi-threaded server on a free loopback port, for browsers and concurrency
    tests in this process; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, _whole_responses(app), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
