"""The ``torch.nn`` modules that compute a torch function: ``nn.KLDivLoss``'s forward calls
``F.kl_div``, ``nn.Sigmoid``'s ``torch.sigmoid``, ``nn.ReLU6``'s (inherited) ``F.hardtanh``. An
exercise whose ``OFF_LIMITS`` names the function has these modules off limits too
(:mod:`grader.engine.subset.twins`): the same twin by its layer's name. A snapshot,
``subset_wrappers.tsv``, of the calls each public ``torch.nn`` module's ``forward`` (and the methods
of ``self`` it calls) makes, read from torch's source by ``python -m
grader.authoring.subset_review wrappers`` where torch is imported; the subset check reads it
without importing torch.
"""

from __future__ import annotations

import ast
import functools
import inspect
import signal
import sys
import textwrap
import types
from collections import defaultdict
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("subset_wrappers.tsv")


@functools.cache
def wrappers() -> dict[str, tuple[str, ...]]:
    """{a torch function's path (``torch.nn.functional.kl_div``): the ``torch.nn`` modules computing it}."""
    found: dict[str, list[str]] = defaultdict(list)
    for line in SNAPSHOT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            function, module = line.split("\t")
            found[function].append(module)
    return {function: tuple(modules) for function, modules in found.items()}


def _called(function: object, cls: type, seen: set[str]) -> set[str]:
    """The dotted torch paths ``function``'s source calls, through the methods of ``self`` it calls."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    except (OSError, TypeError, SyntaxError):
        return set()
    home = vars(sys.modules.get(getattr(function, "__module__", None) or "", types.ModuleType("_")))
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        root = node.func.value
        if isinstance(root, ast.Name) and root.id == "self" and node.func.attr not in seen:
            seen.add(node.func.attr)
            found |= _called(getattr(cls, node.func.attr, None), cls, seen)
        elif isinstance(root, ast.Name) and isinstance(home.get(root.id), types.ModuleType):
            module = home[root.id].__name__
            public = not any(part.startswith("_") for part in [*module.split("."), node.func.attr])
            if module.startswith("torch") and public:
                found.add(f"{module}.{node.func.attr}")
    return found


def find() -> set[tuple[str, str]]:
    """Every pair of the snapshot: :func:`read` and :func:`measured` (torch imported)."""
    return read() | measured()


def read() -> set[tuple[str, str]]:
    """(a torch function, a public ``torch.nn`` module whose ``forward`` calls it, or a public
    function that forwards to it from its closure), each pair as torch's source reads."""
    import torch

    modules = {
        (function, f"torch.nn.{name}")
        for name, cls in vars(torch.nn).items()
        if isinstance(cls, type) and issubclass(cls, torch.nn.Module) and not name.startswith("_")
        for function in _called(cls.forward, cls, {"forward"})
    }
    return modules | _forwarding((torch, torch.nn.functional, torch.nn.init))


def measured() -> set[tuple[str, str]]:
    """:func:`_dispatching`'s pairs, measured in a fresh interpreter: the calls change torch's
    global state (print options, defaults) in the process that makes them."""
    import json
    import subprocess

    code = "import json; from grader.engine.subset import wrappers; print(json.dumps(sorted(wrappers._dispatching())))"
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True
    )
    return {(twin, other) for twin, other in json.loads(done.stdout.splitlines()[-1])}


def _forwarding(homes: tuple[types.ModuleType, ...]) -> set[tuple[str, str]]:
    """(a public torch function, a public function of ``homes`` holding it in its closure): a
    wrapper that calls it, as ``nn.init.xavier_uniform`` (deprecated) calls ``xavier_uniform_``."""
    found = set()
    for home in homes:
        for name, function in vars(home).items():
            if name.startswith("_") or not isinstance(function, types.FunctionType):
                continue
            for cell in function.__closure__ or ():
                try:
                    inner = cell.cell_contents
                except ValueError:  # an empty cell
                    continue
                module = getattr(inner, "__module__", None) or ""
                public = isinstance(inner, types.FunctionType) and not inner.__name__.startswith("_")
                if public and inner is not function and module.startswith("torch"):
                    found.add((f"{module}.{inner.__name__}", f"{home.__name__}.{name}"))
    return found


