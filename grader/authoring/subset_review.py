"""The review behind ``grader/sandboxed/subset_members.tsv``: which members of the modules graded
code may open (torch, numpy, ``subset_rules.OPEN``) it may use; the whole reviewed universe, so an
upgrade that adds a member fails ``test_subset_policy.py`` until decided. ``python -m
grader.authoring.subset_review update|rules|aliases|wrappers``: new members land refused, the rules
below re-applied, subset_aliases.tsv, subset_wrappers.tsv (docs/sandbox.md's table: :func:`table`,
drawn by ``python -m grader.keys_docs``). The rules:
a submodule is refused unless reviewed (``MODULES``), a member in ``REFUSED`` refused with its way out.
"""

from __future__ import annotations

import abc
import dataclasses
import enum
import functools
import importlib
import importlib.util
import sys
import types
import typing

from grader.base.i18n import N_
from grader.engine.subset import aliases as subset_aliases
from grader.engine.subset import rules as subset_rules
from grader.engine.subset import wrappers as subset_wrappers
from grader.sandboxed import no_eval, subset_members

# Modules reviewed member by member: an allowed member that is a module must be one of these.
MODULES = (
    sorted(subset_rules.OPEN)
    + ["collections.abc"]
    + [f"torch.{m}" for m in ("nn", "optim", "utils", "autograd", "linalg", "fft", "special")]
    + [f"torch.{m}" for m in ("random", "testing", "cuda", "backends", "distributions", "types")]
    + ["torch.nn.functional", "torch.nn.init", "torch.nn.utils", "torch.nn.utils.rnn"]
    + ["torch.nn.utils.parametrizations", "torch.nn.utils.parametrize"]
    + ["torch.optim.lr_scheduler", "torch.optim.optimizer", "torch.utils.data", "torch.autograd.functional"]
    + ["torch.autograd.function"]
    + ["torch.backends.cudnn", "torch.backends.cuda", "torch.backends.mps"]
    + ["numpy.random", "numpy.linalg", "numpy.fft", "numpy.testing"]
)
EAGER = "graded code runs eagerly, in one process: write the computation with torch ops"
ONE_PROCESS = "graded code runs in one process and one thread"
NO_LOADING = "graded code loads nothing: build the values in code, or take them as arguments"
DISPATCH = "call torch's public functions directly; graded code leaves torch's dispatch as it is"
# A function handed a file's name and a line number (filename, lineno) reads that line through
# linecache: of any file the worker sees and of the worker's in-memory sources, which open cannot.
LINE_READER = "read a file's lines with open(path); a caught warning's text is str(w.message)"
# Members refused, with what to write instead ("name*": every member starting with name).
REFUSED = {
    "torch": {
        "compile": "drop torch.compile: " + EAGER,
        "compiler": "drop torch.compiler: " + EAGER,
        "jit": "drop TorchScript: " + EAGER,
        "fx": EAGER,
        "export": EAGER,
        "cond": "write an if statement",
        "while_loop": "write a while loop",
        "func": "use torch.autograd.grad, or write the batched computation with broadcasting",
        "sym_*": EAGER,
        "fork": ONE_PROCESS,
        "wait": ONE_PROCESS,
        "set_num_threads": ONE_PROCESS,
        "set_num_interop_threads": ONE_PROCESS,
        "init_num_threads": ONE_PROCESS,
        "prepare_multiprocessing_environment": ONE_PROCESS,
        "multiprocessing": ONE_PROCESS,
        "distributed": ONE_PROCESS,
        "load": NO_LOADING,
        "save": "return your results; graded code writes no files",
        "from_file": NO_LOADING,
        "serialization": NO_LOADING,
        "hub": NO_LOADING,
        "package": NO_LOADING,
        "import_ir_module*": NO_LOADING,
        "library": "a custom op hides what your code runs; write the computation with torch ops",
        "ops": "call the public torch function instead (torch.add, F.relu...)",
        "classes": "call the public torch function instead",
        "overrides": DISPATCH,
        "set_default_device": "pass device= to the tensors you create",
        "autocast": "compute in the dtype the check gives you",
        "amp": "compute in the dtype the check gives you",
        "ModuleDict": "use torch.nn.ModuleDict",
        "ParameterDict": "use torch.nn.ParameterDict",
        "BufferDict": "keep buffers on an nn.Module with register_buffer",
        "set_autocast*": "compute in the dtype the check gives you",
        "autocast_*": "compute in the dtype the check gives you",
        "clear_autocast_cache": "compute in the dtype the check gives you",
        "set_default_dtype": "pass dtype= to the tensors you create",
        "set_default_tensor_type": "pass dtype= to the tensors you create",
        "set_flush_denormal": "leave torch's floating-point settings as they are",
        "set_float32_matmul_precision": "leave torch's floating-point settings as they are",
    },
    "torch.nn": {
        "DataParallel": ONE_PROCESS,
        "parallel": ONE_PROCESS,
        "modules": "use the classes of torch.nn (nn.Linear, nn.Module...)",
        "parameter": "use nn.Parameter",
    },
    "torch.nn.functional": dict.fromkeys(
        ("handle_torch_function", "has_torch_function*", "boolean_dispatch"), DISPATCH
    ),
    "torch.autograd": {
        "profiler*": "time code outside graded code",
        "Profiler*": "time code outside graded code",
        "graph": DISPATCH,
        "set_multithreading_enabled": ONE_PROCESS,
    },
    "torch.testing": {"FileCheck": EAGER},
    "torch.optim.optimizer": {  # every optimizer's steps, the grader's too
        "register_optimizer_step_*": "register a hook on your own optimizer: optimizer.register_step_pre_hook",
    },
    "torch.distributions": {"register_kl": "compute the divergence in a function of your own"},
    "torch.utils": {
        "throughput_benchmark": "time code outside graded code: " + ONE_PROCESS,
        "ThroughputBenchmark": "time code outside graded code: " + ONE_PROCESS,
        "collect_env": "graded code runs no other program",
        "cpp_extension": EAGER,
        "checkpoint": "call the layers directly",
    },
    "numpy": {
        "load": "build the arrays in code, or read text with numpy.loadtxt",
        "memmap": "read the file with numpy.loadtxt",
        "DataSource": "read local files with numpy.loadtxt",
        "test": "run tests outside graded code",
        "save*": "return your results; graded code writes no files",
    },
    "numpy.testing": {
        "measure": "write the code itself",
        "runstring": "write the code itself",
        "rundocs": "run tests outside graded code",
        "run_threaded": ONE_PROCESS,
    },
    "typing": {
        "get_type_hints": "annotations are for readers: do not evaluate them",
        "ForwardRef": "annotations are for readers: do not evaluate them",
        "evaluate_forward_ref": "annotations are for readers: do not evaluate them",
        "get_origin": "compare with isinstance (an alias's origin is a class: type itself for typing.Type)",
    },
    "functools": {
        "update_wrapper": "use @functools.wraps(fn) without arguments",
        "singledispatch": "branch with isinstance",
        "singledispatchmethod": "branch with isinstance",
    },
    "dataclasses": {"make_dataclass": "write a @dataclass class statement"},
    "enum": {
        "global_enum": "use the enum's members through its class (Colour.RED)",
        "pickle_by_*": "return your results; graded code pickles nothing",
    },
    "warnings": {"warn_explicit": LINE_READER},  # its C code shows (filename, lineno) as formatwarning does
    "abc": {"ABCMeta": "subclass abc.ABC, or name it as a class statement's metaclass=abc.ABCMeta"},
    "torch.nn.utils.parametrize": {
        "OpaqueBase": "one of torch's internals: register_parametrization and the parametrizations are what graded code needs",
        "is_opaque_reference_type": "one of torch's internals: register_parametrization and the parametrizations are what graded code needs",
        "is_traceable_wrapper_subclass": DISPATCH,
        "get_swap_module_params_on_conversion": "leave torch's settings as they are",
        "type_before_parametrizations": "compare with isinstance (it gives any value's class, as type(x) would)",
    },
}
# The classes of torch's top level graded code may use; the other classes there are the
# internals of the JIT, the dispatcher, serialisation and benchmarks.
TORCH_CLASSES = frozenset(
    "Tensor Size Generator device dtype layout memory_format qscheme finfo iinfo no_grad enable_grad "
    "inference_mode set_grad_enabled TypedStorage UntypedStorage Storage AcceleratorError "
    "OutOfMemoryError".split()
) | {n for n in dir(__import__("torch")) if n.endswith(("Tensor", "Storage")) and n[0].isupper()}
# Modules of which only these members are allowed (the rest: device internals, allocators,
# graphs, streams, the utilities that time, trace or spawn).
ONLY = {
    "torch.cuda": frozenset(
        "is_available device_count current_device get_device_name get_device_properties "
        "get_device_capability manual_seed manual_seed_all seed seed_all initial_seed synchronize "
        "empty_cache memory_allocated max_memory_allocated memory_reserved max_memory_reserved "
        "reset_peak_memory_stats is_bf16_supported device OutOfMemoryError get_rng_state set_rng_state".split()
    ),
    "torch.backends": frozenset({"cudnn", "cuda", "mps"}),
    "torch.backends.cudnn": frozenset({"deterministic", "benchmark", "enabled", "allow_tf32"})
    | frozenset({"is_available", "version"}),
    "torch.backends.cuda": frozenset({"matmul", "is_built"}),
    "torch.backends.mps": frozenset({"is_available", "is_built"}),
    "torch.utils": frozenset({"data"}),
    # a custom Function's own: its base, its ctx's class (an annotation), the backward decorator
    "torch.autograd.function": frozenset(
        {"Function", "FunctionCtx", "NestedIOFunction", "once_differentiable"}
    ),
    "torch.utils.data": frozenset(
        "Dataset IterableDataset TensorDataset Subset ConcatDataset ChainDataset StackDataset "
        "DataLoader Sampler SequentialSampler RandomSampler SubsetRandomSampler WeightedRandomSampler "
        "BatchSampler random_split default_collate default_convert get_worker_info".split()
    ),
}
# What an allowed member can hand back and what it can write, reviewed by family (a module, or "module.member"
# where one differs from its module's): the member list records it beside each allowed member. A member is
# allowed only where both stay inside the subset: no builtin function, frame, code object, module namespace,
# class dict or the guard (enum's writer and returner of builtins are refused above: global_enum writes a
# module's namespace, pickle_by_enum_name hands back getattr).
OWN_VALUES = "returns: values of the subset (its own classes' instances, numbers, containers)"
ARGUMENTS = "writes: nothing but the containers and objects it is handed"
REACH: dict[str, tuple[str, str]] = {
    "torch": (
        "returns: tensors, numbers and torch's public objects",
        "writes: its tensor and module arguments",
    ),
    "torch.autograd.function.once_differentiable": ("returns: a wrapper of the backward", "writes: nothing"),
    "numpy": ("returns: arrays, numbers and numpy's public objects", "writes: its array arguments"),
    "__future__": ("returns: nothing (a compiler flag's record)", "writes: nothing"),
    "typing": ("returns: typing's special forms and the types it is handed", "writes: nothing"),
    "collections.abc": ("returns: abstract classes, to subclass or test against", "writes: nothing"),
    "abc": ("returns: the class or function it is handed", "writes: that class's own abstract-method set"),
    "contextlib": ("returns: context managers over the callables it is handed", ARGUMENTS),
    "functools": ("returns: wrappers of the callables it is handed", ARGUMENTS),
    "enum": (
        "returns: enums built from the class statement, and their members",
        "writes: the new class only",
    ),
    "dataclasses": ("returns: fields, values and copies of dataclass instances", "writes: nothing"),
    "copy": ("returns: copies of the values it is handed", "writes: nothing"),
    "re": ("returns: patterns, matches and strings", "writes: re's pattern cache"),
    "warnings": ("returns: nothing but warning classes and filters", "writes: the warning filters"),
    "warnings.catch_warnings": (
        "returns: a context manager holding the warnings module",
        "writes: the filters",
    ),
    "warnings.warn": ("returns: nothing", "writes: the registry of a frame never above graded code"),
    "pathlib": ("returns: paths and the text of files graded code may read", "writes: nothing"),
    "csv": ("returns: rows read and writers over the files it is handed", ARGUMENTS),
    "json": ("returns: values decoded and strings encoded", ARGUMENTS),
    "gzip": ("returns: bytes and file objects over the files it is handed", ARGUMENTS),
    "random": (OWN_VALUES, "writes: its generator's state and the lists it shuffles"),
}
REACH |= dict.fromkeys(
    ("math", "cmath", "statistics", "bisect", "heapq", "itertools", "collections", "textwrap", "unicodedata"),
    (OWN_VALUES, ARGUMENTS),
)


