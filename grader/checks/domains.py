"""Each exercise's input domain, in one place: what its docstring allows, as cases for the battery.

A :class:`Domain` names the dimensions the docstring opens (:data:`DIMENSIONS`) and draws cases
from every one of them (docs/checks.md, "The contract grid"); :mod:`grader.checks.battery` runs
them all in one probe call and judges each against the reference's stored answers or the
relation the case states. An escape is fixed by adding the dimension it shows, never the case
(docs/design.md, "Input domains")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import torch

from grader.base.i18n import N_
from grader.sandboxed.kit_steps import FORWARD

DIMENSIONS = {
    "dtype": "float32 and float64 inputs; float16 (bfloat16 where exact) where the docstring promises x's dtype",
    "edge": "edge sizes: one, 0-dim, empty where allowed, H ≠ W, odd",
    "magnitude": "values at the extremes the docstring allows",
    "tail": "float64 tails, judged with the docstring's bare rtol",
    "ties": "ties at other positions than the first; near ties a few ulps apart",
    "signs": "negative values and mixed signs",
    "layout": "non-contiguous (strided) arguments",
    "aliasing": "inputs left alone; results that do not share an input's memory",
    "default": "optional arguments left at their defaults (each also on the second device)",
    "form": "every form the docstring allows an argument: list, tuple, a one-shot iterator, int or float",
    "rng": "the global RNG (generator=None after torch.manual_seed)",
    "state": "state across calls: a second step, train → eval, a reused module",
    "structure": "the layers the docstring names, in its order: the same weights give the same outputs",
    # derived from the declaration alone (grader/checks/cases/derived_cases.py)
    "creation": "a module's layers created in the docstring's order and shapes: seeded weights compared",
    "extremes": "the largest magnitudes the docstring allows, with every mask and index declared",
    "leading": "any number of leading dimensions, none included: each batch row alone",
    "prior": "an argument the docstring overwrites, holding NaN and ±inf before the call",
    "gradient": "gradients into every tensor argument the docstring differentiates, float64",
    "top": "near each floating dtype's top: half the root of its largest power of two (squares fit)",
    "equal": "two floating arguments of one shape equal, float64: the value, its dtype, a gradient reaching each",
}

# The contract grid's axes (grader/checks/cases/grid.py): each walked by the cases of these dimensions
AXES = {
    "dtype": ("dtype",),
    "magnitude": ("magnitude", "extremes", "tail", "signs", "ties", "top", "equal"),
    "shape": ("edge", "leading"),
    "layout": ("layout",),
    "prior": ("prior",),
    "gradient": ("gradient", "creation", "structure"),
    "calls": ("state",),
    "rng": ("rng",),
    "defaults": ("default", "form"),
}

# Each dimension's name as a message shows it ("(edge)"), in the learner's language
LABELS = {
    "dtype": N_("dtype"),
    "edge": N_("edge"),
    "magnitude": N_("magnitude"),
    "tail": N_("tail"),
    "ties": N_("ties"),
    "signs": N_("signs"),
    "layout": N_("layout"),
    "aliasing": N_("aliasing"),
    "default": N_("default"),
    "form": N_("form"),
    "rng": N_("rng"),
    "state": N_("state"),
    "structure": N_("structure"),
    "creation": N_("creation order"),
    "extremes": N_("extremes"),
    "leading": N_("leading dimensions"),
    "prior": N_("prior contents"),
    "gradient": N_("gradients"),
    "top": N_("top of the range"),
    "equal": N_("equal arguments"),
}

HINTS = {
    "dtype": N_(
        "float64 in, float64 out (float16 in, float16 out): keep the input's dtype through every "
        "step, no .float() or float32 tensor on the way; torch.tensor of a list of Python floats, "
        "torch.Tensor(...) and torch.zeros(n) make float32: give them dtype=x.dtype, or make them "
        "with torch.zeros_like(x) or x.new_zeros(...), which take x's dtype and device"
    ),
    "edge": N_("mind the edge sizes the docstring allows (a batch of one, 0-dim, empty, H ≠ W)"),
    "magnitude": N_(
        "the docstring's domain includes very small and very large values: keep every "
        "intermediate finite and avoid subtracting nearly equal large numbers"
    ),
    "tail": N_(
        "far in the tails the result is tiny but not zero: a formula that rounds it away is "
        "off by 100 % there"
    ),
    "ties": N_(
        "with equal maxima the docstring says which index wins; scores a few ulps apart are not "
        "equal (softmax and other monotone maps can make them so: take the argmax of the scores)"
    ),
    "signs": N_("negative values too: do not start a maximum at 0"),
    "layout": N_("inputs may be views with other strides (x.T, slices): use reshape, not view"),
    "aliasing": N_(
        "leave the arguments alone and return a tensor of your own (clone before writing): x += y "
        "writes into x, and so does a write into its view (x.view(...), x.flatten(), x[i])"
    ),
    "default": N_(
        "keep the defaults the docstring states, and make what a default path creates on the input's device"
    ),
    "form": N_(
        "an argument comes in every form its docstring allows: an iterable may be a one-shot "
        "iterator (model.parameters()), read it once; a sequence may be a tuple; a number an int"
    ),
    "rng": N_("with generator=None the draw must come from torch's global RNG (torch.manual_seed)"),
    "state": N_("the same object is used again: a second step, another input size, eval after train"),
    "structure": N_(
        "given the same weights, the docstring's layers answer differently from yours: check each "
        "layer's kernel size, padding, bias, every normalisation, the pooling kind, every "
        "activation and where the shortcut is added, in the docstring's order"
    ),
    "creation": N_(
        "under the same seed your module's weights differ from the docstring's: create its layers "
        "in the order it names them, each with the shape and bias it states"
    ),
    "extremes": N_(
        "at the largest values the docstring allows, a masked entry must still count for exactly "
        "nothing: mask before any normalisation, with -inf rather than a large finite number"
    ),
    "leading": N_(
        "with fewer leading dimensions (none at all, too) every argument still lines up: do not "
        "add or assume a batch dimension"
    ),
    "prior": N_(
        "what the argument held before the call must not show in the result: write the new values "
        "over it (z[:] = ..., copy_) rather than scaling or adding to the old ones (NaN·0 is NaN)"
    ),
    "top": N_(
        "near the largest values its dtype holds, every intermediate must stay in range and in "
        "x's dtype: no .float() of a float64 on the way, nothing squared the result does not square"
    ),
    "equal": N_(
        "where the two arguments are equal the answer comes from the same formula as anywhere else: "
        "a value made for that point alone (torch.tensor(0.), torch.zeros(...)) is float32, and no "
        "gradient reaches the arguments through it"
    ),
    "gradient": N_(
        "the gradient must reach every tensor argument the docstring differentiates: no .detach(), "
        "torch.no_grad() or .item() on the way from any of them (an initial state included)"
    ),
}

# A call given a generator whose stream it moved otherwise than the docstring's draws
STREAM = N_(
    "draw from a generator you are given only what the docstring draws (nothing where it does not "
    "shuffle): the caller's next draws from it must come out as they would have"
)

# A module whose docstring says each of its layers of a kind is applied by calling it
CALLED = N_(
    "apply each layer the docstring names by calling it (layer(h), as nn.Sequential does), not by "
    "hand from its weight and bias: the checks watch what each layer receives"
)
# A module with a parameter row that no gradient reaches where the reference's all learn
LEARNS = N_(
    "every parameter row the input reaches must learn: no row frozen, detached or masked out of the "
    "gradient (an embedding's padding_idx keeps its row at zero gradient)"
)

# A module case whose outputs agree and whose gradient into its input does not (battery_walks.walk_modules)
CUT = N_(
    "the outputs agree but the gradient into the input does not: a branch computed under "
    "torch.no_grad() or from x.detach(), or an output detached, passes no gradient back to x"
)


# What a loop case's ``kwargs["call"]`` may name, in the order its docstring takes them: the model,
# its batches (a list of (x, y); the domain's ``forms`` give them as a generator too), the loss
# (binary cross-entropy on one output, cross-entropy otherwise), an optimiser (SGD over the
# model's parameters: the loop trains, and the model's mode after it is judged too), the device.
LOOP_ARGUMENTS = ("model", "batches", "loss", "optimiser", "device")


def hint_for(case: Case) -> str:
    """A failing case's hint: its dimension's, where that is about the case. The edge sizes' hint
    is about the sizes of tensors: a Value at the kink of relu has none (its note says the rest)."""
    if case.dim == "edge" and case.kind == "value":
        return ""
    if case.kind == "optimiser" and case.kwargs.get("reload"):
        return RELOADED  # its twin without the reload passed before it: the reload is the cause
    return case.hint or HINTS.get(case.dim, "")


# An optimiser case whose second optimiser takes the first's state_dict() and goes on
RELOADED = N_(
    "a new optimiser given state_dict() goes on as the old one would: keep each parameter's state "
    "(momentum buffer, step count) in self.state[p], which state_dict() and load_state_dict() carry"
)


# The dimensions whose gradients are judged on reaching each argument, not on their values (a point
# where the docstring's function may have no derivative: grader/checks/cases/domain_cases_derived.py)
REACHED_ONLY = frozenset({"equal"})

# The fields of a case the worker's walkers read (grader/checks/cases/battery_walks.py)
WALKED = "kind name args kwargs noncontig forms device wrt seed ctor mode fill again".split()


class Case(NamedTuple):
    """One input of a domain; its fields: docs/authors.md, "A domain: declare and Case, field by field"."""

    dim: str
    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = {}
    kind: str = "call"
    noncontig: tuple[int, ...] = ()
    # (positional arg or scenario key, form): arguments the worker gives in another form the
    # docstring allows (FORMS), derived from Domain.forms (grader/checks/cases/domain_cases_derived.py)
    forms: tuple[tuple[int | str, str], ...] = ()
    device: bool = False  # also run on the second device (a default path, another form)
    wrt: tuple[int, ...] = ()  # a module case: its inputs
    seed: int | None = None
    same_as: int | None = None
    differs_from: int | None = None
    tol: tuple[float, float] | None = None
    ctor: tuple[tuple[Any, ...], dict[str, Any]] = ((), {})
    mode: str = "train"
    shapes: list[tuple[int, ...]] | None = None
    bound: bool = False
    fill: bool = False
    again: bool = False
    note: str = ""
    hint: str = ""  # the case's own hint where its dimension's would name another mechanism

    def plain(self) -> dict[str, Any]:
        """The fields the worker's walkers read (:data:`WALKED`, in its order)."""
        return {field: getattr(self, field) for field in WALKED}

    def label(self) -> str:
        return f"{self.name} {self.note}".strip()


