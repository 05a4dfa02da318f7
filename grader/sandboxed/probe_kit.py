"""Tools that probes use inside the worker (the untrusted process).

A probe is a small function from a hidden suite, shipped to the worker as source and called as
``probe(mod, *args)`` with ``mod`` the submitted module; its namespace holds ``torch``, ``nn``,
``F``, ``math`` and this module as ``kit``. Probes return plain data; the judging happens back in
the trusted process. The recorders here are teaching checks, not security (docs/sandbox.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import CodeType
from typing import Any, Protocol

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from grader.sandboxed import charged, guarded, refused_ops, steps
from grader.sandboxed.guarded import OffLimitsOp as OffLimitsOp

# the steps that record nothing (kit_steps.py), the answers' conversion, the second device: kit.*
from grader.sandboxed.kit_steps import as_double as as_double
from grader.sandboxed.kit_steps import attribute as attribute
from grader.sandboxed.kit_steps import dtype_noted as dtype_noted
from grader.sandboxed.kit_steps import each_case as each_case
from grader.sandboxed.kit_steps import fed as fed
from grader.sandboxed.kit_steps import fed_tensors as fed_tensors
from grader.sandboxed.kit_steps import feed as feed
from grader.sandboxed.kit_steps import fill_by_shape as fill_by_shape
from grader.sandboxed.kit_steps import given as given
from grader.sandboxed.kit_steps import input_grads as input_grads
from grader.sandboxed.kit_steps import layer_calls as layer_calls
from grader.sandboxed.kit_steps import layers_applied as layers_applied
from grader.sandboxed.kit_steps import mapped as mapped
from grader.sandboxed.kit_steps import noncontiguous as noncontiguous
from grader.sandboxed.kit_steps import noted as noted
from grader.sandboxed.kit_steps import resolved as resolved
from grader.sandboxed.kit_steps import rows_unlearned as rows_unlearned
from grader.sandboxed.kit_steps import same_values as same_values
from grader.sandboxed.kit_steps import shares as shares
from grader.sandboxed.kit_steps import type_names as type_names
from grader.sandboxed.kit_steps import uncalled as uncalled
from grader.sandboxed.kit_steps import weighted_backward as weighted_backward
from grader.sandboxed.plain import SUBCLASS_MARK as SUBCLASS_MARK
from grader.sandboxed.plain import ReadOnlyModule
from grader.sandboxed.plain import to_plain as to_plain
from grader.sandboxed.stand_in import SECOND_DEVICE as SECOND_DEVICE
from grader.sandboxed.stand_in import SECOND_DEVICE_NAME as SECOND_DEVICE_NAME
from grader.sandboxed.stand_in import DeviceMismatch as DeviceMismatch
from grader.sandboxed.stand_in import OnSecondDevice as OnSecondDevice
from grader.sandboxed.stand_in import _unwrap as _unwrap
from grader.sandboxed.stand_in import device_trace as device_trace
from grader.sandboxed.stand_in import second_device as second_device
from grader.sandboxed.stand_in import to_second_device as to_second_device
from grader.sandboxed.steps import count_work as count_work


class _Recorder:
    def __init__(
        self, module_globals: Any, helpers: set[Any], own: frozenset[CodeType], answers: charged.Answers
    ) -> None:
        self.module_globals = module_globals
        self.helpers, self.own = helpers, own  # the helpers' frames, and the code of their bodies
        self.answers = answers  # a helper's call in flight, whose ops are its own if it answers
        self.seen: dict[str, dict[str, Any]] = {}
        self.written: set[str] = set()  # the torch functions the learner's code called by name
        self.starved = False  # a recorder ran out of stack: the call counts as the twin (ops_used)

    def note(self, name: str, written: bool = False) -> None:
        if self.answers.asking or not (name not in self.seen or (written and name not in self.written)):
            return
        where = charged.caller(self.module_globals, self.helpers, self.own)
        if where is not None:
            self.charge(name, written, where)
        elif self.answers.pending:  # the helper's, if its call answers as the helper
            made = charged.caller(self.module_globals, set(), frozenset())
            self.answers.pending[-1].setdefault(name, (written, made or {}))

    def charge(self, name: str, written: bool, where: dict[str, Any]) -> None:
        self.seen.setdefault(name, where)
        if written:
            self.written.add(name)


class Notes(Protocol):
    """Where the op recorders note each name: :class:`_Recorder`, or the import's record (at_import.py)."""

    starved: bool

    def note(self, name: str, written: bool = False) -> None: ...


