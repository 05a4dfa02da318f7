"""The allow-list of :mod:`grader.engine.subset.submission`: what graded code may import, read, define and set.

A name is allowed when it is listed here, never because it is missing from a list of dangers.
Modules are *reviewed* (each member decided in the snapshot of
:mod:`grader.sandboxed.subset_members`) or *listed* (only the named members); the syntax tree's
node types and the builtins are enumerated the same way, every one of the running Python's
decided (``tests/grader/test_subset_policy.py``). What is refused comes with what to write instead,
for the teaching message.
"""

from __future__ import annotations

import functools
import sys

from grader.base.i18n import N_
from grader.sandboxed import subset_members as members
from grader.sandboxed.guarded import FORMATS as FORMATS  # re-exported: the static check's rule
from grader.sandboxed.guarded import RAISED_ON
from grader.sandboxed.guarded import WRITTEN_OUT as WRITTEN_OUT  # re-exported: the static check's rule

# Modules whose members the snapshot decides one by one (grader/sandboxed/subset_members.tsv), with
# the submodules it reviews (torch.nn, numpy.random...).
OPEN = frozenset(
    {
        "torch",
        "numpy",
        "math",
        "cmath",
        "typing",
        "collections",
        "itertools",
        "functools",
        "dataclasses",
        "re",
        "random",
        "statistics",
        "enum",
        "abc",
        "copy",
        "gzip",
        "pathlib",
        "contextlib",
        "warnings",
        "heapq",
        "bisect",
        "json",
        "csv",
        "textwrap",
        "unicodedata",
        "__future__",
    }
)
LISTED = members.LISTED  # modules of which only these members may be used (held in the worker too)
# Members of a module the snapshot refuses as a whole that graded code may use by their full name
# (``torch.func.grad(f)(x)``, ``from torch.func import grad``): the module itself stays refused,
# as a value and as an import (functional_call... are not reached this way). vmap, like torch.vmap,
# is a vectorised computation: a docstring that asks for broadcasting does not forbid it. The other
# transforms are autograd as grad is (a function back, tensors from it; honest h122's 13: vjp).
MEMBERS_OF_REFUSED = frozenset(
    f"torch.func.{name}"
    for name in ("grad", "grad_and_value", "vmap", "vjp", "jvp", "jacrev", "jacfwd", "hessian")
)
# Their modules: imported (``from torch import func``, ``import torch.func as tf``) to name those
# members (``func.grad``), never held as a value.
REFUSED_PARENTS = frozenset(m.rsplit(".", 1)[0] for m in MEMBERS_OF_REFUSED)
# Members graded code may name only as a class statement's metaclass (``class Rule(metaclass=
# abc.ABCMeta)``, or imported for it): called, it would make a class from a namespace of strings.
METACLASS_ONLY = frozenset({"abc.ABCMeta"})


@functools.cache
def class_makers() -> frozenset[str]:
    """Members whose call with names makes a class (a metaclass, an enum's functional API): their
    review says so (``members.MAKES_CLASSES``)."""
    return frozenset(f"{m}.{n}" for (m, n), r in members.reviews().items() if members.MAKES_CLASSES in r)


# what a member named elsewhere than its one place (:func:`placed`) is, and what to write
PLACED = {
    "metaclass": (
        N_("{0} used but as a class statement's metaclass"),
        N_("write class Name(metaclass=abc.ABCMeta), or subclass abc.ABC"),
    ),
    "decorator": (
        N_("{0} used but as a decorator of your own def or class statement"),
        N_(
            "write it as a decorator above your own def or class statement (@dataclass, @functools.wraps(fn))"
        ),
    ),
}


@functools.cache
def placed() -> dict[str, str]:
    """{member: the one place graded code may name it}: ``metaclass`` (:data:`METACLASS_ONLY`),
    ``decorator`` where the member list reviews it as writing the definition it decorates (handed
    a library's class or function, ``dataclass`` or ``functools.wraps`` would write that)."""
    written = {f"{m}.{n}" for (m, n), r in members.reviews().items() if members.DECORATES in r}
    return dict.fromkeys(METACLASS_ONLY, "metaclass") | dict.fromkeys(written, "decorator")


