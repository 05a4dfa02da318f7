"""The process-wide torch switches graded code may flip (grad and anomaly mode, deterministic
algorithms, warnings, print options) and the mode stacks, put back before every probe: the worker
takes a :func:`snapshot` after the submission's import and :func:`restore`s it before each probe
(docs/sandbox.md, "No public check hears from a worker that ran a hidden probe"). Sandbox side:
torch's setters are bound here, before any submitted line runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.utils._python_dispatch
from torch import _tensor_str

_set_grad_enabled = torch._C._set_grad_enabled
_is_grad_enabled = torch.is_grad_enabled
_set_anomaly = torch.set_anomaly_enabled
_is_anomaly = torch.is_anomaly_enabled
_is_anomaly_nan = torch.is_anomaly_check_nan_enabled
_use_deterministic = torch.use_deterministic_algorithms
_is_deterministic = torch.are_deterministic_algorithms_enabled
_is_warn_only = torch.is_deterministic_algorithms_warn_only_enabled
_set_warn_always = torch.set_warn_always
_is_warn_always = torch.is_warn_always_enabled
_PRINT = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")
_function_modes = torch._C._len_torch_function_stack
_dispatch_modes = torch._C._len_torch_dispatch_stack
_pop_function_mode = torch._C._pop_torch_function_stack
_pop_dispatch_mode = torch.utils._python_dispatch._pop_mode


@dataclass(frozen=True)
class State:
    grad: bool
    anomaly: tuple[bool, bool]
    deterministic: tuple[bool, bool]
    warn_always: bool
    printing: tuple[object, ...]
    modes: tuple[int, int] = (0, 0)  # how deep torch's function and dispatch mode stacks are


def snapshot() -> State:
    """The switches as they are now."""
    return State(
        grad=_is_grad_enabled(),
        anomaly=(_is_anomaly(), _is_anomaly_nan()),
        deterministic=(_is_deterministic(), _is_warn_only()),
        warn_always=_is_warn_always(),
        printing=tuple(getattr(_tensor_str.PRINT_OPTS, name) for name in _PRINT),
        modes=(_function_modes(), _dispatch_modes()),
    )


def restore(state: State) -> None:
    """Put back the switches of ``state`` (each only where it differs: a few calls a probe)."""
    now = snapshot()
    if now == state:
        return
    if now.grad != state.grad:
        _set_grad_enabled(state.grad)
    if now.anomaly != state.anomaly:
        _set_anomaly(state.anomaly[0], check_nan=state.anomaly[1])
    if now.deterministic != state.deterministic:
        _use_deterministic(state.deterministic[0], warn_only=state.deterministic[1])
    if now.warn_always != state.warn_always:
        _set_warn_always(state.warn_always)
    if now.printing != state.printing:
        for name, value in zip(_PRINT, state.printing, strict=True):
            setattr(_tensor_str.PRINT_OPTS, name, value)
    while _function_modes() > state.modes[0]:
        _pop_function_mode()
    while _dispatch_modes() > state.modes[1]:
        _pop_dispatch_mode()
