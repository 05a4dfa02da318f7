"""grader/ reads a library's private API (an underscore name) only where pyproject.toml pins that
library with an upper bound, to the releases CI tests: a private name may change in any release.

Every private name grader/ reads (an attribute ``x._name``, a private module or name imported, a
private name given to getattr/setattr/hasattr/delattr or written as a string, as an op's or a
field's name) is listed in :data:`PRIVATE` with its owner: a new one fails until it is listed
with its library (and that library pinned), a listed one no longer read fails too. Names of
grader's own modules are left out. The standard library (``python``) and Colab's own module
(``colab``, there only, never installed by pip) are listed but have no pin in pyproject.toml: the
interpreter is whatever runs CI, and nearly all are documented names (os._exit, sys._getframe,
namedtuple._replace, ast's _fields); gettext's ``_catalog`` is the one undocumented.
"""

from __future__ import annotations

import ast
import re
import sys

import pytest
import syntax
from helpers import REPO
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

pytestmark = pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)

NOT_PINNED = {"python", "colab"}  # not pyproject's dependencies (see the docstring)

# (file, private name read there): whose it is (a distribution of pyproject's dependencies)
PRIVATE = {
    ("grader/apps/selfcheck.py", "_message"): "colab",  # google.colab._message: the open notebook
    ("grader/sandboxed/kit_steps.py", "_BatchNorm"): "torch",
    ("grader/checks/verdict/error_types.py", "_LinAlgError"): "torch",
    ("grader/launch.py", "_exit"): "python",
    ("grader/engine/subset/rules.py", "_convert_"): "python",  # enum's, named to refuse it
    ("grader/sandboxed/dynamo_free.py", "_C"): "torch",
    (
        "grader/sandboxed/dynamo_free.py",
        "_autograd_grad",
    ): "torch",  # torch.func.grad's, held to torch's source
    ("grader/sandboxed/dynamo_free.py", "_functorch"): "torch",
    (
        "grader/sandboxed/dynamo_free.py",
        "_set_deterministic_algorithms",
    ): "torch",  # torch.linalg.LinAlgError's own name
    ("grader/checks/cases/domain_cases_derived.py", "_replace"): "python",  # a NamedTuple's
    ("grader/checks/cases/derived_cases.py", "_replace"): "python",  # a NamedTuple's
    ("grader/checks/cases/held_cases.py", "_replace"): "python",  # a NamedTuple's
    ("grader/checks/probes.py", "_modules"): "torch",
    ("grader/checks/inputs.py", "_C"): "torch",
    ("grader/checks/inputs.py", "_dispatch_get_all_op_names"): "torch",  # torch_ops(): every registered op
    ("grader/cli.py", "_exit"): "python",
    ("grader/base/depends.py", "_pytest"): "pytest",
    ("grader/engine/sources/parsed.py", "_fields"): "python",  # an ast node's
    ("grader/engine/worker/pool.py", "_exit"): "python",
    ("grader/engine/pytest_compat.py", "_do_configure"): "pytest",
    ("grader/engine/pytest_compat.py", "_fixtureinfo"): "pytest",
    ("grader/engine/pytest_compat.py", "_initrequest"): "pytest",
    ("grader/engine/pytest_compat.py", "_names"): "pytest",
    ("grader/engine/pytest_compat.py", "_prepareconfig"): "pytest",
    ("grader/engine/pytest_compat.py", "_pytest"): "pytest",
    ("grader/engine/pytest_compat.py", "_request"): "pytest",
    ("grader/engine/pytest_compat.py", "_setupstate"): "pytest",
    ("grader/base/i18n.py", "_"): "click",  # click.<module>._, its gettext, pointed at the catalogue
    ("grader/base/i18n.py", "_catalog"): "python",  # gettext.GNUTranslations._catalog
    ("grader/sandboxed/blame.py", "_buffers"): "torch",
    ("grader/sandboxed/blame.py", "_modules"): "torch",
    ("grader/sandboxed/blame.py", "_parameters"): "torch",
    ("grader/sandboxed/dynamo_free.py", "_accelerator_graph_capture_health_check"): "torch",
    ("grader/sandboxed/dynamo_free.py", "_compile"): "torch",
    ("grader/sandboxed/dynamo_free.py", "_disable_dynamo"): "torch",
    ("grader/sandboxed/dynamo_free.py", "_use_grad_for_differentiable"): "torch",
    # the audit hook's reviewed callers (by their code objects) and the caller it reads
    ("grader/sandboxed/no_eval.py", "_bootstrap"): "python",  # importlib's, a module's import
    ("grader/sandboxed/no_eval.py", "_call_with_frames_removed"): "python",
    ("grader/sandboxed/no_eval.py", "_create_fn"): "python",  # dataclasses' text of methods
    ("grader/sandboxed/no_eval.py", "_getframe"): "python",
    ("grader/sandboxed/callers.py", "_getframe"): "python",
    ("grader/sandboxed/probe_kit.py", "_getframe"): "python",  # who packed a saved tensor: a Function's apply
    ("grader/checks/families.py", "_run_backward"): "torch",  # torch's engine call, as the recorder names it
    ("grader/sandboxed/callers.py", "_is_internal_frame"): "python",  # logging's own frame test
    ("grader/sandboxed/charged.py", "_getframe"): "python",
    ("grader/sandboxed/held_modules.py", "_frozen_importlib"): "python",  # the import system's modules
    ("grader/sandboxed/held_modules.py", "_frozen_importlib_external"): "python",
    ("grader/sandboxed/held_modules.py", "_getframe"): "python",
    ("grader/sandboxed/no_eval.py", "_torchscript_type_to_python_type"): "torch",  # torch.fx's
    ("grader/sandboxed/probe_kit.py", "_C"): "torch",
    ("grader/sandboxed/refused_ops.py", "_C"): "torch",
    ("grader/sandboxed/refused_ops.py", "_destroy"): "torch",
    ("grader/sandboxed/refused_ops.py", "_getframe"): "python",
    ("grader/sandboxed/refused_ops.py", "_dispatch_has_kernel_for_dispatch_key"): "torch",
    ("grader/sandboxed/probe_kit.py", "_get_privateuse1_backend_name"): "torch",
    ("grader/sandboxed/refused_ops.py", "_ops"): "torch",
    ("grader/sandboxed/probe_kit.py", "_python_dispatch"): "torch",
    ("grader/sandboxed/steps.py", "_python_dispatch"): "torch",
    ("grader/sandboxed/kit_steps.py", "_pytree"): "torch",
    ("grader/sandboxed/refused_ops.py", "_pytree"): "torch",
    ("grader/sandboxed/gpu_face.py", "_C"): "torch",  # torch._C.StorageBase's device getter
    ("grader/sandboxed/gpu_face.py", "_exchange_device"): "torch",  # what torch.cuda.device calls
    ("grader/sandboxed/gpu_face.py", "_maybe_exchange_device"): "torch",
    ("grader/sandboxed/guarded.py", "_getframe"): "python",
    ("grader/sandboxed/descriptors.py", "_getframe"): "python",  # the frame the opener was called from
    ("grader/sandboxed/plain.py", "_C"): "torch",
    ("grader/sandboxed/plain.py", "_disable_current_modes"): "torch",
    ("grader/sandboxed/plain.py", "_python_dispatch"): "torch",
    ("grader/sandboxed/stand_in.py", "_C"): "torch",
    ("grader/sandboxed/stand_in.py", "_disabled_torch_function_impl"): "torch",
    ("grader/sandboxed/stand_in.py", "_index_put_impl_"): "torch",  # an aten op's name
    ("grader/sandboxed/stand_in.py", "_make_wrapper_subclass"): "torch",
    ("grader/sandboxed/stand_in.py", "_python_dispatch"): "torch",
    ("grader/sandboxed/stand_in.py", "_pytree"): "torch",
    ("grader/sandboxed/stand_in.py", "_to_copy"): "torch",  # an aten op's name
    ("grader/sandboxed/torch_state.py", "_C"): "torch",
    ("grader/sandboxed/torch_state.py", "_len_torch_dispatch_stack"): "torch",
    ("grader/sandboxed/torch_state.py", "_len_torch_function_stack"): "torch",
    ("grader/sandboxed/torch_state.py", "_pop_mode"): "torch",
    ("grader/sandboxed/torch_state.py", "_pop_torch_function_stack"): "torch",
    ("grader/sandboxed/torch_state.py", "_python_dispatch"): "torch",
    ("grader/engine/subset/wrappers.py", "_python_dispatch"): "torch",
    ("grader/sandboxed/torch_state.py", "_set_grad_enabled"): "torch",
    ("grader/sandboxed/torch_state.py", "_tensor_str"): "torch",
    ("grader/sandboxed/worker.py", "_current_frames"): "python",
    ("grader/sandboxed/zygote.py", "_exit"): "python",
    ("grader/serve.py", "_exit"): "python",
}

