"""A real headless browser for page tests: Debian's chromium driven by Playwright (pytest-playwright).

No browser download: `conftest.py` launches the system's chromium through `executable_path`
(`chromium_path()`). Pages are served from a folder on 127.0.0.1 by ``python -m http.server``,
started and stopped by process id.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from .emulators import free_port, serve

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root (CI too)
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """``http://127.0.0.1:<port>`` serving ``folder`` until the block ends (stopped by process id)."""
    port = free_port()
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)]
    with serve(argv, port, "http.server", startup_s=15) as url:
        yield url
