"""A refusal of the graded subset: where graded code leaves it (file, line), what is not allowed,
what to write instead, and the message that says so in the learner's language (which exercises it
costs: :mod:`grader.engine.subset.charge`)."""

from __future__ import annotations

from dataclasses import dataclass

from grader.base.i18n import N_, _, ngettext, text
from grader.checks.verdict import places

NOT_ALLOWED = "is not allowed in graded code"  # what every refusal's message says (batch summaries find it)
REFUSED = N_("%(what)s is not allowed in graded code")  # the same, as the learner's language words it


@dataclass(frozen=True)
class Refusal:
    """Where graded code leaves the subset: its line, what is not allowed, what to write instead."""

    line: int
    what: str
    instead: str
    file: str = ""  # the file, once known
    missing: str = ""  # the module imported that is not installed (a typo): told as Python tells it
    syntax: bool = False  # the file does not parse: ``what`` is Python's words (nothing of it ran)

    def said(self) -> dict[str, str | int]:
        """Its place and words, as every message of it fills them in."""
        file, line = places.file_line(self.file, self.line) or (self.file, self.line)
        return {
            "file": file,
            "line": line,
            "refused": _(REFUSED) % {"what": text(self.what)},
            "instead": text(self.instead),
        }

    def message(self, topic: str, exercises: frozenset[str] = frozenset()) -> str:
        if self.syntax:
            return _(
                "%(file)s, line %(line)d: %(error)s: the file does not run, so none of its "
                "exercises was graded (every check of %(topic)s scores 0); fix that line and save"
            ) % {"file": self.file, "line": self.line, "error": self.what, "topic": topic}
        values = {
            **self.said(),
            "topic": topic,
            "names": ", ".join(sorted(exercises)),
            "module": self.missing,
        }
        if exercises:  # the refusal costs only these exercises (grader/engine/subset/charge.py)
            template = ngettext(
                "%(file)s, line %(line)d: %(refused)s, so %(names)s was not run and its checks score 0 "
                "(the topic's other exercises were graded). Instead: %(instead)s.",
                "%(file)s, line %(line)d: %(refused)s, so %(names)s were not run and their checks score 0 "
                "(the topic's other exercises were graded). Instead: %(instead)s.",
                len(exercises),
            )
        elif self.missing:
            template = _(
                "%(file)s, line %(line)d: no module named '%(module)s', so %(topic)s was not run and "
                "every check scores 0. Instead: %(instead)s."
            )
        else:
            template = _(
                "%(file)s, line %(line)d: %(refused)s, so %(topic)s was not run and every check "
                "scores 0. Instead: %(instead)s."
            )
        return template % values
