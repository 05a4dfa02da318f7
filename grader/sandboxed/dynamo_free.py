"""Workers and zygote without ``torch._dynamo`` (~0.8 s of CPU and sympy with it, paid at boot).

Why giving each compiler-off wrapper itself as its twin, and an optimizer's ``step`` without
its ``graph_break()`` calls (:func:`skip_graph_breaks`), changes nothing a probe sees:
docs/engine.md, "Nothing imports ``torch._dynamo``"; why a step's question whether a CUDA graph
is being captured waits for CUDA (:func:`capture_check_when_initialised`): "On a machine with a GPU".
"""

from __future__ import annotations

import functools
import gc
import types
from collections.abc import Callable
from typing import Any

import torch
import torch._compile

TWIN = "__dynamo_disable"  # where torch._compile._disable_dynamo's wrapper keeps the twin
QUIET = "asks_once_cuda_is_initialised"  # marks the capture check made quiet (torch's: __wrapped__)


def _itself(fn: Callable[..., Any]) -> None:
    """Always set: a value there already was copied from another function by ``functools.wraps``
    (which copies ``__dict__``), and as the twin it would skip ``fn`` itself."""
    setattr(fn, TWIN, fn)


def skip_dynamo() -> int:
    """Every function torch has wrapped so far, and every one it wraps from now on, its own twin;
    returns how many were wrapped so far. Objects ``gc.freeze()`` froze are frozen again after
    the scan (``gc.get_objects`` does not list them)."""
    original = torch._compile._disable_dynamo
    code = original(lambda: None).__code__
    at = code.co_freevars.index("fn")  # the function it wraps: its ``__wrapped__`` may name another
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    wrapped = [
        obj.__closure__[at].cell_contents
        for obj in gc.get_objects()
        if type(obj) is types.FunctionType and obj.__code__ is code and obj.__closure__
    ]
    if frozen:
        gc.freeze()
    for fn in wrapped:
        _itself(fn)

    def wrapping(fn: Callable[..., Any] | None = None, recursive: bool = True) -> Any:
        if fn is None:
            return functools.partial(wrapping, recursive=recursive)
        _itself(fn)
        return original(fn, recursive)

    torch._compile._disable_dynamo = wrapping
    # torch re-exports it implicitly: `mypy --strict` (no implicit re-exports of torch) needs the ignore
    torch._disable_dynamo = wrapping  # type: ignore[attr-defined,unused-ignore]
    return len(wrapped)


@functools.cache
def skip() -> tuple[int, int]:
    """Both skips, the quiet capture check and the eager deterministic switch, once a process,
    before any optimizer is built: (wrapped functions, optimizer steps), as the first call
    counted them."""
    capture_check_when_initialised()
    eager_deterministic_switch()
    eager_functorch_grad()
    return skip_dynamo(), skip_graph_breaks()


def eager_functorch_grad() -> None:
    """``torch.func.grad`` (and ``grad_and_value``, ``vjp``) without importing ``torch._dynamo``
    on its first call (~1.9 s of CPU with sympy: past a probe's budget). functorch's
    ``_autograd_grad`` runs ``torch.autograd.grad`` inside ``torch._dynamo.compiled_autograd.
    _disable()``, which keeps compiled autograd off; graded code compiles nothing, so it is off
    already: :func:`_autograd_grad` is torch's function without that ``with``
    (``tests/grader/test_dynamo_free.py`` holds it to torch's own, statement for statement)."""
    from torch._functorch import eager_transforms

    functorch: Any = eager_transforms  # its private names, for mypy
    if getattr(functorch._autograd_grad, QUIET, False):
        return
    _autograd_grad.__wrapped__ = functorch._autograd_grad  # type: ignore[attr-defined]
    setattr(_autograd_grad, QUIET, True)
    functorch._autograd_grad = _autograd_grad