# Private members learners use, as torch's own code does (a prefix ends with "*").
PRIVATE = ("torch._assert", "torch._foreach_*", "torch.nn.init._calculate_fan_in_and_fan_out")
# Members of open modules that share a standard module's name but are the package's own.
OWN_NAMES = frozenset(
    {"torch.random", "torch.types", "torch.signal", "numpy.random", "numpy.typing", "collections.abc"}
    | {f"torch.{n}" for n in ("chunk", "select", "trace")}
    | {f"torch.Tensor.{n}" for n in ("chunk", "select", "trace")}
    | {f"numpy.{n}" for n in ("array", "copy", "select", "trace")}
    | {"numpy.ndarray.copy", "numpy.ndarray.trace", "numpy.random.random", "random.random", "copy.copy"}
    | {"time.time", "pprint.pprint", "sys.platform"}  # a listed module's own member of that name
)
# Standard modules re-exported as members (torch.sys, re.functools) are refused, so a chain never
# leaves the module it names.
STANDARD = frozenset(sys.stdlib_module_names) | {"grader", "torch", "numpy"}
# The ordinary settings graded code may assign on a module.
SETTINGS = frozenset(
    {
        "torch.backends.cudnn.deterministic",
        "torch.backends.cudnn.benchmark",
        "torch.backends.cudnn.enabled",
        "torch.backends.cudnn.allow_tf32",
        "torch.backends.cuda.matmul.allow_tf32",
    }
)
# Keyword arguments that evaluate text.
KEYWORDS = {"eval_str": N_("leave annotations unevaluated")}
# Calls allowed with at most this many arguments (more would name attributes to copy).
ARITY = {"functools.wraps": 1}
# FORMATS: methods that evaluate the fields of the string they are called on (``{0.a[b]}`` reads
# attributes by a name no check sees), allowed on a literal whose fields name no attribute or index
# path (the guard refuses them by a computed name: grader/sandboxed/guarded.py holds them).