# Members that write the definition they are handed (functools.wraps its attributes, dataclass
# and total_ordering its class's methods), by the object whatever path names it: a decorator only.
WRITES_DECORATED: tuple[object, ...] = (functools.wraps, functools.total_ordering, dataclasses.dataclass)
WRITES_DECORATED += (abc.abstractmethod, abc.abstractclassmethod, abc.abstractstaticmethod, typing.final)
WRITES_DECORATED += (abc.update_abstractmethods, typing.no_type_check, typing.no_type_check_decorator)
WRITES_DECORATED += (typing.runtime_checkable, typing.dataclass_transform)


def review(module: str, name: str, value: object = None) -> str:
    """What an allowed member returns and writes, by its family (its module, or the nearest
    enclosing module reviewed), and what its module compiles: empty where no family is reviewed."""
    compiles = [f"{subset_members.COMPILES} {no_eval.COMPILED[module]}"] if module in no_eval.COMPILED else []
    if any(value is writer for writer in WRITES_DECORATED):
        return "; ".join([f"returns: the definition it decorates; {subset_members.DECORATES}", *compiles])
    # calling a metaclass or an enum's functional API with names makes a class
    classes = isinstance(value, type) and (issubclass(value, type) or isinstance(value, enum.EnumType))
    parts = module.split(".")
    for family in (f"{module}.{name}", *(".".join(parts[:i]) for i in range(len(parts), 0, -1))):
        if family in REACH:
            made = [subset_members.MAKES_CLASSES] if classes else []
            return "; ".join([*REACH[family], *made, *compiles])
    return ""


