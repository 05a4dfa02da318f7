"""axe-core (npm) in headless Chromium: the WCAG 2.1 A and AA violations of a static page.

The page is copied with axe's script and a small runner appended; Chromium loads it headless,
with a virtual time budget so that axe's promise settles before ``--dump-dom``; the runner has
written the violations as JSON into a ``<pre id="axe-result">`` of the DOM. axe.min.js comes
from ``.ci/node`` (CI: ``npm install --prefix .ci/node axe-core@4``) or ``$AXE_CORE_JS``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from helpers import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_INSTALLED = REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
AXE = Path(os.environ.get("AXE_CORE_JS", _INSTALLED))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUNNER = """
axe.run(document, {runOnly: {type: "tag", values: %s}}).then(function (found) {
  var out = document.createElement("pre");
  out.id = "axe-result";
  out.textContent = JSON.stringify(found.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.html; })};
  }));
  document.body.appendChild(out);
});
"""
MISSING = "needs Chromium (apt install chromium) and axe-core (npm install --prefix .ci/node axe-core@4)"


def available() -> bool:
    return CHROMIUM is not None and AXE.is_file()


def violations(page: Path, scratch: Path) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations of ``page`` (each: id, impact, help, the nodes' HTML)."""
    source = page.read_text(encoding="utf-8")
    script = f"<script>{AXE.read_text(encoding='utf-8')}</script><script>{RUNNER % json.dumps(TAGS)}</script>"
    checked = scratch / f"axe-{page.name}"
    checked.write_text(source.replace("</body>", script + "</body>"), encoding="utf-8")
    assert CHROMIUM is not None
    dumped = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=30000",
         "--dump-dom", checked.as_uri()],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', dumped.stdout, re.S)
    assert found, f"axe did not report: {dumped.stderr[-2000:]}"
    return json.loads(html.unescape(found[1]))