# Builtins graded code may name (every builtin of the running Python is in this or BUILTINS_REFUSED).
BUILTINS = frozenset(
    """abs all any ascii bin bool bytearray bytes callable chr classmethod complex delattr dict dir
    divmod enumerate filter float format frozenset getattr hasattr hash hex id int isinstance issubclass
    iter len list map max memoryview min next object oct open ord pow print property range repr
    reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip
    exit quit copyright credits license None True False Ellipsis NotImplemented __debug__
    __name__ __doc__ __package__""".split()
) | frozenset(
    # the exception and warning classes (catching, raising and subclassing them is ordinary)
    """ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup
    BlockingIOError BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError
    ConnectionError ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError
    EncodingWarning EnvironmentError Exception ExceptionGroup FileExistsError FileNotFoundError
    FloatingPointError FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError
    IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError
    ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError OverflowError
    PendingDeprecationWarning PermissionError ProcessLookupError RecursionError ReferenceError
    ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration StopIteration SyntaxError
    SyntaxWarning SystemError SystemExit TabError TimeoutError TypeError UnboundLocalError
    UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning
    UserWarning ValueError Warning ZeroDivisionError""".split()
)
# Builtins graded code may not name (unless it binds the name itself), and what to write instead.
BUILTINS_REFUSED = {
    "exec": N_("write the code itself"),
    "eval": N_("write the expression itself (0.1 * 0.5 ** 2)"),
    "compile": N_("write the code itself"),
    "__import__": N_("import at the top of the file with an import statement"),
    "globals": N_("use a dict of your own ({'relu': relu, ...})"),
    "locals": N_("use a dict of your own"),
    "breakpoint": N_("remove the breakpoint"),
    "help": N_("read the docs outside graded code"),
    "input": N_("graded code reads no input"),
    "aiter": N_("graded code runs synchronously: write a plain loop"),
    "anext": N_("graded code runs synchronously: call next()"),
    "__build_class__": N_("write a class statement"),
    "__builtins__": N_("call the builtin by its name"),
    "__loader__": N_("import at the top of the file"),
    "__spec__": N_("import at the top of the file"),
}
# Of those, the ones a learner may bind to a value of their own (``def forward(self, input)``):
# the rest are refused wherever they appear, since a binding may be in another scope.
SHADOWABLE = frozenset({"input", "help", "compile", "aiter", "anext"})
# The builtins that take an attribute's name. getattr, hasattr and setattr may compute it: the
# worker's guarded builtins (grader/sandboxed/guarded.py) resolve it there to the same lists.
BY_NAME = frozenset({"getattr", "setattr", "delattr", "hasattr"})
COMPUTED_NAME = frozenset({"getattr", "setattr", "hasattr"})
# Calls that take at most this many positional arguments and no ``**`` (the next would start
# worker processes), and what to write instead.
POSITIONAL = {
    "torch.utils.data.DataLoader": (
        5,
        N_("name the arguments you give: DataLoader(data, batch_size=..., shuffle=...)"),
    ),
    "logging.Formatter": (2, N_("name the style you give: logging.Formatter(fmt, style='%')")),
    "logging.basicConfig": (0, N_("name the arguments you give: logging.basicConfig(format=...)")),
    # no **{"eval_str": ...}
    "inspect.signature": (1, N_("leave annotations unevaluated: inspect.signature(fn)")),
}
# A keyword argument a call may give only as this literal (0: no worker processes; logging's "{"
# style evaluates its fields' paths as str.format does).
LITERAL_KEYWORDS = {
    "num_workers": (0, N_("load the batches in this process: leave num_workers out")),
    "style": ("%", N_("write logging's %-style: '%(levelname)s: %(message)s'")),
    "refcheck": (True, N_("leave refcheck out: numpy checks that no view still reads the memory it frees")),
}
# WRITTEN_OUT: methods whose keyword turns a memory check of their own off (numpy's
# ``a.resize(n, refcheck=False)`` under a live view), the one numpy's signatures and docs name: called
# where they stand, their keywords written out (LITERAL_KEYWORDS reads them), never through ``**``
# (grader/sandboxed/guarded.py holds them: the guard refuses them by a computed name).
# Members whose allowance reads the arguments where they are called (the builtins that take an
# attribute's name, vars, open's mode, ARITY, POSITIONAL): allowed only called where they stand,
# never handed on (functools.partial, map, a key=, a variable, a base class) past their rule.
CALLED_ONLY = BY_NAME | {"vars", "open"} | frozenset(ARITY) | frozenset(POSITIONAL)

# The syntax tree's node types graded code may contain, by class name; every node type of the
# running Python's ast module is here or in NODES_REFUSED (a new Python's new syntax is refused
# until reviewed).
NODES = frozenset(
    # modules and statements
    """Module FunctionDef ClassDef Return Delete Assign AugAssign AnnAssign For While If With Match
    Raise Try TryStar Assert Import ImportFrom Global Nonlocal Expr Pass Break Continue"""
    # expressions
    """ BoolOp NamedExpr BinOp UnaryOp Lambda IfExp Dict Set ListComp SetComp DictComp GeneratorExp
    Yield YieldFrom Compare Call FormattedValue JoinedStr Constant Attribute Subscript Starred Name
    List Tuple Slice"""
    # contexts, operators and the parts of statements
    """ Load Store Del And Or Add Sub Mult MatMult Div Mod Pow LShift RShift BitOr BitXor BitAnd
    FloorDiv Invert Not UAdd USub Eq NotEq Lt LtE Gt GtE Is IsNot In NotIn comprehension
    ExceptHandler arguments arg keyword alias withitem match_case MatchValue MatchSingleton
    MatchSequence MatchMapping MatchClass MatchStar MatchAs MatchOr TypeIgnore""".split()
)
ASYNC = N_("graded code runs synchronously: write a plain def, for or with")
NEVER_PARSED = N_("not produced by parsing a module")
NODES_REFUSED = {
    "AsyncFunctionDef": ASYNC,
    "AsyncFor": ASYNC,
    "AsyncWith": ASYNC,
    "Await": ASYNC,
    # the other parse modes, the abstract bases and the names kept for old code
    **dict.fromkeys(
        """Interactive Expression FunctionType Suite AST mod stmt expr expr_context boolop operator
        unaryop cmpop excepthandler pattern type_ignore slice type_param AugLoad AugStore Param
        Index ExtSlice Num Str Bytes NameConstant Ellipsis""".split(),
        NEVER_PARSED,
    ),
}

