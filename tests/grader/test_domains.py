"""Every exercise declares its input domain (grader/checks/domains.py), every dimension of it is
drawn by the battery its suite runs, and no case judges more strictly than the docstring states."""

from __future__ import annotations

import ast

import pytest
import torch
from helpers import REPO

from grader.base.topics import available_topics
from grader.checks import battery, domains
from grader.checks.cases import battery_walks, domain_cases

domain_cases.load_all()  # every topic's declarations (tests/suites/domains_<topic>.py)

pytestmark = pytest.mark.unit

# What each stub states, quoted (the quote must stand in the stub, so the table follows it):
# {topic: (quote, float32 (rtol, atol), float64 (rtol, atol))}; a figure a docstring leaves out
# is the contract's default (docs/contract.md) (rtol=1e-5, atol=1e-6).
STATED = {
    "tensors": ("rtol=1e-5, atol=1e-6 unless a docstring says otherwise", (1e-5, 1e-6), (1e-5, 1e-6)),
    "autograd": ("float64 against torch's autograd and the formulas (rtol=1e-7", (1e-5, 1e-6), (1e-7, 0.0)),
    "losses": ("float64 values\n  within rtol=1e-7", (1e-5, 1e-6), (1e-7, 0.0)),
    "optim": ("float32 within rtol=1e-4, atol=1e-6; float64 within 1e-10", (1e-4, 1e-6), (1e-10, 1e-10)),
    "mlp": ("float32\nwithin rtol=1e-5, atol=1e-6; float64 within rtol=1e-7", (1e-5, 1e-6), (1e-7, 0.0)),
    "cnn": ("float32 within rtol=1e-5, atol=1e-5 for\nconvolutions", (1e-5, 1e-5), (1e-7, 0.0)),
    "inception": ("", (1e-5, 1e-6), (1e-5, 1e-6)),
    "resnet": ("gradients in float64 (rtol=1e-7)", (1e-5, 1e-6), (1e-7, 0.0)),
    "rnn": (
        "float32\nwithin rtol=1e-5, atol=1e-5; gradients in float64 within rtol=1e-7",
        (1e-5, 1e-5),
        (1e-7, 0.0),
    ),
}
# an exercise's own figure: {(topic, exercise): (quote in its docstring, (rtol, atol) for every dtype)}
OWN = {
    ("losses", "bce"): ("Checked within rtol=1e-5", (1e-5, 0.0)),
    ("optim", "ema"): ("(checked within rtol=1e-4;", (1e-4, 0.0)),
    ("tensors", "pairwise_sq_dists"): ("with no absolute floor", (1e-5, 0.0)),
}