class AtenRecorder(TorchDispatchMode):
    def __init__(self, recorder: Notes) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # torch leaves the mode's __init__ unannotated
        self.recorder = recorder

    def __torch_dispatch__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        try:
            self.recorder.note(str(func.overloadpacket.__name__))
            return func(*args, **(kwargs or {}))  # a replaced kernel too may run out of stack
        except RecursionError:
            self.recorder.starved = True
            raise


class FunctionRecorder(TorchFunctionMode):
    def __init__(self, recorder: Notes) -> None:
        super().__init__()
        self.recorder = recorder

    def __torch_function__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        try:
            self.recorder.note(str(getattr(func, "__name__", func)), written=True)
            return func(*args, **(kwargs or {}))  # the aten recorder (torch's wrapper first) too
        except RecursionError:
            self.recorder.starved = True
            raise


# -- off-limits ops, replaced at the dispatcher for every thread while a graded call runs, and
# until its answer is plain data (:func:`answering`): docs/engine.md, "No-twin checks".

OFF_LIMITS_MARK = "<off limits: "
STARVED = "the recursion limit"  # what a call that ran a recorder out of stack is charged with
_HELD = refused_ops.HELD


@contextmanager
def off_limits(names: Iterable[str]) -> Iterator[set[str]]:
    """Inside: the aten ops among ``names`` are replaced at the dispatcher, in every thread;
    yields the set of those that were called. Within :func:`answering` they stay replaced after."""
    wanted = frozenset(names)
    if _HELD.on:
        _HELD.enter(wanted)
        refused: set[str] = set()
        _HELD.refused, _HELD.calling = refused, True
        try:
            with guarded.watching(wanted, refused):
                yield refused
        finally:
            # what runs between the calls is noted nowhere: it gets NaN or raises
            _HELD.refused, _HELD.calling = set(), False
        return
    window = refused_ops.Window()
    library = refused_ops.replaced(refused_ops.kernels(wanted), window)
    try:
        with guarded.watching(wanted, window.refused):
            yield window.refused
    finally:
        refused_ops.destroy(library)


@contextmanager
def refusing(names: frozenset[str]) -> Iterator[None]:
    """Inside a probe: its exercise's twins' kernels replaced, recorded call or not (docs/engine.md)."""
    if names and _HELD.on and _HELD.names != names:
        _HELD.enter(names)  # the composites too (conv_tbc beside the backends' convolutions)
        _HELD.calling = False
    yield


def watched_call(
    call: Callable[[], Any], mod: Any, helpers: tuple[str, ...], names: frozenset[str]
) -> tuple[Any, set[str]]:
    """``call()`` with the twins among ``names`` refused (:func:`refusing`) or, built on ``helpers``,
    recorded: and the twins made outside the helpers' bodies."""
    if not helpers or not names:
        with refusing(names):
            return call(), set()
    result, ops = ops_used(call, mod, helpers)
    return result, {name for name, where in ops.items() if name in names and where.get("function")}


def refused_outside() -> set[str]:  # the twins the probe in flight ran outside its recorded calls
    return set(_HELD.outside)


@contextmanager
def answering(refuse: frozenset[str], helpers: tuple[str, ...]) -> Iterator[None]:
    """While the worker runs a probe and makes its answer plain data: its recorded calls' twins
    (:func:`off_limits`) stay replaced to the end (no finalizer computes with one); held into the next
    probe where both refuse the same, no helpers (registering costs ~0.3–0.9 ms); else torch's own."""
    if helpers or _HELD.names != refuse:
        _HELD.lift()
    _HELD.on, _HELD.outside = True, set()
    try:
        yield
    finally:
        _HELD.on = False
        if helpers or _HELD.names != refuse:  # a recorded call's own off= names: not this probe's
            _HELD.lift()


