"""The allow-list of :mod:`grader.engine.subset`: what graded code may import, read, define and set.

A name is allowed when it is listed here, never because it is missing from a list of dangers.
Modules are *open* (every public member, less the refused ones) or *listed* (only the named
members). What is refused comes with what to write instead, for the teaching message.
"""

from __future__ import annotations

import builtins
import sys

# Modules whose every public member (and their members' members) graded code may use, less REFUSED.
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
# Modules of which only these members may be used (importing the module alone is allowed).
LISTED = {
    "sys": frozenset(
        {
            "stdout",
            "stderr",
            "float_info",
            "int_info",
            "maxsize",
            "version_info",
            "version",
            "platform",
            "byteorder",
            "getrecursionlimit",
            "setrecursionlimit",
            "getsizeof",
            "path",  # sys.path.append("..") in a notebook's set-up: every import is checked here anyway
            "argv",
            "exit",
            "executable",
        }
    ),
    "inspect": frozenset({"signature", "Parameter", "isclass", "isfunction"}),
    "operator": frozenset(
        {"add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "neg", "matmul", "itemgetter"}
    ),
    "time": frozenset({"time", "perf_counter", "monotonic", "sleep"}),
    "os": frozenset({"path", "getcwd", "listdir", "makedirs", "environ", "cpu_count", "abort", "getpid"}),
    "matplotlib": frozenset(),  # a notebook's plotting cells import it
    "matplotlib.pyplot": frozenset(
        {"plot", "figure", "subplots", "show", "title", "xlabel", "ylabel", "legend", "imshow"}
        | {"savefig", "close", "hist", "scatter", "grid", "tight_layout", "xlim", "ylim", "semilogy"}
    ),
    "tqdm": frozenset({"tqdm", "trange"}),
    "string": frozenset(
        {"ascii_letters", "ascii_lowercase", "ascii_uppercase", "digits", "punctuation", "printable"}
        | {"whitespace"}
    ),
    "io": frozenset({"StringIO", "BytesIO"}),
    "pprint": frozenset({"pprint", "pformat"}),
    "logging": frozenset(
        {"getLogger", "basicConfig", "debug", "info", "warning", "error", "DEBUG", "INFO", "WARNING", "ERROR"}
    ),
    "tqdm.auto": frozenset({"tqdm", "trange"}),
    "importlib": frozenset(),  # a notebook's set-up cell imports importlib.util; nothing of it is used
    "importlib.util": frozenset(),
}
# Dotted names (and everything under them) refused inside open modules: they run code from text or
# pickles, compile kernels, register ops or dispatch modes, or hand out the import machinery.
REFUSED = {
    "torch.library": "a custom op hides what your code runs; write the computation with torch ops",
    "torch.overrides": "torch function modes change what the checks see; call torch ops directly",
    "torch.ops": "call the public torch function instead (torch.add, F.relu...)",
    "torch.compile": "graded code runs eagerly: drop torch.compile",
    "torch.jit": "graded code runs eagerly: drop TorchScript",
    "torch.fx": "graded code runs eagerly: drop torch.fx",
    "torch.export": "graded code runs eagerly: drop torch.export",
    "torch.package": "import torch's modules directly",
    "torch.hub": "graded code loads nothing from outside",
    "torch.load": "build the tensors in code, or take them as arguments",
    "torch.serialization": "build the tensors in code, or take them as arguments",
    "torch.multiprocessing": "graded code runs in one process",
    "torch.distributed": "graded code runs in one process",
    "torch.set_default_device": "pass device= to the tensors you create",
    "torch.classes": "call the public torch function instead",
    "torch.utils.cpp_extension": "write the computation with torch ops",
    "torch.utils.benchmark": "time code outside graded code",
    "torch.utils.model_zoo": "graded code loads nothing from outside",
    "torch.nn.modules.module.register_module_*": "register hooks on your own modules",
    "torch.utils.data.dataloader.python_multiprocessing": "graded code runs in one process",
    "numpy.load": "build the arrays in code, or read text with numpy.loadtxt",
    "numpy.lib": "use numpy's top-level functions",
    "numpy.memmap": "read the file with numpy.loadtxt",
    "numpy.ctypeslib": "use numpy's top-level functions",
    "numpy.f2py": "use numpy's top-level functions",
    "numpy.DataSource": "read local files with numpy.loadtxt",
    "typing.get_type_hints": "annotations are for readers: do not evaluate them",
    "typing.ForwardRef": "annotations are for readers: do not evaluate them",
    "functools.update_wrapper": "use @functools.wraps(fn) without arguments",
    "functools.singledispatch": "branch with isinstance",
    "functools.singledispatchmethod": "branch with isinstance",
    "dataclasses.make_dataclass": "write a @dataclass class statement",
    "abc.ABCMeta": "subclass abc.ABC in a class statement",
}
# Private members learners use, as torch's own code does (a prefix ends with "*").
PRIVATE = ("torch._assert", "torch._foreach_*", "torch.nn.init._calculate_fan_in_and_fan_out")
# Members of open modules that share a standard module's name but are the package's own.
OWN_NAMES = frozenset(
    {"torch.random", "torch.types", "torch.signal", "numpy.random", "numpy.typing", "collections.abc"}
    | {f"torch.{n}" for n in ("chunk", "select", "trace")}
    | {f"torch.Tensor.{n}" for n in ("chunk", "select", "trace")}
    | {f"numpy.{n}" for n in ("array", "copy", "select", "trace")}
    | {"numpy.ndarray.copy", "numpy.ndarray.trace", "numpy.random.random", "random.random", "copy.copy"}
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
KEYWORDS = {"eval_str": "leave annotations unevaluated"}
# Calls allowed with at most this many arguments (more would name attributes to copy).
ARITY = {"functools.wraps": 1}

# Builtins graded code may not name (unless it binds the name itself), and what to write instead.
BUILTINS_REFUSED = {
    "exec": "write the code itself",
    "eval": "write the expression itself (0.1 * 0.5 ** 2)",
    "compile": "write the code itself",
    "__import__": "import at the top of the file with an import statement",
    "globals": "use a dict of your own ({'relu': relu, ...})",
    "locals": "use a dict of your own",
    "breakpoint": "remove the breakpoint",
    "help": "read the docs outside graded code",
    "input": "graded code reads no input",
    "__build_class__": "write a class statement",
    "__builtins__": "call the builtin by its name",
    "__loader__": "import at the top of the file",
    "__spec__": "import at the top of the file",
}
# Of those, the ones a learner may bind to a value of their own (``def forward(self, input)``):
# the rest are refused wherever they appear, since a binding may be in another scope.
SHADOWABLE = frozenset({"input", "help", "compile"})
BUILTINS = frozenset(dir(builtins)) - set(BUILTINS_REFUSED)
# The builtins that take an attribute's name: allowed with a literal name only.
BY_NAME = frozenset({"getattr", "setattr", "delattr", "hasattr"})

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
    | {"ag_frame", "ag_code", "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "f_trace"}
)
