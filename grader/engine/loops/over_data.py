""" "Vectorised" read from the source: where an exercise its docstring says is vectorised (the
suite's ``VECTORISED``) iterates over its data, in any code it reaches, decided on the trusted side
from the text the subset checker reads. What the count of work (:func:`grader.sandboxed.steps.count_work`)
decides, what this reading keeps and names the line of, and which loops are charged or not
(:attr:`Loop.counted`) is docs/engine.md's, "'Vectorised' read from the source".
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from grader.base.i18n import N_, _
from grader.checks.verdict import places
from grader.checks.verdict.failed import hinted, worded
from grader.checks.verdict.scoring import TopicResult
from grader.engine.loops.calls import CALLBACKS
from grader.engine.loops.flow import Flow
from grader.engine.loops.program import Program
from grader.engine.loops.reader import Reader
from grader.engine.loops.values import COMPREHENSION
from grader.engine.sources import parsed
from grader.engine.subset import rules
from grader.engine.subset.shapes import arguments

HINT = N_(
    "a Python loop over rows, columns or elements runs more operations for bigger inputs; "
    "use broadcasting and reductions over whole tensors instead"
)
TOPIC = "topic.py"  # the topic's file, when the caller does not name it
# What runs no op and no line of the learner's per element: what a count cannot see.
UNCOUNTED = frozenset({".tolist()", ".numpy()", "numpy", ".item()", *(f".{c}()" for c in CALLBACKS)})


@dataclass(frozen=True)
class Loop:
    """Where an exercise that must be vectorised loops over its data, and how."""

    exercise: str
    what: str  # as the source writes it: "for", "while", ".tolist()", "numpy", ...
    line: int
    file: str = ""  # the file that holds it ("": the topic's)
    counted: bool = False  # a loop the count sees: it costs only where the count grew


def helpers_of(sources: Mapping[str, str], own: str) -> dict[str, str]:
    """The submission's other files that ``import`` would find (not one named like a module of
    the allow-list, which Python finds first)."""
    taken = rules.STANDARD | rules.OPEN | set(rules.LISTED)
    return {name: s for name, s in sources.items() if name != own and parsed.module_of(name) not in taken}


@functools.lru_cache(maxsize=16)
def stated(topic: str) -> dict[str, tuple[int, frozenset[str]]]:
    """{exercise: (how many positional parameters its stub declares, their names and its keyword
    parameters')}: what the checks pass, by place or by name (a parameter the learner adds, with a
    default, keeps it). Read from the stub as its pack hands it out (the learner's copy, where a
    release has them edit it: theirs can only say more parameters are passed)."""
    from grader.base.topics import stub_file

    try:
        tree = parsed.tree(stub_file(topic).read_bytes())
    except OSError:
        return {}
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)] if tree else []
    return {
        n.name: (len(n.args.posonlyargs) + len(n.args.args), frozenset(a.arg for a in arguments(n.args)))
        for n in defs
    }


def loops(
    source: str,
    vectorised: Collection[str],
    exercises: Collection[str],
    helpers: Mapping[str, str] | None = None,
    own: str = TOPIC,
    params: Mapping[str, tuple[int, frozenset[str]]] | None = None,
    counts: Mapping[str, Collection[str]] | None = None,
) -> dict[str, Loop]:
    """{exercise: its first loop over the data} for the exercises of ``vectorised`` among
    ``exercises``, defined in ``source`` (the file ``own``) beside the files ``helpers``, with the
    parameters ``params`` names (:func:`stated`; all when not named) as the data but those
    ``counts`` names (the suite's ``DIMENSION_COUNTS``: numbers of dimensions, iterated as a
    shape is); raises :class:`parsed.OverBudget` past the reading's clock."""
    wanted = sorted(set(vectorised) & set(exercises))
    program = Program.read({**(helpers or {}), own: source}, own) if wanted else None
    if program is None:
        return {}
    clock, found = parsed.Clock(), {}
    for exercise in wanted:
        flow = Flow(program, Reader, clock)
        flow.enter(exercise, own, (params or {}).get(exercise), frozenset((counts or {}).get(exercise, ())))
        flow.run()
        first = sorted(flow.all_found(), key=lambda x: (x[0] != own, x[1], x[3]))
        unseen = [x for x in first if x[2] in UNCOUNTED or x[:3] in flow.switched]
        if first:
            file, line, what, _order = (unseen or first)[0]
            found[exercise] = Loop(exercise, what, line, "" if file == own else file, counted=not unseen)
    return found


def charge(result: TopicResult, found: Mapping[str, Loop], file: str) -> None:
    """Fail each passed "vectorised" check of an exercise of ``found``, naming the loop; a loop the
    count sees (:attr:`Loop.counted`) costs nothing more: the check passed, so it did not grow.
    A check the count failed names the loop the reading found, before what was counted."""
    for test in result.tests:
        hits = [found[e] for e in test.exercises if e in found]
        if not hits or test.clause != "vectorised":
            continue
        hit = hits[0]
        loop = _(hit.what) if hit.what == COMPREHENSION else hit.what
        got = _("%(loop)s in %(where)s") % {
            "loop": loop,
            "where": places.text(places.Place(hit.file or file, hit.line)),
        }
        what = _("%(exercise)s is vectorised") % {"exercise": hit.exercise}
        named = worded(what, _("no Python loop over the data"), got)
        if test.status == "failed" and not test.cause and not test.stub:  # the count grew
            test.message = f"{named}\n{test.message}" if named not in test.message else test.message
        elif test.status == "passed" and not hit.counted:
            test.status, test.points, test.curve = "failed", 0.0, None
            test.message = named + hinted(_(HINT))
            test.cause, test.blame, test.stub, test.form, test.calls = "", hit.exercise, "", False, ()
