"""A real headless browser for page tests: Debian's chromium driven over the Chrome DevTools protocol.

No webdriver: chromium starts with ``--remote-debugging-port=0`` and writes the port it picked to
``DevToolsActivePort`` in its fresh profile folder; we speak CDP to the page target over a websocket
(`websockets`, pinned in the test extra). Every console message, uncaught exception, log entry and
network request is recorded, so a test can assert there were no errors and no external loads.

Pages are served from a folder on 127.0.0.1 by ``python -m http.server``. The test starts chromium and
the server and stops both by process id.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

from .emulators import free_port, serve

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # we run as root (CI too)
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _stop(proc: subprocess.Popen, group: bool = False) -> None:
    """SIGTERM by process id (the whole group for chromium's helpers), SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    kill = (lambda sig: os.killpg(proc.pid, sig)) if group else (lambda sig: os.kill(proc.pid, sig))
    with contextlib.suppress(ProcessLookupError):
        kill(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            kill(signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """``http://127.0.0.1:<port>`` serving ``folder`` until the block ends (stopped by process id)."""
    port = free_port()
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)]
    with serve(argv, port, "http.server", startup_s=15) as url:
        yield url


class Page:
    """One page target over CDP: commands in order, events recorded as they arrive."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _receive(self, timeout: float) -> dict[str, Any]:
        message = json.loads(self.ws.recv(timeout=timeout))
        if "method" in message:
            self.events.append(message)
        return message

    def send(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = self._receive(timeout)
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"CDP {method} failed: {message['error']}")
                return message.get("result", {})

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = len(self.events)
        while True:
            for event in self.events[seen:]:
                if event["method"] == method:
                    return event
            seen = len(self.events)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} within {timeout} s")
            self._receive(remaining)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def click(self, selector: str) -> None:
        """A real mouse click (press and release) at the middle of the element."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView();"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries (failed loads included)."""
        out = []
        for e in self.events:
            params = e.get("params", {})
            if e["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif e["method"] == "Runtime.exceptionThrown":
                out.append("exception: " + json.dumps(params["exceptionDetails"])[:500])
            elif e["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                out.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
        return out

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]


@contextlib.contextmanager
def headless_chromium() -> Iterator[Page]:
    """A fresh headless chromium (own profile folder) and its first page, with events enabled."""
    exe = chromium_path()
    if exe is None:
        raise RuntimeError("chromium not found: install Debian's chromium (`apt-get install -y chromium`; .ci/run does)")
    profile = Path(tempfile.mkdtemp(prefix="nba-chromium-"))
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: its helpers stop with it
    )
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.is_file() and active.read_text().count("\n") >= 1):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"chromium did not start: {log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.05)
        port = int(active.read_text().splitlines()[0])
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        with connect(url, max_size=None, open_timeout=10) as ws:
            page = Page(ws)
            for domain in ("Page", "Runtime", "Log", "Network"):
                page.send(f"{domain}.enable")
            yield page
    finally:
        _stop(proc, group=True)
        log.close()
        shutil.rmtree(profile, ignore_errors=True)