NOT_LISTED = "not among the members graded code may use; the exercise's docstring names what it needs"
NOT_REVIEWED = "new in this version and not reviewed yet; the exercise's docstring names what it needs"
# The reasons made of a name, as the catalogue's templates (grader.base.i18n.text translates them; the
# fixed reasons of the snapshot are read from it by tests/grader/catalogue.py)
MODULE_STDLIB = N_("the module {0} is not part of graded code: import {1} itself if the exercise needs it")
MODULE_OTHER = N_(
    "the module {0} is not part of graded code: use the members of the modules the exercise names"
)
SAME_OBJECT = N_("the same object as {0}, which graded code may not use")


def _refusal(module: str, name: str) -> str | None:
    for pattern, reason in REFUSED.get(module, {}).items():
        if name == pattern or (pattern.endswith("*") and name.startswith(pattern[:-1])):
            return reason
    return None


def decide(module: str, name: str, value: object) -> str:
    """``+`` (allowed) or why ``module.name`` is refused."""
    reason = _refusal(module, name)
    if reason is not None:
        return reason
    if isinstance(value, types.ModuleType):
        if f"{module}.{name}" in MODULES and value.__name__ == f"{module}.{name}":
            return "+"
        if value.__name__ in sys.stdlib_module_names:
            return MODULE_STDLIB.format(value.__name__, name)
        return MODULE_OTHER.format(value.__name__)
    if isinstance(value, types.FunctionType) and {"filename", "lineno"} <= set(value.__code__.co_varnames):
        return LINE_READER  # a function's parameters (a class's reads nothing: WarningMessage holds them)
    if module in ONLY:
        return "+" if name in ONLY[module] else NOT_LISTED
    if module == "torch" and isinstance(value, type) and name not in TORCH_CLASSES:
        return "one of torch's internal classes: " + NOT_LISTED
    return "+"


