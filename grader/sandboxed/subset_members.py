"""The reviewed members of the modules graded code may open (torch, numpy, math...): a snapshot,
``subset_members.tsv``, of every public member of each reviewed module, allowed (``+``, with what
it returns and what it writes) or refused with what to write instead; a member it does not record
is refused (``grader/authoring/subset_review.py`` writes it). Read by the subset check and by the
guarded ``getattr`` in the worker (docs/sandbox.md, "The graded subset").
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import ModuleType

SNAPSHOT = Path(__file__).with_name("subset_members.tsv")
ALLOWED = "+"
# Modules of which only these members may be used (importing the module alone is allowed): the
# subset check reads them by name, the worker's held modules (grader/sandboxed/held_modules.py) at run time.
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
            "getrecursionlimit",  # not set: the worker owns the limit (a lowered one starves the recorder)
            "getsizeof",
            "path",  # sys.path.append("..") in a notebook's set-up: every import is checked here anyway
            "argv",
            "exit",
            "executable",
        }
    ),
    "inspect": frozenset({"signature", "Parameter", "isclass", "isfunction"}),
    # the operators as functions, each what its expression computes (attrgetter and methodcaller read
    # attributes by the names they are handed, past the guard: not these)
    "operator": frozenset(
        {
            "add",
            "sub",
            "mul",
            "truediv",
            "floordiv",
            "mod",
            "pow",
            "neg",
            "pos",
            "abs",
            "matmul",
            "itemgetter",
        }
        | {"eq", "ne", "lt", "le", "gt", "ge", "not_", "truth", "is_", "is_not", "contains", "getitem"}
        | {"and_", "or_", "xor", "invert", "inv", "lshift", "rshift", "index", "concat"}
    ),
    "numbers": frozenset(
        {"Number", "Complex", "Real", "Rational", "Integral"}
    ),  # the numeric tower's classes
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
        # a handler that writes to a stream (stderr by default: the worker's, drained and capped)
        # and its format: what basicConfig sets up already, written out (no FileHandler)
        | {"StreamHandler", "Formatter", "Logger", "critical", "exception", "log", "CRITICAL", "NOTSET"}
    ),
    "tqdm.auto": frozenset({"tqdm", "trange"}),
    "importlib": frozenset(),  # a notebook's set-up cell imports importlib.util; nothing of it is used
    "importlib.util": frozenset(),
}
# A review's words for a member that writes the definition it is handed (an attribute, a class's
# methods): graded code may use it only as a decorator of its own def or class statement.
DECORATES = "writes: the definition it decorates"
# A review's words for a member whose call makes a class from the names it is handed (a
# metaclass, an enum class's functional API): graded code calls it with one value at most.
MAKES_CLASSES = "called with names: a class made from them"
# A review's words for how a member of a module that compiles text keeps graded code's writes out
# of that text (dataclasses pastes a field's name into the methods it execs).
COMPILES = "compiles:"


def absent(module: ModuleType, name: str) -> bool:
    """Whether ``module`` has no member ``name`` at all (none in its namespace, no module
    ``__getattr__`` to make one): reading it raises Python's own AttributeError, which tells a
    misspelt name (``nn.Relu``) better than a refusal would. A submodule not yet imported is not
    in the namespace either: the subset check asks the import system too. What every module has
    from its type (``__dict__``, ``__class__``) is a member."""
    found = vars(module)
    return name not in found and "__getattr__" not in found and not hasattr(type(module), name)


@functools.cache
def _rows() -> list[list[str]]:
    """The snapshot's rows: module, member, verdict and (an allowed member's) review."""
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    return [(line.split("\t") + [""])[:4] for line in lines if line and not line.startswith("#")]


@functools.cache
def decisions() -> dict[tuple[str, str], str]:
    """(module, member) -> ``+`` or why it is refused."""
    return {(module, name): verdict for module, name, verdict, _ in _rows()}


@functools.cache
def reviews() -> dict[tuple[str, str], str]:
    """(module, member) -> what an allowed member returns and writes (``returns: ...; writes: ...``)."""
    return {(module, name): review for module, name, _, review in _rows() if review}


@functools.cache
def modules() -> frozenset[str]:
    """The reviewed modules: for these, a member the snapshot does not allow is refused."""
    return frozenset(module for module, _ in decisions())


def write(found: dict[tuple[str, str], str], reviews: dict[tuple[str, str], str]) -> None:
    """Record a review (sorted, one member a line; an allowed member's with what it returns and
    writes)."""
    lines = [
        "# module\tmember\t+ (allowed) or why refused\twhat it returns and writes:"
        " written by grader/authoring/subset_review.py",
        *(
            "\t".join([m, n, v] + ([reviews[m, n]] if reviews.get((m, n)) else []))
            for (m, n), v in sorted(found.items())
        ),
    ]
    SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
