"""Local emulators from PyPI for the production-path tests, started on 127.0.0.1 and stopped by process id.

* BigQuery: `bqemulator` (REST), through `bqemulator_offline.py`, which skips the extension downloads
  at boot. The real google-cloud-bigquery client reaches it via `BIGQUERY_EMULATOR_HOST`.
* GCS: `gcp-storage-emulator --in-memory`, reached via `STORAGE_EMULATOR_HOST`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(argv: list[str], port: int, name: str, startup_s: float = 30) -> Iterator[str]:
    """Run a server process until the block ends; fail with its log if it does not listen in time."""
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + startup_s
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        pytest.fail(f"{name} did not start: {log.read().decode(errors='replace')[-2000:]}")
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}"
        finally:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@contextmanager
def bigquery_emulator(project: str) -> Iterator[str]:
    port = free_port()
    argv = [
        sys.executable, str(HERE / "bqemulator_offline.py"), "start",
        "--rest-host", "127.0.0.1", "--rest-port", str(port),
        "--grpc-host", "127.0.0.1", "--grpc-port", str(free_port()),
        "--ephemeral", "--project", project, "--log-level", "warning",
    ]
    with serve(argv, port, "bqemulator") as url:
        yield url


@contextmanager
def storage_emulator() -> Iterator[str]:
    port = free_port()
    exe = Path(sys.executable).parent / "gcp-storage-emulator"
    with serve([str(exe), "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory"], port,
                "gcp-storage-emulator") as url:
        yield url