def _inputs() -> dict[str, tuple[object, ...]]:
    """A twin's own inputs, each way an exercise hands them: a tensor, with a dim, two of one shape,
    two that multiply, and those two as a list (``torch.linalg.multi_dot([a, b])``)."""
    import torch

    x, y, b = torch.randn(3, 4), torch.randn(3, 4), torch.randn(4, 5)
    return {"x": (x,), "x, dim": (x, -1), "x, y": (x, y), "a, b": (x, b), "[a, b]": ([x, b],)}


def _traced(function: object) -> dict[str, frozenset[str]]:
    """{a way of :func:`_inputs`: the aten ops ``function`` dispatches to on it (fresh inputs
    each time: an in-place call changes them), within five seconds}."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class Recorder(TorchDispatchMode):
        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.ops: set[str] = set()

        def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            self.ops.add(func.overloadpacket.__name__)
            return func(*args, **(kwargs or {}))

    def stop(*_: Any) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    found: dict[str, frozenset[str]] = {}
    for way, args in _inputs().items():
        signal.alarm(5)
        try:
            with Recorder() as recorder:
                function(*args)  # type: ignore[operator]
            found[way] = frozenset(recorder.ops)
        except Exception:  # noqa: S112  # not a way this function takes
            continue
        finally:
            signal.alarm(0)
    return found


def _dispatching() -> set[tuple[str, str]]:
    """(a torch function, another allowed torch function that on the same inputs dispatches to
    every op the first does and at most one more): the same twin by another name, found by what it
    runs, not by its name (``torch.special.softmax`` and ``F.softmin``, one ``neg`` more, for
    ``F.softmax``; ``torch.linalg.multi_dot`` on the list for ``torch.matmul``)."""
    import torch

    allowed = _op_functions()
    with torch.no_grad():
        torch.softmax(torch.randn(2), 0)  # torch's lazy imports done once, before any alarm
        traces = {path: _traced(function) for path, function in allowed.items()}
    found = set()
    for twin, ways in traces.items():
        for way, ops in ways.items():
            also = {way, "[a, b]"} if way == "a, b" else {way}
            runs = {other for other, theirs in traces.items() for w in also if _holds(theirs.get(w), ops)}
            found |= {(twin, other) for other in runs if allowed[other] is not allowed[twin]}
    return found


def _holds(theirs: frozenset[str] | None, ops: frozenset[str]) -> bool:
    """``theirs`` runs every op of ``ops`` (some) and at most one more."""
    return bool(ops) and theirs is not None and ops <= theirs and len(theirs - ops) <= 1


def _op_functions() -> dict[str, object]:
    """{path: function} of the allowed functions of torch's op namespaces (the reviewed torch
    modules holding torch's own builtins: torch, ``F``, ``torch.special``, ``torch.linalg``...)."""
    import importlib

    import torch

    from grader.sandboxed import subset_members as members

    modules = {m for m, _ in members.decisions() if m.split(".")[0] == "torch"}
    builtin = type(torch.add)
    ops = {m for m in modules if any(type(v) is builtin for v in vars(importlib.import_module(m)).values())}
    found = {}
    for (module, name), verdict in sorted(members.decisions().items()):
        value = getattr(importlib.import_module(module), name, None) if module in ops else None
        if verdict == members.ALLOWED and callable(value) and not isinstance(value, type):
            found[f"{module}.{name}"] = value
    return found


def write(found: set[tuple[str, str]]) -> None:
    lines = [
        "# a torch function\ta torch.nn module whose forward calls it, or a function forwarding to it: written by grader/authoring/subset_review.py wrappers",
        *sorted(f"{function}\t{module}" for function, module in found),
    ]
    SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