# What the recorder notes where the call takes a gradient (a suite's OFF_LIMITS key: "no gradient
# taken inside the call"), however it takes it: .backward(), autograd.grad, a node's grad_fn called
GRADIENT_TAKEN = "grad_fn"
_FUNCTION_APPLY = torch.autograd.Function.apply.__func__.__code__  # type: ignore[attr-defined]


@contextmanager
def gradients_taken(recorder: _Recorder, off: frozenset[str]) -> Iterator[None]:
    """Inside, where ``off`` (the call's own, or its probe's exercise's: :data:`_HELD`) names
    :data:`GRADIENT_TAKEN`: a gradient the call takes is noted, by the saved tensors any backward
    reads (a node called by hand too), not a custom Function's backward reading what its ctx saved;
    after the call, a check's own gradient of its answer reads them unnoted. Only there:
    ``torch.func``'s transforms, which refuse to run under such hooks, are noted and refused as they
    enter."""
    if GRADIENT_TAKEN not in off:
        yield
        return
    inside, graph = [True], torch.autograd.graph
    refusing_hooks = graph.disable_saved_tensors_hooks  # torch.func's transforms enter it, and refuse

    def packed(saved: Any) -> tuple[Any, bool]:
        # what a custom Function's ctx saves is packed as its apply ends: its own backward reads it
        return saved, sys._getframe(1).f_code is _FUNCTION_APPLY

    def unpacked(saved: tuple[Any, bool]) -> Any:
        learners = charged.caller(recorder.module_globals, set(), frozenset())  # a frame of its module's
        if inside[0] and not saved[1] and learners and learners["function"]:
            recorder.note(GRADIENT_TAKEN, written=True)  # the learner's code took it, not a probe
        return saved[0]

    def transform_entered(message: str) -> Any:
        recorder.note(GRADIENT_TAKEN, written=True)
        raise OffLimitsOp(f"{GRADIENT_TAKEN}: a gradient taken inside the call")

    graph.disable_saved_tensors_hooks = transform_entered  # type: ignore[assignment]  # raises instead
    try:
        with graph.saved_tensors_hooks(packed, unpacked):
            yield
    finally:
        inside[0] = False
        graph.disable_saved_tensors_hooks = refusing_hooks


def ops_used(
    call: Callable[[], Any], mod: Any = None, helpers: tuple[str, ...] = (), off: Iterable[str] = ()
) -> tuple[Any, dict[str, dict[str, Any]]]:
    """Run ``call()``; return (its result, {name of a torch function or aten op it used: where}).

    Two levels are recorded: torch functions as called (``l1_loss``, ``special_expit``) and the
    aten ops they dispatch, one name for every alias (``torch.softmax``, ``x.softmax``: ``_softmax``),
    the insides of composites shown (``F.cross_entropy`` reaches ``_log_softmax``). "Where" is the
    function of the submitted module ``mod`` and the line that made the op (:func:`grader.sandboxed.charged.caller`); ops
    made inside ``helpers`` (functions of ``mod`` the docstring tells the learner to use) are not,
    in a call of theirs that answers as they do (:class:`grader.sandboxed.charged.Answers`).

    The aten ops among ``off`` are replaced while the call runs (:func:`off_limits`); when one
    was called, in whatever thread, or the code called a function among ``off`` (a composite's own
    answer, ``F.kl_div``'s NaN, is the twin's whatever its values), the result is
    :data:`OFF_LIMITS_MARK` naming what was written:
    the functions among ``off`` the code called (``einsum``), else the ops replaced (``bmm``), or
    :data:`STARVED` where a recorder ran out of stack."""
    off = frozenset(off)
    helper_codes = {getattr(getattr(mod, h, None), "__code__", None) for h in helpers} - {None}
    module_globals = getattr(mod, "__dict__", None)
    own = charged.body(module_globals, [getattr(mod, h, None) for h in helpers])
    answers = charged.Answers(helpers)
    recorder = _Recorder(module_globals, helper_codes | answers.frames, own, answers)
    with off_limits(off) as refused, answers.framed(mod, recorder.charge):
        try:
            with (
                FunctionRecorder(recorder),
                AtenRecorder(recorder),
                gradients_taken(recorder, off | _HELD.names),
            ):
                result = call()
        except OffLimitsOp:
            result = None
    named = (recorder.written & off) or refused or ({STARVED} if recorder.starved else set())
    result = OFF_LIMITS_MARK + ", ".join(sorted(named)) + ">" if named else result
    return result, dict(sorted(recorder.seen.items()))