# Dunders graded code may read (module-level names and attributes).
DUNDER_READ = frozenset(
    {"__name__", "__qualname__", "__doc__", "__class__", "__module__", "__version__", "__file__"}
)
# Dunders graded code may define in a class (and call on super() or a base class).
DUNDER_DEFINE = frozenset(
    f"__{name}__"
    for name in (
        "init post_init call repr str len getitem setitem delitem iter next reversed contains "
        "eq ne lt le gt ge hash bool float int index format enter exit neg pos abs invert "
        "add radd iadd sub rsub isub mul rmul imul truediv rtruediv itruediv floordiv rfloordiv "
        "mod rmod pow rpow ipow matmul rmatmul imatmul and or xor"
    ).split()
)
# Dunders a class may define (or assign: ``__setattr__ = dict.__setitem__``) but call only on
# ``super()`` (``super().__setstate__(state)``, as torch's optimizers write it): on any other value a
# computed name would reach what getattr and setattr refuse (``type.__setattr__(cls, ...)``).
DUNDER_OWN = frozenset({"__getattr__", "__setattr__", "__delattr__", "__getstate__", "__setstate__"})
# Dunder attributes graded code may set (``wrapper.__name__ = fn.__name__`` in a decorator).
DUNDER_SET = frozenset({"__name__", "__qualname__", "__doc__"})
# Dunders a class body may assign.
DUNDER_ASSIGN = frozenset({"__slots__", "__all__", "__version__"})
# Attributes that the grader's own objects passed to graded code carry (probe_kit.OnSecondDevice's
# annotations: test_seal_subset.py checks the two agree): `shell.cpu_data = cpu_result` forged the
# device check.
GRADER_ATTRIBUTES = frozenset({"cpu_data"})
# Attributes of frames, code, cells and tracebacks (the ways from a value to a namespace), those to
# raw memory (an array's ctypes, a storage mapped from a file), and the grader's objects' own.
FRAME_ATTRIBUTES = GRADER_ATTRIBUTES | frozenset(
    {"cell_contents", "tb_frame", "tb_next", "gi_frame", "gi_code", "cr_frame", "cr_code"}
    | {"ctypes", "from_file"}
    | {"_convert_"}  # enum's: reads a module's namespace by its name, and writes it as_global
    | {"mro"}  # a class's bases by a call: a library's class maker (enum.Enum) from a subclass of it
    | {"ag_frame", "ag_code", "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "f_trace"}
    | RAISED_ON  # what a raised exception carries of the object it was raised on (AttributeError.obj)
)
# Methods of values that compile, share memory with other processes, write files or resize memory a
# view reads (``model.compile()`` is torch.compile), and what to write instead; a module's members are the
# snapshot's to decide.
VALUE_METHODS = {
    "compile": N_("graded code runs eagerly: call the model itself"),
    "share_memory": N_("graded code runs in one process"),
    "share_memory_": N_("graded code runs in one process"),
    "tofile": N_("return your results; graded code writes no files"),
    # a storage shrunk under a live view leaves it reading freed memory (torch checks no view's bounds)
    "resize_": N_("make a new tensor of the size you need (x.new_empty(shape), torch.empty(...))"),
}
