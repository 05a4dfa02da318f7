"""What one check's code printed in the worker, as the trusted side keeps it for the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.base.i18n import _
from grader.sandboxed import OUTPUT_TAIL_CHARS


@dataclass
class Printed:
    """What one check's code printed: the tail of it, capped again here (the worker's own cap is
    no promise), and how many characters came before."""

    text: str = ""
    dropped: int = 0

    def add(self, output: Any) -> None:
        """Add a worker's ``{"text": str, "dropped": int}``; anything else is ignored."""
        if not isinstance(output, dict):
            return
        text, dropped = output.get("text"), output.get("dropped")
        if not isinstance(text, str) or not isinstance(dropped, int) or dropped < 0:
            return
        self.text += text
        self.dropped += dropped
        overflow = len(self.text) - OUTPUT_TAIL_CHARS
        if overflow > 0:
            self.dropped += overflow
            self.text = self.text[overflow:]

    def shown(self) -> str:
        """The tail as a report shows it, with a note of what came before; '' when nothing."""
        note = (
            _("… %(count)d more characters before these") % {"count": self.dropped} + "\n"
            if self.dropped
            else ""
        )
        return note + self.text if self.text or self.dropped else ""