def count_ops(call: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``call()``; return (its result, how many aten ops it dispatched).

    "Vectorised" means this count does not grow with the input size: a Python loop over
    rows dispatches ops per row.
    """
    with steps.OpCount() as counter:
        result = call()
    return result, counter.count


class _Touched(TorchFunctionMode):
    def __init__(self, ids: set[int]) -> None:
        super().__init__()
        self.ids, self.seen = ids, set[int]()

    def __torch_function__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        kwargs = kwargs or {}
        self.seen.update(id(v) for v in (*args, *kwargs.values()) if id(v) in self.ids)
        return func(*args, **kwargs)


# the activations a forward's census counts, by torch's own names (aten's: an in-place one,
# relu_, counts as relu), and the ops an activation may be written with instead (clamp(min=0))
ACTIVATIONS = frozenset(
    f.__name__
    for f in (
        torch.relu,
        torch.tanh,
        torch.sigmoid,
        F.gelu,
        F.silu,
        F.leaky_relu,
        F.elu,
        F.hardtanh,
        F.softplus,
    )
)
STAND_INS = frozenset(
    f.__name__ for f in (torch.clamp, torch.clamp_min, torch.maximum, torch.threshold, torch.where)
)


class _Activations(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # torch leaves the mode's __init__ unannotated
        self.census: dict[str, int] = {}

    def __torch_dispatch__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        name = str(func.overloadpacket.__name__).rstrip("_")
        if name in ACTIVATIONS or name in STAND_INS:
            self.census[name] = self.census.get(name, 0) + 1
        return func(*args, **(kwargs or {}))


def layers_untouched(model: Any, x: Any) -> tuple[Any, list[str], dict[str, int]]:
    """Run ``model`` on its input ``x`` (:func:`feed`); return (its result, the names of its submodules holding parameters
    none of which a torch function or method took during it: layers defined and never applied,
    and how many times it applied each activation: {aten name: count})."""
    owners = {id(p): name for name, m in model.named_modules() for p in m.parameters(recurse=False)}
    with _Touched(set(owners)) as touched, _Activations() as activations:
        result = feed(model, x)
    used = {owners[i] for i in touched.seen}
    return result, sorted({name for name in owners.values() if name not in used}), activations.census


# torch.manual_seed also queues a seed for every device backend the build was made with, and
# formats the caller's stack to do so (tens of ms of a task's seeds). A build with no device
# backend gets the CPU generator seeded, which is all that torch.manual_seed changes there.
_DEVICE_BACKENDS = (
    torch.backends.cuda.is_built()  # CUDA and ROCm
    or torch.backends.mps.is_built()
    or torch.version.xpu is not None
    or hasattr(torch, torch._C._get_privateuse1_backend_name())  # a registered custom device
)


def manual_seed(seed: int) -> None:
    """``torch.manual_seed(seed)`` (every device's draws; no queued device seeds where no device is
    built), and NumPy's global RNG and ``random`` where loaded: their draws alike in every grade."""
    if _DEVICE_BACKENDS:
        torch.manual_seed(seed)
    else:
        torch.default_generator.manual_seed(int(seed))
    for name in ("random", "numpy.random"):
        if name in sys.modules:
            sys.modules[name].seed(int(seed) % 2**32)


def fresh_outputs(
    kind: Any, ctor: tuple[Sequence[Any], dict[str, Any]], inputs: Sequence[Any], modes: list[str], seed: int
) -> list[Any]:
    """Each input fed to a ``kind(*args, **kwargs)`` (``ctor``) built afresh under ``seed``, in that
    input's mode: what a model called again must answer where it keeps no state across calls.
    Each call draws its randomness (dropout) under seed + 1 + its index, as the reused object's."""
    found = []
    for i, x in enumerate(inputs):
        manual_seed(seed)
        model = kind(*ctor[0], **ctor[1])
        model.train(modes[min(i, len(modes) - 1)] == "train")
        manual_seed(seed + 1 + i)
        found.append(feed(model, x).detach())
    return found


sys.modules[__name__].__class__ = ReadOnlyModule