PRIVATE_NAME = re.compile(r"_(?!_)\w*")  # `_x`, `_`; not a dunder
PRIVATE_TEXT = re.compile(r"_[A-Za-z]\w+")  # a string that names one (not "_", "_i": separators, subscripts)
BY_NAME = {"getattr", "setattr", "hasattr", "delattr"}
UPPER = {"<", "<=", "==", "~=", "==="}  # operators that bound a version from above


def private_reads(source: str) -> set[str]:
    """The private names ``source`` reads of other packages than grader."""
    tree = ast.parse(source)
    return reads_in(tree, tuple(ast.walk(tree)))


def reads_in(tree: ast.Module, walked: tuple[ast.AST, ...]) -> set[str]:
    """:func:`private_reads` of a parsed module (``walked``: its nodes, shared: tests/grader/syntax.py)."""
    docstrings = {
        id(node.body[0].value)
        for node in walked
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    own = {"self", "cls"} | {  # names bound to grader's own modules and objects
        alias.asname or alias.name.split(".")[0]
        for node in walked
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
        if (node.module if isinstance(node, ast.ImportFrom) else alias.name).startswith("grader")
        or getattr(node, "level", 0)
    }
    found = set()
    for node in walked:
        if isinstance(node, ast.Attribute) and PRIVATE_NAME.fullmatch(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id in own):
                found.add(node.attr)
        elif isinstance(node, ast.Import):
            found |= {part for a in node.names for part in a.name.split(".") if PRIVATE_NAME.fullmatch(part)}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and not node.module.startswith("grader"):
            found |= {part for part in node.module.split(".") if PRIVATE_NAME.fullmatch(part)}
            found |= {a.name for a in node.names if PRIVATE_NAME.fullmatch(a.name)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BY_NAME:
            name = node.args[1] if len(node.args) > 1 else None
            if (
                isinstance(name, ast.Constant)
                and isinstance(name.value, str)
                and PRIVATE_NAME.fullmatch(name.value)
            ):
                found.add(name.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if PRIVATE_TEXT.fullmatch(node.value):
                found.add(node.value)
    return found


def test_every_private_name_grader_reads_is_listed_with_its_library():
    found = {
        (path.relative_to(REPO).as_posix(), name)
        for path in sorted((REPO / "grader").rglob("*.py"))
        for name in reads_in(syntax.tree(path), syntax.nodes(path))
    }
    assert sorted(found - PRIVATE.keys()) == [], "read now: list each with its library, and pin that library"
    assert sorted(PRIVATE.keys() - found) == [], "no longer read: drop from PRIVATE"


def test_each_library_whose_private_names_grader_reads_is_pinned_from_above():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {Requirement(line).name.lower(): Requirement(line).specifier for line in project["dependencies"]}
    libraries = set(PRIVATE.values()) - NOT_PINNED
    assert libraries == {"torch", "pytest", "click"}
    unbounded = {
        library: str(pins.get(library))
        for library in sorted(libraries)
        if not any(spec.operator in UPPER for spec in pins.get(library, []))
    }
    assert unbounded == {}, "pin these to the tested releases (an upper bound) in pyproject.toml"


@pytest.mark.parametrize(
    "source, name",
    [
        ("import click\n\ndef f(ctx):\n    return ctx._protected_args\n", "_protected_args"),
        ("from torch.utils._pytree import tree_map\n", "_pytree"),
        ("import numpy as np\n\nX = getattr(np, '_core')\n", "_core"),
        ("def f(m):\n    return vars(m).get('_parameters')\n", "_parameters"),
    ],
)
def test_a_private_read_is_seen_however_it_is_written(source, name):
    assert name in private_reads(source)


def test_grader_own_private_names_are_not_a_library_s():
    source = "from grader.engine import workers\nfrom grader.base.i18n import _\n\nworkers._servers.clear()\n_('x')\n"
    assert private_reads(source) == set()