# A module build whose docstring names its layers (kinds, sizes, order, bias, activations, pooling,
# shortcut): constructor's (args, kwargs), inputs, note, mode. It answers on weights drawn from
# their shapes alone as the docstring's own layers do (battery_walks.walk_modules' fill); in training
# mode every BatchNorm normalises by the batch, in eval mode it applies its running statistics.
Shown = tuple[tuple[Any, ...], tuple[Any, ...], str, str]


def shown(ctor: tuple[Any, ...], inputs: tuple[Any, ...], note: str, mode: str = "train") -> Shown:
    """A build of a module whose docstring names its layers (``declare(..., shown=...)``)."""
    return ctor, inputs, note, mode


# Low-precision floats a docstring's "x's dtype" takes in; judged at about 20 of float16's ulps
# (a formula rounded at each step against torch's one rounding from float32), bfloat16 where exact
# (relu); each domain's last cases, so a mistake met by an earlier case keeps its first diagnosis
F16, BF16 = torch.float16, torch.bfloat16
LOW = frozenset({F16, BF16})
LOW_TOL = (1e-2, 1e-3)


class Domain(NamedTuple):
    """An exercise's domain, as ``declare`` registers it; its options: docs/authors.md, "A domain:
    declare and Case, field by field" (those it does not name are said here)."""

    topic: str
    name: str
    dims: frozenset[str]
    cases: Callable[[], list[Case]]
    tol32: tuple[float, float] = (1e-5, 1e-6)
    tol64: tuple[float, float] = (1e-5, 1e-6)
    tol16: tuple[float, float] = LOW_TOL
    writes: tuple[int, ...] = ()
    overwrites: tuple[int, ...] = ()  # of those, the ones whose prior contents the result ignores
    called: tuple[str, ...] = ()  # a module's layers (class names) the docstring says forward calls
    learns: bool = False  # a module's every parameter row its inputs reach gets a gradient
    grads: tuple[int, ...] = ()  # a function's positional args the docstring differentiates
    exempt: dict[str, str] = {}  # {axis of grader/checks/cases/grid.py: why the docstring leaves it closed}
    fresh: bool = False
    contiguous: bool = False
    shown: tuple[Shown, ...] = ()
    forms: dict[int | str, tuple[str, ...]] = {}
    devices: bool = True  # its docstring promises its inputs' device: defaults and forms run there too
    held: bool = True
    # known wrong variants (grader/checks/hints/variants.py of_case): (hint, what it computes from a
    # call's arguments); a failing call whose values are one's leads with its hint
    mistakes: tuple[tuple[str, Callable[..., Any]], ...] = ()

    def tolerance(self, case: Case) -> tuple[float, float]:
        if case.tol is not None:
            return case.tol
        dtypes = {a.dtype for a in _leaves((case.args, case.kwargs)) if isinstance(a, torch.Tensor)}
        if dtypes & LOW:
            return self.tol16
        return self.tol64 if torch.float64 in dtypes else self.tol32


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


