"""Headless Chromium (Debian's `chromium`) over the DevTools protocol, and a live server for it:
the fixtures the browser tests share (tests/platform/test_browser.py, test_pages.py,
tests/dashboard/), and the helpers the dashboard's tests drive pages with (click, type, wait for
text, axe-core, screenshots, the file outbox's mailed links)."""

from __future__ import annotations

import base64
import email
import email.policy
import itertools
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, eventually_sync, free_port

VENDOR = ROOT / "app" / "static" / "frontend" / "node_modules"
IN_CI = bool(os.environ.get("CI"))

pytestmark = pytest.mark.skipif(
    os.environ.get("VIPERATRON_TEST_BACKEND") == "postgres",
    reason="browser test runs once, in the SQLite half",
)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
    "--window-size=1400,1000",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
]

VIEWER_QUERY = "{ viewer { organization { name } } }"
# What waiting retries until its deadline: a page, a port file or a server may not be there yet.
ANY_ERROR = (Exception,)


def _require(ok: bool, reason: str) -> None:
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def _chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and (path := shutil.which(name)):
            return path
    return None


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# --- the server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tmp_dir():
    path = Path(tempfile.mkdtemp(prefix="viperatron-browser-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def server_env() -> dict[str, str]:
    """More environment for `server` (a test directory's conftest may override it)."""
    return {}


@pytest.fixture(scope="module")
def server(tmp_dir, server_env):
    """`viperatron serve` on a fresh SQLite database, delivering into the file outbox
    (tmp_dir/outbox), its mailed links pointing at itself: (origin, the bootstrap API key)."""
    _require(
        (VENDOR / "graphiql" / "graphiql.min.js").is_file(),
        "GraphiQL assets not installed: run `make assets` (needs npm)",
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SMTP_URL")}
    env.update(
        DATABASE_URL=f"sqlite://{tmp_dir / 'b.db'}",
        OUTBOX_DIR=str(tmp_dir / "outbox"),
        VIPERATRON_SECRET_KEY="browser-test-secret-key",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),  # this checkout's code, even when .venv is another checkout's
        VIPERATRON_PUBLIC_URL=f"http://127.0.0.1:{port}",
    )
    env.update(server_env)
    stderr = open(tmp_dir / "server.log", "wb")
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "viperatron"), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )
    origin = env["VIPERATRON_PUBLIC_URL"]
    try:
        # The first line of stdout is the bootstrap key, printed before uvicorn starts.
        eventually_sync(lambda: select.select([proc.stdout], [], [], 0.5)[0], timeout=30,
                        what="the API key on the server's stdout", retry=ANY_ERROR)
        key = proc.stdout.readline().decode().strip()
        assert key.startswith("et_"), f"no API key on stdout (got {key!r}); log: {_log(tmp_dir)}"

        def healthy() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"server exited with {proc.returncode}: {_log(tmp_dir)}")
            with urllib.request.urlopen(f"{origin}/healthz", timeout=2) as resp:
                return resp.status == 200

        eventually_sync(healthy, timeout=20, what="GET /healthz == 200", retry=ANY_ERROR)
        yield origin, key
    finally:
        _stop(proc)
        proc.stdout.close()
        stderr.close()


def _log(tmp_dir: Path) -> str:
    try:
        return (tmp_dir / "server.log").read_text(errors="replace")[-2000:]
    except OSError:
        return ""


# --- the browser ----------------------------------------------------------------------------


