"""A pack gets the grid the built-in topics get, on the pairs
pack (tests/packs/pairs), in process: its reference with one exercise changed runs the battery here
(grader/checks/battery.py), judged against the stored answers.

- a module whose forward takes two tensors and a keyword (``forward(q, k, mask=None)``) is declared
  as a module case (``domains.fed``) and gets the derived battery: every tensor input walked for
  its gradient, its layout, its dtype and its being left alone; before, the reference itself failed
  ("'tuple' object has no attribute 'clone'");
- a loop over a count parameter is a loop over the data (docs/authors.md): ``for c in
  range(num_classes)`` fails "vectorised", as a bound derived from it does; a literal bound does
  not (before, the count grew the tensors alone and the loop ran as often on both);
- discrete answers checked on inputs the release does not hold (grader/checks/cases/held_cases.py):
  a table of the release's stored answers keyed by input (tests/grader/lookup_table.py's key),
  naive code elsewhere, fails the battery the naive code fails; a release's copy holds no held case
  (before, the table passed every case of confusion_matrix's battery)."""

from __future__ import annotations

import io
import math
import types
from typing import Any

import pytest
import torch
from helpers import REPO, InProcess, load_file, with_pack

from grader.checks import battery, derived_clauses, taught_answers
from grader.checks.cases import domain_answers, domain_cases, held_cases
from grader.checks.verdict.failed import CheckFailed

pytestmark = pytest.mark.unit

PAIRS = REPO / "tests" / "packs" / "pairs"


@pytest.fixture(autouse=True)
def _pairs(monkeypatch):
    with_pack(monkeypatch, "pairs")


def _solution() -> types.ModuleType:
    return load_file(PAIRS / "solutions" / "pairs.py", "pack_grid_pairs")


def failure(name: str, **changed: Any) -> str:
    """The battery's failure of ``name`` on the reference with ``changed`` attributes, "" where it passes."""
    module = _solution()
    for attribute, value in changed.items():
        setattr(module, attribute, value)
    try:
        battery.run(InProcess(module), "pairs", name)
    except CheckFailed as failed:
        return str(failed)
    return ""