REGISTRY: dict[tuple[str, str], Domain] = {}


def declare(
    topic: str, name: str, dims: str, **options: Any
) -> Callable[[Callable[[], list[Case]]], Callable[[], list[Case]]]:
    """Register the decorated case builder as the domain of ``topic.name`` over ``dims``."""

    def register(build: Callable[[], list[Case]]) -> Callable[[], list[Case]]:
        REGISTRY[(topic, name)] = Domain(topic, name, frozenset(dims.split()), build, **options)
        return build

    return register


def gen(k: int) -> torch.Generator:
    return torch.Generator().manual_seed(1000 + k)


def randn(k: int, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(shape, generator=gen(k), dtype=dtype)


def rand(k: int, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.rand(shape, generator=gen(k), dtype=dtype)


# The forms an argument may take besides the one a case declares (battery_walks.walk_*: kit's ``given``)
FORMS = ("list", "tuple", "iterator", "generator", "int", "float")

F64 = torch.float64
TAIL64 = (1e-7, 4 * 2.0**-1074)  # the docstrings' float64 rtol; an atol of 4 subnormal steps, no more
EXTREME32 = (1e-5, 8 * torch.finfo(torch.float32).eps * 1000)  # logits of ±1000 (losses docstring)


# What a case's arguments may name for the worker to build there (battery.py's ``resolve``):
def seeded_generator(seed: int) -> tuple[str, int]:
    """An argument the worker makes a ``torch.Generator`` seeded ``seed``."""
    return ("__gen__", seed)


def named_function(name: str) -> tuple[str, str]:
    """An argument the worker makes the battery's function ``name`` (``cube``, ``view``...)."""
    return ("__fn__", name)


def movable(value: Any) -> bool:
    """Whether a case's argument can move to another device as it is: no seeded generator or
    named function (the worker builds those)."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in ("__gen__", "__fn__"):
        return False
    if isinstance(value, (list, tuple)):
        return all(movable(v) for v in value)
    return all(movable(v) for v in value.values()) if isinstance(value, dict) else True


def fed(*args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """One input of a module case whose forward takes several arguments or keywords
    (``fed(q, k, mask=m)``: ``model(q, k, mask=m)``); a tensor alone is ``model(x)``. Every
    tensor of it walks what a one-tensor input walks: its layout, dtype, gradient, left unchanged."""
    return (FORWARD, args, kwargs)


def module_case(
    dim: str,
    name: str,
    ctor: tuple[tuple[Any, ...], dict[str, Any]],
    inputs: tuple[Any, ...],
    shapes: list[tuple[int, ...]] | None = None,
    **more: Any,
) -> Case:
    """A module case: ``name`` built with ``ctor`` (args, kwargs), then fed each of ``inputs`` (a
    tensor, or a :func:`fed` of several arguments)."""
    return Case(dim, name, inputs, kind="module", ctor=ctor, shapes=shapes, **more)