def _autograd_grad(
    outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool = False, create_graph: bool = True
) -> tuple[torch.Tensor, ...]:
    """torch._functorch.eager_transforms._autograd_grad, compiled autograd left as it is (off)."""
    if grad_outputs is None:
        diff_outputs = tuple(out for out in outputs if out.requires_grad)
    else:
        result = tuple((out, go) for out, go in zip(outputs, grad_outputs) if out.requires_grad)
        if len(result) == 0:
            diff_outputs, grad_outputs = (), ()
        else:
            diff_outputs, grad_outputs = zip(*result)
    if len(diff_outputs) == 0:
        return tuple(torch.zeros_like(inp) for inp in inputs)
    grad_inputs = torch.autograd.grad(
        diff_outputs,
        inputs,
        grad_outputs,
        retain_graph=retain_graph,
        create_graph=create_graph,
        allow_unused=True,
    )
    grad_inputs = tuple(torch.zeros_like(inp) if gi is None else gi for gi, inp in zip(grad_inputs, inputs))
    return grad_inputs


def eager_deterministic_switch() -> None:
    """``torch.use_deterministic_algorithms`` without its import of ``torch._inductor.config``
    (~1.2 s of CPU, sympy and ``torch._dynamo`` with it: past a submission's import budget, so
    correct code with that one ordinary line scored 0). It sets the compiler's switch as well
    as the dispatcher's; graded code compiles nothing, so the dispatcher's is set alone, as torch
    sets it, and ``torch.are_deterministic_algorithms_enabled`` reads it as before."""
    original: Any = torch.use_deterministic_algorithms
    if getattr(original, QUIET, False):  # done already in this process
        return

    @functools.wraps(original)
    def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
        torch._C._set_deterministic_algorithms(mode, warn_only=warn_only)

    setattr(use_deterministic_algorithms, QUIET, True)
    torch.use_deterministic_algorithms = use_deterministic_algorithms


def capture_check_when_initialised() -> None:
    """``Optimizer._accelerator_graph_capture_health_check`` asked only once CUDA is initialised
    in this process: before that no stream can be capturing, and asking would initialise it."""
    from torch.optim.optimizer import Optimizer

    ask: Any = Optimizer._accelerator_graph_capture_health_check
    if getattr(ask, QUIET, False):  # done already in this process
        return

    @functools.wraps(ask)
    def health_check(self: Any) -> None:
        if torch.cuda.is_initialized():
            ask(self)

    setattr(health_check, QUIET, True)
    Optimizer._accelerator_graph_capture_health_check = health_check  # type: ignore[method-assign]


def _eager_step(step: Callable[..., Any]) -> Callable[..., Any]:
    """An optimizer's ``step`` as torch's ``_use_grad_for_differentiable`` runs it, without the two
    ``torch._dynamo.graph_break()`` calls around it (no-ops when nothing compiles)."""

    @functools.wraps(step)
    def stepped(*args: Any, **kwargs: Any) -> Any:
        before = torch.is_grad_enabled()
        try:
            torch.set_grad_enabled(args[0].defaults["differentiable"])
            return step(*args, **kwargs)
        finally:
            torch.set_grad_enabled(before)

    return stepped


def skip_graph_breaks() -> int:
    """Every optimizer torch.optim defines, its ``step`` wrapped as :func:`_eager_step` instead of
    torch's wrapper (which imports ``torch._dynamo`` on each call, for its graph breaks); returns
    how many. Call before any optimizer is built: the first one wraps its class's ``step`` again."""
    from torch.optim import optimizer as module

    optimizer: Any = module  # its private names, for mypy
    code = optimizer._use_grad_for_differentiable(lambda: None).__code__
    rewrapped = 0
    for cls in _optimizer_classes(optimizer.Optimizer):
        step: Any = cls.__dict__.get("step")
        if getattr(step, "__code__", None) is code:
            cls.step = _eager_step(step.__wrapped__)
            rewrapped += 1
    optimizer._use_grad_for_differentiable = _eager_step  # for optimizers defined later
    return rewrapped


def _optimizer_classes(root: Any) -> list[Any]:
    found: list[Any] = []
    for cls in root.__subclasses__():
        found += [cls, *_optimizer_classes(cls)]
    return found
