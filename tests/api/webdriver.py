"""A small W3C WebDriver client (over httpx) for Debian's chromium and chromedriver, with no network but one origin.

The browser's only way out is a proxy that does not exist, except for the service's own address, and
host names resolve to nothing: a page that needed anything from elsewhere would break, and every request
the page made is read back from the performance log to check that none left for another origin.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.api.server import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
WAIT = 60.0


def available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


class WebDriverError(RuntimeError):
    pass


@dataclass(frozen=True)
class Element:
    id: str


class Browser:
    def __init__(self, driver: subprocess.Popen, http: httpx.Client, session: str) -> None:
        self._driver = driver
        self._http = http
        self._session = session

    # ------------------------------------------------------------ protocol

    def _call(self, method: str, path: str, payload: dict | None = None) -> Any:
        response = self._http.request(method, f"/session/{self._session}{path}", json=payload)
        value = response.json().get("value")
        if response.status_code >= 400:
            raise WebDriverError(f"{method} {path}: {value}")
        return value

    def get(self, url: str) -> None:
        self._call("POST", "/url", {"url": url})

    def find_all(self, css: str) -> list[Element]:
        found = self._call("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(item[ELEMENT]) for item in found]

    def find(self, css: str) -> Element:
        return self.wait(lambda: (self.find_all(css) or [None])[0], f"an element {css!r}")

    def click(self, element: Element) -> None:
        self.execute("arguments[0].scrollIntoView({block: 'center'});", element)
        self._call("POST", f"/element/{element.id}/click", {})

    def send_keys(self, element: Element, text: str) -> None:
        self._call("POST", f"/element/{element.id}/value", {"text": text})

    def text(self, element: Element) -> str:
        return self._call("GET", f"/element/{element.id}/text")

    def execute(self, script: str, *arguments: Any) -> Any:
        args = [{ELEMENT: a.id} if isinstance(a, Element) else a for a in arguments]
        return self._call("POST", "/execute/sync", {"script": script, "args": args})

    def wait(self, condition: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
        """Poll until `condition()` returns something truthy; fail naming `what` after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except WebDriverError as error:
                last_error = error
            time.sleep(0.2)
        raise AssertionError(f"waited {timeout:g} s for {what}" + (f" ({last_error})" if last_error else ""))

    def requested_urls(self) -> list[str]:
        """Every URL the browser sent a request for since the last call (from the performance log)."""
        entries = self._call("POST", "/se/log", {"type": "performance"})
        urls = []
        for entry in entries:
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def console_errors(self) -> list[str]:
        entries = self._call("POST", "/se/log", {"type": "browser"})
        return [e["message"] for e in entries if e.get("level") == "SEVERE"]


@contextlib.contextmanager
def browser(allowed_origin: str, download_dir: Path) -> Iterator[Browser]:
    """A headless chromium that can reach `allowed_origin` (a loopback address) and nothing else."""
    port = free_port()
    driver = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            with contextlib.suppress(httpx.TransportError):
                if http.get("/status").json()["value"]["ready"]:
                    break
            if time.monotonic() > deadline:
                raise WebDriverError("chromedriver did not start")
            time.sleep(0.1)
        host = allowed_origin.split("://", 1)[1].split(":")[0]
        options = {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1400,1000",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--proxy-server=127.0.0.1:9",
                f"--proxy-bypass-list={host}",
                f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {host}",
            ],
            "prefs": {"download.default_directory": str(download_dir)},
        }
        capabilities = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": options,
                    "goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"},
                }
            }
        }
        created = http.post("/session", json=capabilities).json()["value"]
        if "sessionId" not in created:
            raise WebDriverError(f"no session: {created}")
        session = Browser(driver, http, created["sessionId"])
        try:
            yield session
        finally:
            with contextlib.suppress(httpx.HTTPError):
                http.delete(f"/session/{created['sessionId']}")
    finally:
        http.close()
        driver.terminate()
        try:
            driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            driver.kill()
