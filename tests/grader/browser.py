"""Headless Chromium driven over the DevTools protocol, through a pipe (no extra package).

``--remote-debugging-pipe`` makes Chromium read commands on fd 3 and write answers and events
on fd 4, each a JSON message ended by a NUL byte. :class:`Browser` opens tabs
(:meth:`Browser.tab`); a :class:`Tab` navigates, presses keys as a person does
(``Input.dispatchKeyEvent``, so the page's own key handlers run), types text and reads the page
with ``Runtime.evaluate``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
KEYS = {  # key -> (code, windows virtual key code)
    "Enter": ("Enter", 13),
    "Tab": ("Tab", 9),
}


class Browser:
    def __init__(self) -> None:
        assert CHROMIUM is not None
        self.profile = tempfile.mkdtemp(prefix="torchgrade-chromium-")
        commands, self._to_chromium = os.pipe()
        self._from_chromium, answers = os.pipe()

        def pipes() -> None:  # in the child: its fd 3 reads our commands, fd 4 takes its answers
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             f"--user-data-dir={self.profile}", "--no-first-run", "about:blank"],
            preexec_fn=pipes, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(commands)
        os.close(answers)
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """One command's result (its events kept in :attr:`events`); AssertionError on an error."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chromium, json.dumps(message).encode() + b"\0")
        while True:
            found = self._read()
            if found.get("id") == self._next:
                assert "error" not in found, (method, found["error"])
                return found.get("result", {})
            self.events.append(found)

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chromium, 1 << 16)
            assert chunk, "Chromium closed its DevTools pipe"
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def tab(self) -> Tab:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Tab(self, session)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_chromium)
        os.close(self._from_chromium)
        shutil.rmtree(self.profile, ignore_errors=True)


class Tab:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        found = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        assert "exceptionDetails" not in found, found["exceptionDetails"]
        return found["result"].get("value")

    def open(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def wait_for(self, condition: str, timeout: float = 30.0) -> None:
        """Until ``condition`` (JavaScript) holds in the page: across navigations too."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.evaluate(f"Boolean({condition})"):
                    return
            except AssertionError:  # the page went away meanwhile (a navigation): ask again
                pass
            assert time.monotonic() < deadline, f"waited {timeout} s for {condition}"
            time.sleep(0.05)

    def wait_to_leave(self, url: str) -> str:
        """Until the tab has left ``url`` and loaded the next page; that page's address."""
        self.wait_for(f"location.href !== {json.dumps(url)} && document.readyState === 'complete'")
        return str(self.evaluate("location.href"))

    def press(self, key: str, ctrl: bool = False) -> None:
        """A key pressed and released as a keyboard does (``j``, ``1``, ``Enter``)."""
        if key in KEYS:
            code, number = KEYS[key]
        else:
            code, number = (f"Key{key.upper()}" if key.isalpha() else f"Digit{key}"), ord(key.upper())
        common = {"key": key, "code": code, "windowsVirtualKeyCode": number, "modifiers": 2 if ctrl else 0}
        text = {} if ctrl or key in KEYS else {"text": key}
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **common, **text})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    def type(self, text: str) -> None:
        """Text typed into whatever has the focus."""
        self.send("Input.insertText", {"text": text})
