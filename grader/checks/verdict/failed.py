"""A check's failure (:class:`CheckFailed`) and its words: what was checked, expected and got, the
hint of the stage of judging that failed, and the cause the exercise verdict reads beside it."""

from __future__ import annotations

import math
import re
from typing import Any, NoReturn

from grader.base.i18n import N_, _, text


class CheckFailed(AssertionError):
    """A check found a wrong answer; the message is shown to the learner. A convergence check's
    failure also carries the training curve it drew (:func:`expect_learned`) for the results."""

    # what the exercise verdict reads beside the status (grader/checks/verdict/exercises.py): the stage of
    # the judging that failed (type, shape, dtype, empty, nan, values), "mistake:NAME" for a known
    # mistake's signature, "twin"
    cause = ""
    form = False  # its form (type, shape, dtype, emptiness) is wrong, not its values: ranks first

    def __init__(
        self, message: str, curve: dict[str, Any] | None = None, cause: str = "", form: bool = False
    ):
        super().__init__(message)
        self.curve = curve
        if cause:
            self.cause = cause
        self.form = form or self.cause in FORM_STAGES


class TwinUsed(CheckFailed):
    """The code called a function its docstring puts off limits: the course's twin rule judges
    the whole exercise (grader/checks/verdict/exercises.py), whichever check saw it."""

    cause = "twin"


def worded(what: str, expected: str, got: str) -> str:
    """ "WHAT: expected EXPECTED, got GOT." in the learner's language; each part a suite wrote
    as a constant or an f-string is looked up in the catalogue (grader/base/i18n.py's :func:`text`),
    the rest is shown as it is."""
    return _("%(what)s: expected %(expected)s, got %(got)s.") % {
        "what": text(what),
        "expected": text(expected),
        "got": text(got),
    }


def hinted(hint: str) -> str:
    """A message's hint line, "" for no hint."""
    return "\n  " + _("hint: ") + hint if hint else ""


# The stages of judging an answer, in order: type, shape, dtype, empty, nan, values. Each is a
# cause of its own: the same mistake fails at the same stage whatever the inputs, and each stage
# has its own first hint (TYPE_HINT, NAN_HINT; dims_hint for a dimension too many or too few).
# The first four judge an answer's form, not its values.
TYPE = "type"  # the first stage: the answer is not of the type asked
FORM_STAGES = (TYPE, "shape", "dtype", "empty")
TYPE_HINT = N_(
    "return a torch.Tensor built with torch operations (torch.stack joins a list of tensors), "
    "not a Python list or number"
)
TENSORS_HINT = N_(
    "a tuple of tensors where one tensor is asked: return the one the docstring names (a layer such "
    "as nn.RNN returns (output, h_n): unpack it, output, h_n = self.rnn(x))"
)
NAN_HINT = N_("NaN usually comes from inf - inf, 0 * inf or log of a negative number")
# A rank that differs, told by what the shapes show: a dimension more (stacked, or kept by
# keepdim); fewer with elements lost (a reduction); fewer with every element kept (joined along a
# dimension they had, a size-1 dimension indexed or squeezed away).
DIMS_MORE = N_(
    "the result has a dimension too many: torch.stack joins tensors along a new dimension (torch.cat "
    "along one they have), and keepdim=True keeps a reduced dimension"
)
DIMS_FEWER = N_(
    "the result lost dimensions and their values: a reduction (sum, mean, max...) removes the dimension "
    "it runs over, and every dimension when it is given none; reduce over the docstring's dimension only"
)


DIMS_KEPT = N_(
    "the result lost a dimension but kept its values: torch.cat joins tensors along a dimension they "
    "have (torch.stack along a new one), and indexing with a number or squeeze() drops a dimension of size 1"
)


def dims_hint(got: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """The hint for an answer of another rank than asked ("" for the same rank)."""
    if len(got) == len(expected):
        return ""
    if len(got) > len(expected):
        return DIMS_MORE
    return DIMS_FEWER if math.prod(got) < math.prod(expected) else DIMS_KEPT


SUBCLASS_HINT = N_("return a plain torch.Tensor, not a subclass")  # the worker refuses one (plain.py)
# an infinity where a finite value was expected, told where the check's own hint speaks of none
INF_HINT = N_(
    "an infinity where a finite value was expected: an exp that overflowed (exp(89) is inf in "
    "float32), a log of 0 or a division by 0; print the intermediates to find the first that is not finite"
)
# A check's own hint on non-finite values (overflow, log 0...) explains a NaN better than NAN_HINT.
SPEAKS_OF_NAN = re.compile(r"NaN|overflow|\binf\b|finite|exp\(|log\(|log 0")


def fail(what: str, expected: str, got: str, hint: str = "", cause: str = "", form: bool = False) -> NoReturn:
    raise CheckFailed(worded(what, expected, got) + hinted(text(hint)), cause=cause, form=form)


def mistake_cause(name: str) -> str:
    """The cause a known mistake's signature gives a failure (the suite names the mistake)."""
    return f"mistake:{name}"


def expect(condition: bool, what: str, expected: str, got: str, hint: str = "") -> None:
    if not condition:
        fail(what=what, expected=expected, got=got, hint=hint)
