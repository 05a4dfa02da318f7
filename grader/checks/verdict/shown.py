"""How a check is told in a diagnosis: its message with what its code printed, or for a hidden
check where hidden texts are not shown, its kind, how it ended and what its cause was."""

from __future__ import annotations

from typing import Any

from grader.base import clean
from grader.base.i18n import N_, _

# One check of a report, as grader/checks/verdict/scoring.py's TestResult.to_json writes it.
CheckRow = dict[str, Any]

# What feedback calls each kind: a "shape" check judges shapes, dtypes and values.

KIND_NAMES = {
    "shape": N_("value"),
    "gradient": N_("gradient"),
    "convergence": N_("convergence"),
    "device": N_("device"),
}
# How feedback words a hidden check of each kind ("a hidden value check")
HIDDEN_KINDS = {
    "value": N_("a hidden value check"),
    "gradient": N_("a hidden gradient check"),
    "convergence": N_("a hidden convergence check"),
    "device": N_("a hidden device check"),
    "clause": N_("a hidden clause check"),
}

# What a hidden check's failure was, by its cause (a judging stage, a known mistake, a clause),
# as feedback says it after how it ended: never an empty account, never the check's words.
HIDDEN_CAUSES = {
    "type": N_("the answer is not a tensor of the type asked for"),
    "shape": N_("the answer's shape is wrong"),
    "dtype": N_("the answer's dtype is wrong"),
    "empty": N_("the answer is an empty tensor"),
    "nan": N_("NaN where a number was expected"),
    "values": N_("the values are wrong"),
    "mistake": N_("the values match a known mistake"),
    "dtype clause": N_("the result's dtype is not the input's"),
    "device clause": N_("the result is not on the input's device"),
    "inputs clause": N_("the caller's tensors were changed"),
    "vectorised clause": N_("it is not vectorised"),
    "side effects clause": N_("it changed state it should leave alone"),
    "failed": N_("the answer is not the one the check expects"),
}

# How a hidden check that did not pass ended, as feedback says it ("a hidden value check failed").
STATUS_PHRASES = {
    "failed": N_("failed"),
    "error": N_("raised an error"),
    "timeout": N_("timed out"),
    "not_started": N_("not started"),
}


def shown_message(test: CheckRow) -> str:
    """A check's message and, under it, what its code printed (a JSON check, as reports hold),
    both cleaned: either may come from the submission."""
    message, output = clean.text(test["message"]), clean.text(test.get("output") or "")
    if not output:
        return message
    printed = "\n".join(f"  | {line}" for line in output.splitlines())
    return f"{message}\n" + _("your code printed:") + f"\n{printed}"


def hidden_said(test: CheckRow, hidden_text: bool) -> str:
    """A check's message, or for a hidden one where hidden texts are not shown, how it ended."""
    if hidden_text or test.get("visibility") == "public":
        return shown_message(test)
    kind = "clause" if test.get("clause") else KIND_NAMES.get(test["kind"], test["kind"])
    ended: str = test["status"]
    status = _(STATUS_PHRASES.get(ended, ended))
    if kind not in HIDDEN_KINDS:
        said = _("a hidden %(kind)s check %(status)s") % {"kind": kind, "status": status}
    else:
        said = _("%(check)s %(status)s") % {"check": _(HIDDEN_KINDS[kind]), "status": status}
    cause = f"{test['clause']} clause" if test.get("clause") else (test.get("cause") or "").split(":")[0]
    told = HIDDEN_CAUSES.get(cause) or HIDDEN_CAUSES.get(ended, "")
    return said + (": " + _(told) if told else "")