def universe(module: str) -> dict[str, object]:
    """The members of ``module`` the snapshot decides: its public names and the private ones
    graded code may use (``torch._assert``...). A submodule shows among a package's names only
    once something imported it, so one nobody decided is left out (and refused: the snapshot
    does not allow it); the submodules decided here are in, imported or not."""
    imported = importlib.import_module(module)
    decided = {n for n in REFUSED.get(module, {}) if not n.endswith("*")} | {
        m[len(module) + 1 :]
        for m in MODULES
        if m.startswith(f"{module}.") and "." not in m[len(module) + 1 :]
    }
    names = {n for n in dir(imported) if not n.startswith("_") and not _submodule(imported, n, decided)}
    names |= {n for n in decided if n in dir(imported) or _importable(f"{module}.{n}")}
    names |= {
        p.rsplit(".", 1)[1].rstrip("*")
        for p in subset_rules.PRIVATE
        if p.rsplit(".", 1)[0] == module and not p.endswith("*")
    }
    names |= {
        n
        for p in subset_rules.PRIVATE
        if p.endswith("*") and p.rsplit(".", 1)[0] == module
        for n in dir(imported)
        if n.startswith(p.rsplit(".", 1)[1][:-1])
    }
    names |= {n for n in ONLY.get(module, ()) if hasattr(imported, n)}  # a module class's properties
    return {n: getattr(imported, n, None) if n in dir(imported) else None for n in sorted(names)}