def stub_names(topic: str) -> set[str]:
    """The exercises of a stub: its public top-level functions and classes."""
    tree = ast.parse((REPO / "exercises" / f"{topic}.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
    }


def float64(case: domains.Case) -> bool:
    leaves = domains._leaves(case.args) + domains._leaves(case.kwargs)
    return any(isinstance(a, torch.Tensor) and a.dtype == torch.float64 for a in leaves)


@pytest.mark.parametrize("topic", available_topics())
def test_every_exercise_has_a_domain(topic):
    assert set(battery.exercises(topic)) == stub_names(topic)


@pytest.mark.parametrize("topic", available_topics())
def test_every_dimension_of_a_domain_is_drawn(topic):
    for name in battery.exercises(topic):
        domain = domain_cases.REGISTRY[(topic, name)]
        cases = domain.cases()
        assert domain.dims, f"{name}: no dimension declared"
        assert domain.dims <= set(domains.DIMENSIONS), f"{name}: {domain.dims - set(domains.DIMENSIONS)}"
        assert {c.dim for c in cases} == domain.dims, f"{name}: declared {sorted(domain.dims)}"
        assert len({c.kind for c in cases}) == 1, f"{name}: one probe per exercise, so one kind of case"
        for case in cases:
            for other in (case.same_as, case.differs_from):
                assert other is None or 0 <= other < len(cases), f"{name}: {case.note}"


@pytest.mark.parametrize("topic", available_topics())
def test_every_suite_runs_its_battery(topic):
    suite = (REPO / "tests" / "suites" / f"suite_{topic}.py").read_text(encoding="utf-8")
    assert f'battery.exercises("{topic}")' in suite and f'battery.run(sub, "{topic}", name)' in suite


@pytest.mark.parametrize("topic", available_topics())
def test_no_tolerance_is_stricter_than_the_docstring(topic):
    stub = (REPO / "exercises" / f"{topic}.py").read_text(encoding="utf-8")
    quote, tol32, tol64 = STATED[topic]
    assert quote in stub, f"the tolerance {topic}'s stub states changed: update STATED"
    for name in battery.exercises(topic):
        domain = domain_cases.REGISTRY[(topic, name)]
        own = OWN.get((topic, name))
        if own is not None:
            assert own[0] in stub, f"{name}: the tolerance its docstring states changed: update OWN"
        for case in domain.cases():
            stated = own[1] if own else tol64 if float64(case) else tol32
            rtol, atol = domain.tolerance(case)
            assert rtol >= stated[0] and atol >= stated[1], f"{name} {case.note}: {(rtol, atol)} < {stated}"


# Each exercise whose cases take floating tensors walks float32 and float64 both (each allowed
# dtype), or says here why one dtype is all it walks (reviewed: a reason, never a silence)
MODULE = "a module: its constructor makes float32 parameters, so its inputs are float32"
ONE_DTYPE = {
    ("cnn", "SimpleCNN"): MODULE,
    ("inception", "GoogLeNetMini"): MODULE,
    ("inception", "InceptionA"): MODULE,
    ("mlp", "DiabetesNet"): MODULE,
    ("mlp", "LogisticRegression"): MODULE,
    ("mlp", "MLP"): MODULE,
    ("mlp", "evaluate"): "a loop over a float32 model the battery builds",
    ("mlp", "train_epoch"): "a loop over a float32 model the battery builds",
    ("mlp", "dropout"): (
        "a random mask: which draws a float64 x takes (float64 or float32) is left open "
        "(float16 at p = 0 and 1 only, where no draw shows)"
    ),
    ("optim", "sgd_fit"): "Python floats out (w from 1.0): x's dtype changes the rounding only",
    ("resnet", "BasicBlock"): MODULE,
    ("resnet", "ResidualBlock"): MODULE,
    ("resnet", "SmallResNet"): MODULE,
}


@pytest.mark.parametrize("topic", available_topics())
def test_every_allowed_dtype_is_walked(topic):
    """A cast to a fixed dtype (``.double()`` after ``requires_grad_``: a float32 x's copy is no
    leaf, its ``.grad`` None) passes every case of the one dtype walked."""
    for name in battery.exercises(topic):
        cases = domain_cases.REGISTRY[(topic, name)].cases()
        leaves = [a for c in cases for a in domains._leaves(c.args) + domains._leaves(c.kwargs)]
        walked = {a.dtype for a in leaves if isinstance(a, torch.Tensor) and a.is_floating_point()}
        if walked and (topic, name) not in ONE_DTYPE:
            assert walked >= {torch.float32, torch.float64}, f"{name}: only {sorted(map(str, walked))}"


def test_the_tolerance_test_sees_a_strict_case(monkeypatch):
    strict = domains.Case("dtype", "norms", (torch.ones(2),), tol=(1e-9, 0.0))
    domain = domain_cases.REGISTRY[("tensors", "norms")]
    monkeypatch.setitem(domain_cases.REGISTRY, ("tensors", "norms"), domain._replace(cases=lambda: [strict]))
    with pytest.raises(AssertionError, match="norms"):
        test_no_tolerance_is_stricter_than_the_docstring("tensors")


class _Moded(torch.nn.Module):
    """Doubles its input in eval mode: which mode each call ran in shows in its output."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.training else 2 * x


def test_a_module_case_states_a_mode_for_each_input():
    """``mode="train train eval"``: the module built once, fed each input in its own mode (train
    → eval, the docstring's state across calls: batch norm's running statistics then used), the
    last mode for any input beyond; a single mode for every input as before."""
    from types import SimpleNamespace

    x = torch.ones(2)
    mod = SimpleNamespace(Moded=_Moded)
    cases = [
        domains.module_case("state", "Moded", ((), {}), (x, x, x), mode="train eval"),
        domains.module_case("state", "Moded", ((), {}), (x, x), mode="eval"),
    ]
    found = battery_walks.walk_modules(mod, "Moded", [c.plain() for c in cases])
    assert [o.tolist() for o in found[0]["out"]] == [[1.0, 1.0], [2.0, 2.0], [2.0, 2.0]], found
    assert [o.tolist() for o in found[1]["out"]] == [[2.0, 2.0], [2.0, 2.0]], found


def test_a_non_contiguous_input_has_no_two_axes_a_view_could_merge():
    """The layout cases' inputs (kit.noncontiguous): a view merging any two adjacent axes, N and C
    as well as H and W, raises, as on a tensor stored in another order; clone keeps the layout
    (an input the battery differentiates is cloned); the values are the input's (suites5b: a
    max_pool2d merging N and C by .view passed the layout case that stored only H and W apart)."""
    from grader.sandboxed import kit_steps

    x = torch.randn(2, 3, 4, 5)
    strided = kit_steps.noncontiguous(x)
    assert torch.equal(strided, x) and strided.clone().stride() == strided.stride()
    for axis in range(x.dim() - 1):
        merged = [*x.shape[:axis], x.shape[axis] * x.shape[axis + 1], *x.shape[axis + 2 :]]
        with pytest.raises(RuntimeError, match="view size is not compatible"):
            strided.view(merged)
    assert not kit_steps.noncontiguous(torch.arange(6.0)).is_contiguous()


def test_a_module_with_dropout_called_again_answers_as_a_new_one():
    """The "again" walk (a reused object against fresh builds, grader/checks/cases/across_calls.py):
    each call draws its dropout as the fresh build's call does, so a right model with dropout
    in train mode is not told it keeps state (suites5b: SimpleCNN with Dropout, 7/10); a kept
    buffer still answers otherwise."""
    import types

    class Dropping(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear, self.drop = torch.nn.Linear(4, 3), torch.nn.Dropout(0.5)

        def forward(self, x):
            return self.drop(self.linear(x))

    class Keeping(Dropping):
        def forward(self, x):
            self.kept = getattr(self, "kept", 0) + 1
            return self.linear(x) * self.kept

    inputs = [torch.randn(2, 4), torch.randn(5, 4)]
    for kind, same in ((Dropping, True), (Keeping, False)):
        namespace = types.SimpleNamespace(M=kind)
        case = {"kind": "module", "name": "M", "ctor": ((), {}), "args": inputs, "mode": "train", "noncontig": (), "seed": 3,
                "wrt": (), "again": True}  # fmt: skip
        (found,) = battery_walks.walk_modules(namespace, "M", [case])
        agree = all(torch.equal(a, b) for a, b in zip(found["out"], found["fresh"]))
        assert agree is same, kind.__name__