class Page:
    """One Chromium tab over the DevTools protocol: just what these tests need."""

    def __init__(self, ws_url: str):
        from websockets.sync.client import connect

        self._connection = connect(ws_url, max_size=None, open_timeout=10)
        self._ws = self._connection.__enter__()
        self._ids = itertools.count(1)
        self.requests: list[dict] = []  # Network.requestWillBeSent params, in order
        self.console_errors: list[str] = []
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Network.enable")
        self.call("Network.setCacheDisabled", cacheDisabled=True)

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def _event(self, msg: dict) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params)
        elif method == "Runtime.exceptionThrown":
            self.console_errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])

    def call(self, method: str, timeout: float = 15, **params: Any) -> dict:
        msg_id = next(self._ids)
        self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"DevTools call {method} timed out")
            msg = json.loads(self._ws.recv(timeout=remaining))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise AssertionError(f"DevTools {method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"JS error in {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url: str) -> None:
        self.requests.clear()
        self.call("Page.navigate", url=url)
        eventually_sync(lambda: self.js("document.readyState") == "complete", timeout=15, what=f"{url} to load",
                        retry=ANY_ERROR)

    def wait_js(self, what: str, expression: str, timeout: float = 15) -> Any:
        return eventually_sync(lambda: self.js(expression), timeout=timeout, every=0.1, what=what, retry=ANY_ERROR)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def foreign_requests(self, origin: str) -> list[str]:
        """What this page asked of anything but `origin`: per the browser's own record of sent
        requests and per the page's resource timing entries (they must agree to be empty)."""
        allowed = (origin + "/", origin.replace("http:", "ws:") + "/", "data:", "blob:", "about:")
        sent = [r["request"]["url"] for r in self.requests]
        assert sent, "no request recorded"
        timed = self.js("performance.getEntriesByType('resource').map(e => e.name)")
        page = self.js("location.href")
        return [u for u in dict.fromkeys([page, *sent, *timed]) if not u.startswith(allowed)]

    def assert_local_only(self, origin: str) -> None:
        foreign = self.foreign_requests(origin)
        assert not foreign, f"requests left {origin}: {foreign}"


@pytest.fixture(scope="module")
def browser(tmp_dir):
    chromium = _chromium()
    _require(chromium is not None, "Chromium not installed (apt-get install chromium)")
    profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=tmp_dir))
    proc = subprocess.Popen(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"

        def devtools_port() -> int | None:
            if proc.poll() is not None:
                raise AssertionError(f"chromium exited with {proc.returncode}")
            lines = port_file.read_text().splitlines() if port_file.exists() else []
            return int(lines[0]) if lines and lines[0].strip() else None

        port = eventually_sync(devtools_port, timeout=20, what="Chromium's DevTools port", retry=ANY_ERROR)

        def page_target() -> str | None:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as resp:
                targets = json.load(resp)
            return next((t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page"), None)

        page = Page(eventually_sync(page_target, timeout=10, what="a Chromium page target", retry=ANY_ERROR))
        page.call("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1, mobile=False)
        try:
            yield page
        finally:
            page.close()
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def shots(tmp_dir) -> Path:
    path = Path(os.environ.get("VIPERATRON_SCREENSHOTS") or tmp_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- driving the dashboard ----------------------------------------------------------------------

AXE = ROOT / "app/static/frontend/node_modules/axe-core/axe.min.js"


def require_axe() -> None:
    _require(AXE.is_file(), "axe-core not installed: run `make assets`")


def q(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector)})"


def text_of(page: Page, selector: str = "main") -> str:
    return page.js(f"({q(selector)} || {{}}).innerText || ''")


def click(page: Page, selector: str, text: str | None = None) -> None:
    """Click the first element matching `selector` whose text starts with `text` (any, if None)."""
    found = page.js(
        f"(() => {{ const e = [...document.querySelectorAll({json.dumps(selector)})]"
        f".find(e => {json.dumps(text)} === null || e.innerText.trim().startsWith({json.dumps(text)}));"
        " if (!e) return false; e.scrollIntoView({block: 'center'}); e.click(); return true; })()"
    )
    assert found, f"nothing to click: {selector} {text!r}"


def type_text(page: Page, selector: str, text: str, clear: bool = True) -> None:
    """Focus a control and type into it as a person would (Preact sees real input events)."""
    assert page.js(f"(() => {{ const e = {q(selector)}; if (!e) return false; e.focus();"
                   f" if ({json.dumps(clear)}) e.select && e.select(); return document.activeElement === e; }})()"), selector
    page.call("Input.insertText", text=text)


def choose(page: Page, selector: str, value: str) -> None:
    """Set a <select>'s value, with the events a person's choice fires."""
    assert page.js(f"(() => {{ const e = {q(selector)}; if (!e) return false; e.value = {json.dumps(value)};"
                   " e.dispatchEvent(new Event('change', {bubbles: true})); e.dispatchEvent(new Event('input', {bubbles: true}));"
                   " return true; })()"), selector


def press(page: Page, key: str, code: int, text: str = "") -> None:
    page.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=key, windowsVirtualKeyCode=code, text=text)
    page.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key, windowsVirtualKeyCode=code)


def tab_into(page: Page, selector: str, presses: int = 15) -> bool:
    """Press Tab until the focused element is inside `selector` (at most `presses` times),
    waiting after each press until focus has moved: on a busy machine the key is handled a
    little after it is dispatched, and a check made too soon sees the focus of the press before."""
    for _ in range(presses):
        page.js("window.__focusBefore = document.activeElement, true")
        press(page, "Tab", 9)
        eventually_sync(lambda: page.js("document.activeElement !== window.__focusBefore"), timeout=5, every=0.02,
                        what="focus to move on Tab")
        if page.js(f"!!document.activeElement.closest({json.dumps(selector)})"):
            return True
    return False


def wait_text(page: Page, what: str, text: str, selector: str = "main", timeout: float = 20) -> str:
    """Wait until `selector`'s text contains `text`; that text."""
    probe = f"(() => {{ const t = ({q(selector)} || {{}}).innerText || ''; return t.includes({json.dumps(text)}) && t; }})()"
    return eventually_sync(lambda: page.js(probe), timeout=timeout, every=0.1, retry=ANY_ERROR,
                           what=lambda: f"{what} (main says: {text_of(page)[:600]!r}; errors: {page.console_errors})")


def open_page(page: Page, origin: str, path: str, heading: str) -> None:
    """Load a dashboard URL and wait for its heading."""
    page.goto(f"{origin}{path}")
    wait_text(page, f"the {heading!r} page", heading, "main h1")


def axe_check(page: Page, name: str) -> None:
    """axe-core (evaluated into the page: no request) finds no serious or critical violation."""
    if not page.js("typeof axe !== 'undefined'"):
        page.js(AXE.read_text() + "\n;true")
    result = page.js("axe.run(document, {resultTypes: ['violations'], iframes: false})"
                     ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                     " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {name}: {json.dumps(bad, indent=1)}"


def check_page(page: Page, origin: str, shots: Path, name: str) -> None:
    """A screenshot (shots/dashboard-NAME.png), axe, no request to another origin, no uncaught error."""
    page.screenshot(shots / f"dashboard-{name}.png")
    axe_check(page, name)
    page.assert_local_only(origin)
    assert not page.console_errors, page.console_errors


def http_json(origin: str, key: str, method: str, path: str, body: dict | None = None) -> dict:
    """A JSON request with `key`; the JSON answer."""
    request = urllib.request.Request(f"{origin}{path}", method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def mailed_link(outbox: Path, to: str, subject: str, timeout: float = 30) -> str:
    """The link in the newest email to `to` with `subject` the server wrote into its outbox."""
    def find() -> str | None:
        found = []
        for path in outbox.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if to in str(message["To"]) and subject in str(message["Subject"]):
                found.append((path.stat().st_mtime, message))
        if not found:
            return None
        text = max(found, key=lambda f: f[0])[1].get_body(("plain",)).get_content()
        return re.findall(r"https?://\S+", text)[0]

    return eventually_sync(find, timeout=timeout, every=0.2, what=f"an email to {to} ({subject!r}) in the outbox",
                           retry=ANY_ERROR)