def _scores(keys: Any) -> type:
    """PairScores whose scores take the keys through ``keys(k)``: a mistake made on the second input."""
    base = _solution().PairScores

    class PairScores(base):  # type: ignore[misc, valid-type]
        def forward(self, q: torch.Tensor, k: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
            scores = self.proj(q) @ keys(k).transpose(-2, -1) / math.sqrt(q.shape[-1])
            if mask is not None:
                scores = scores.masked_fill(~mask, float("-inf"))
            return torch.softmax(scores, dim=-1)

    return PairScores


def test_a_projection_that_never_learns_is_caught():
    """The projection's weight used detached: the outputs and the gradients into q and k agree."""
    base = _solution().PairScores

    class PairScores(base):  # type: ignore[misc, valid-type]
        def forward(self, q: torch.Tensor, k: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
            projected = torch.nn.functional.linear(q, self.proj.weight.detach(), self.proj.bias)
            scores = projected @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            return torch.softmax(scores if mask is None else scores.masked_fill(~mask, float("-inf")), dim=-1)

    assert "parameter rows without a gradient" in failure("PairScores", PairScores=PairScores)


def test_the_two_tensor_module_reference_passes():
    assert failure("PairScores") == ""
    assert failure("PairScores", PairScores=_scores(lambda k: k.clone())) == ""


@pytest.mark.parametrize(
    ("mistake", "keys", "said"),
    [
        ("no gradient into the second input", torch.Tensor.detach, "gradient"),
        ("the second input scaled in place", lambda k: k.mul_(1.0 + 2**-8), "argument 2 changed"),
        ("the second input cast to float32", torch.Tensor.float, "dtype"),
        (
            "the second input viewed as contiguous",
            lambda k: k.view(-1, k.shape[-1]).view(k.shape),
            "non-contiguous",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_mistake_on_the_second_input_is_caught(mistake, keys, said):
    assert said in failure("PairScores", PairScores=_scores(keys)), mistake


def confusion_by_class(pred: torch.Tensor, target: torch.Tensor, num_classes: int) -> torch.Tensor:
    """One bincount per true class: a loop over ``num_classes``."""
    out = torch.zeros(num_classes, num_classes, dtype=torch.int64, device=pred.device)
    for c in range(num_classes):
        out[c] = torch.bincount(pred.reshape(-1)[target.reshape(-1) == c], minlength=num_classes)
    return out


def confusion_by_derived_count(pred: torch.Tensor, target: torch.Tensor, num_classes: int) -> torch.Tensor:
    """The same loop, its bound derived from the parameter."""
    n = num_classes * 1
    return torch.stack([(pred[target == c].reshape(-1, 1) == torch.arange(n)).sum(0) for c in range(n)])


def confusion_in_one_pass(pred: torch.Tensor, target: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Vectorised, in a loop of a literal bound (one pass)."""
    cells = num_classes * num_classes
    out = torch.zeros(cells, dtype=torch.int64, device=pred.device)
    for _ in range(1):
        out = out + torch.bincount((target * num_classes + pred).reshape(-1), minlength=cells)
    return out.reshape(num_classes, num_classes)


def vectorised_failure(**changed: Any) -> str:
    module = _solution()
    for attribute, value in changed.items():
        setattr(module, attribute, value)
    try:
        derived_clauses.vectorised(InProcess(module), "pairs", "confusion_matrix")
    except CheckFailed as failed:
        return str(failed)
    return ""


def test_a_loop_over_a_count_parameter_is_a_loop_over_the_data():
    assert failure("confusion_matrix", confusion_matrix=confusion_by_class) == ""  # right values
    assert "the same number of tensor operations" in vectorised_failure(confusion_matrix=confusion_by_class)
    assert vectorised_failure(confusion_matrix=confusion_by_derived_count)
    assert vectorised_failure() == vectorised_failure(confusion_matrix=confusion_in_one_pass) == ""


def _key(args: tuple[Any, ...]) -> str:
    """tests/grader/lookup_table.py's key of a call's arguments."""
    return repr(
        [
            repr((str(a.dtype), tuple(a.shape), a.reshape(-1)[:8].tolist()))
            if isinstance(a, torch.Tensor)
            else repr(a)
            for a in args
        ]
    )


def test_a_table_of_the_released_answers_earns_nothing_past_naive_code(tmp_path):
    """The table holds every case a release holds (the declared ones and those derived from them)."""
    domain_cases.load("pairs")
    built = domain_cases.REGISTRY[("pairs", "confusion_matrix")].cases()
    table = {
        _key(c.args): a["out"] for c, a in zip(built, domain_answers.answers("pairs", "confusion_matrix")[0])
    }

    def naive(pred: torch.Tensor, target: torch.Tensor, num_classes: int) -> torch.Tensor:
        return confusion_in_one_pass(target, pred, num_classes)  # rows and columns swapped

    def looked_up(pred: torch.Tensor, target: torch.Tensor, num_classes: int) -> torch.Tensor:
        found = table.get(_key((pred, target, num_classes)))
        return naive(pred, target, num_classes) if found is None else found.to(pred.device)

    assert failure("confusion_matrix", confusion_matrix=naive)
    assert failure("confusion_matrix", confusion_matrix=looked_up)
    assert failure("confusion_matrix") == ""
    store = domain_answers.store_of("pairs")
    copy = torch.load(
        io.BytesIO(taught_answers.copy("pairs", store, torch.Generator().manual_seed(0))), weights_only=True
    )
    assert held_cases.key("pairs", "confusion_matrix") in torch.load(store, weights_only=True)
    assert not [k for k in copy if k.endswith(held_cases.HELD)]


def test_a_domain_whose_rows_are_ordered_holds_no_held_case(monkeypatch):
    """``held=False`` (a docstring that orders its rows: another order leaves its domain): recorded
    without held cases; by default the same exercise records them."""
    from grader.authoring import record
    from grader.base import packs

    topic = packs.read_pack(PAIRS)[1][0]
    domain_cases.load("pairs")
    key = ("pairs", "confusion_matrix")
    assert held_cases.key(*key) in record.computed(topic)
    monkeypatch.setitem(domain_cases.REGISTRY, key, domain_cases.REGISTRY[key]._replace(held=False))
    assert held_cases.key(*key) not in record.computed(topic)
