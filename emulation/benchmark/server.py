"""The server under test: gunicorn, one worker per core, as in production but on a free local
port, over plain HTTP, with the static files collected (the manifest storage of DEBUG=0 needs
them; they are collected again only when a static file changes)."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from emulation.benchmark.data import BenchmarkError
from emulation.benchmark.load import HttpClient

WORK_DIR = Path(settings.BASE_DIR) / "var" / "benchmark"
READY_SECONDS = 90


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(static_root: Path) -> dict[str, str]:
    """The command's own environment, in production mode over plain HTTP on 127.0.0.1. The
    secret key is the command's: the sessions it writes carry a hash made with it."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(Path(settings.MEDIA_ROOT).resolve()),
    }


def _static_stamp() -> str:
    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static(static_root: Path) -> bool:
    """Run collectstatic into `static_root` unless it already holds these files; True if run."""
    stamp_file = static_root / ".benchmark-stamp"
    stamp = _static_stamp()
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return False
    static_root.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=server_environment(static_root),
        check=True,
    )
    stamp_file.write_text(stamp)
    return True


@contextmanager
def gunicorn(*, workers: int, static_root: Path) -> Iterator[int]:
    """Start gunicorn on a free port, wait until it answers, yield the port, stop it."""
    port = free_port()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    log_path = WORK_DIR / "gunicorn.log"
    with log_path.open("wb") as log:
        command = [sys.executable, "-m", "gunicorn", "emulation.wsgi", "--workers", str(workers)]
        command += ["--bind", f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning"]
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=server_environment(static_root),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_ready(process, port, log_path)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"gunicorn stopped at start:\n{log_path.read_text()[-3000:]}")
        client = HttpClient(port)
        response = client.get("/accounts/login/")
        client.close()
        if response.status == 200:
            return
        if response.status:
            raise BenchmarkError(
                f"gunicorn answered HTTP {response.status} for the sign-in page; "
                f"see {log_path}:\n{log_path.read_text()[-3000:]}"
            )
        time.sleep(0.5)
    raise BenchmarkError(f"gunicorn did not answer within {READY_SECONDS} s; see {log_path}")