def _submodule(parent: types.ModuleType, name: str, decided: set[str]) -> bool:
    value = getattr(parent, name, None)
    return (
        isinstance(value, types.ModuleType)
        and value.__name__ == f"{parent.__name__}.{name}"
        and name not in decided
    )


def _importable(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def reviewed() -> dict[tuple[str, str], str]:
    """Every member's decision, by its object and its name (:func:`by_object`: pathlib.attrgetter)."""
    members = {(m, n): v for m in MODULES for n, v in universe(m).items()}
    found = {key: decide(*key, value) for key, value in members.items()}
    named = {id(v): f"{m}.{n}" for (m, n), v in members.items() if _an_object(v) and _refusal(m, n)}
    for key, value in members.items():
        if found[key] == "+":
            found[key] = by_object(key[0], value, named) or "+"
    return found


def _an_object(value: object) -> bool:
    """A function or class (not a module, a number or a string), whose identity tells it apart."""
    return callable(value) and not isinstance(value, types.ModuleType)


def by_object(module: str, value: object, named: dict[int, str]) -> str | None:
    """Why the object ``value``, allowed by its name in ``module``, is refused: it is a member
    refused by name elsewhere (``named``), or its home module (``__module__``) is listed without
    it or reviewed and refuses it. None when it may be used."""
    if not _an_object(value):
        return None
    if id(value) in named:
        return SAME_OBJECT.format(named[id(value)])
    home, name = getattr(value, "__module__", None), getattr(value, "__name__", None)
    if not isinstance(home, str) or not isinstance(name, str) or home == module:
        return None
    if home in subset_rules.LISTED and name not in subset_rules.LISTED[home]:
        return SAME_OBJECT.format(f"{home}.{name}")
    if home in MODULES and home != module and decide(home, name, value) != "+":
        return SAME_OBJECT.format(f"{home}.{name}")
    return None


def update() -> dict[tuple[str, str], str]:
    """The recorded decisions, members gone dropped, members new refused as not reviewed."""
    recorded = subset_members.decisions()
    return {key: recorded.get(key, NOT_REVIEWED) for key in [(m, n) for m in MODULES for n in universe(m)]}


GENERIC = (NOT_LISTED, NOT_REVIEWED, "the module ", "one of torch's internal classes")


def _refused_cell(refused: dict[str, str]) -> str:
    """The refusals, grouped by what to write instead (the generic ones counted, not named)."""
    named: dict[str, list[str]] = {}
    others = 0
    for name, why in sorted(refused.items()):
        if any(why.startswith(g) or why.endswith(g) for g in GENERIC):
            others += 1
        else:
            named.setdefault(why, []).append(f"`{name}`")
    cells = [f"{', '.join(names)}: {why}" for why, names in named.items()]
    if others:
        cells.append(f"{others} more: internals, modules not reviewed, or not needed")
    return "; ".join(cells).replace("|", "\\|") or "none"


def table() -> str:
    """The subset's policy as one Markdown table, from the code and the snapshot."""
    from grader.engine.subset import rules

    rows = [
        (
            "syntax (node types)",
            ", ".join(sorted(rules.NODES, key=str.lower)),
            _refused_cell(rules.NODES_REFUSED),
        ),
        ("builtins", ", ".join(sorted(rules.BUILTINS, key=str.lower)), _refused_cell(rules.BUILTINS_REFUSED)),
        (
            "names computed at run time",
            ", ".join(f"`{n}`" for n in sorted(rules.COMPUTED_NAME))
            + " (on a module: the snapshot's allowed members, never a module; on a value: no dunder"
            " but the descriptive ones, no private name but of graded code's own objects, no frame or"
            " grader attribute; modules and classes never set)",
            "`delattr`, `vars` of anything but `self`, any other builtin with a computed name",
        ),
    ]
    decided = subset_members.decisions()
    for module in sorted(subset_members.modules()):
        members = {n: v for (m, n), v in decided.items() if m == module}
        allowed = sorted(n for n, v in members.items() if v == subset_members.ALLOWED)
        shown = ", ".join(allowed) if len(allowed) <= 40 else f"{len(allowed)} members (the snapshot)"
        refused = {n: v for n, v in members.items() if v != subset_members.ALLOWED}
        rows.append((f"`{module}`", shown, _refused_cell(refused)))
    for module, names in sorted(rules.LISTED.items()):
        rows.append(
            (f"`{module}` (listed)", ", ".join(sorted(names)) or "importing it", "every other member")
        )
    rows.append(
        (
            "anything else",
            "nothing",
            "a module, member, node type or builtin not listed above (a submodule nobody decided,"
            " a new version's new member) is refused",
        )
    )
    lines = ["| part | allowed | refused: what to write instead |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def aliases() -> dict[str, str]:
    """The other paths of the snapshot's allowed classes and functions
    (:mod:`grader.engine.subset.aliases`), every reviewed module imported."""
    allowed = {
        f"{m}.{n}": value
        for (m, n), v in subset_members.decisions().items()
        if v == "+" and _an_object(value := getattr(importlib.import_module(m), n, None))
    }
    return subset_aliases.find(allowed, subset_members.modules())


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "aliases":
        subset_aliases.write(aliases())
        return 0
    if command == "wrappers":
        subset_wrappers.write(subset_wrappers.find())
        return 0
    if command not in ("update", "rules"):
        print(__doc__)
        return 2
    found = reviewed() if command == "rules" else update()
    allowed = [k for k, v in found.items() if v == subset_members.ALLOWED]
    subset_members.write(
        found, {k: review(*k, getattr(importlib.import_module(k[0]), k[1], None)) for k in allowed}
    )
    print(f"{len(found)} members decided: {len(allowed)} allowed, {len(found) - len(allowed)} refused")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
