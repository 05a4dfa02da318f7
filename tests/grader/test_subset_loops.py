""" "Vectorised" read from the source (grader/engine/loops/over_data.py): every kind of loop over the
data in the reachable code of an exercise its docstring says is vectorised is found, whatever
the inputs a probe would choose (a size switch, a numpy round trip, a ``.tolist()`` loop cheap
enough for the cost check); loops over literals, loops in another exercise and every correct
module of the corpus, the solutions and the fair-code snippets are not charged."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from fair_code import FAIR
from helpers import REPO, run_grade

from grader.base import packs
from grader.base.topics import exercises
from grader.checks.verdict.scoring import TestResult as Checked
from grader.checks.verdict.scoring import TopicResult
from grader.engine.loops import over_data

VECTORISED = ("row_normalize", "pairwise_sq_dists", "matmul")  # suite_tensors.VECTORISED
SOLUTION = (REPO / "solutions" / "tensors.py").read_text()

# each kind of loop: (exercise, snippet appended to the reference, what the finding says)
KINDS = {
    "a for loop over rows": (
        "row_normalize",
        "def row_normalize(x):\n    out = torch.empty_like(x)\n    for i in range(x.shape[0]):\n        out[i] = x[i] / x[i].sum()\n    return out\n",
        "for",
    ),
    "a size switch": (
        "row_normalize",
        "def row_normalize(x):\n    if x.numel() < 100_000:\n        return torch.stack([row / row.sum() for row in x])\n    return x / x.sum(1, keepdim=True)\n",
        "a comprehension",
    ),
    "a while loop": (
        "matmul",
        "def matmul(a, b):\n    out, k = a.new_zeros(a.shape[0], b.shape[1]), 0\n    while k < a.shape[1]:\n        out = out + a[:, k, None] * b[k]\n        k += 1\n    return out\n",
        "while",
    ),
    "recursion": (
        "matmul",
        "def matmul(a, b):\n    if a.shape[1] == 1:\n        return a * b\n    return a[:, :1] * b[:1] + matmul(a[:, 1:], b[1:])\n",
        "recursion in matmul",
    ),
    "a .tolist() loop": (
        "pairwise_sq_dists",
        "def pairwise_sq_dists(a, b):\n    A, B = a.tolist(), b.tolist()\n    return torch.tensor([[sum((p - q) ** 2 for p, q in zip(r, s)) for s in B] for r in A])\n",
        ".tolist()",
    ),
    ".item() per element": (
        "row_normalize",
        "def row_normalize(x):\n    total = x.sum(1, keepdim=True)\n    return x / total.item() if x.shape[0] == 1 else x / total\n",
        ".item()",
    ),
    "apply_": (
        "row_normalize",
        "def row_normalize(x):\n    s = x.sum(1, keepdim=True)\n    return x / s.clone().apply_(lambda v: v)\n",
        ".apply_()",
    ),
    "a numpy round trip": (
        "matmul",
        "import numpy as np\n\n\ndef matmul(a, b):\n    return torch.as_tensor(np.einsum('ik,kj->ij', a.numpy(), b.numpy()))\n",
        ".numpy()",
    ),
    "np.vectorize": (
        "pairwise_sq_dists",
        "import numpy\n\n\ndef pairwise_sq_dists(a, b):\n    sq = numpy.vectorize(lambda v: v * v)\n    return torch.as_tensor(sq(a[:, None] - b[None])).sum(-1)\n",
        "numpy",
    ),
    "map": (
        "matmul",
        "def matmul(a, b):\n    return torch.stack(list(map(lambda row: (row[:, None] * b).sum(0), a)))\n",
        "map",
    ),
    "functools.reduce": (
        "matmul",
        "import functools\n\n\ndef matmul(a, b):\n    return functools.reduce(torch.add, (a[:, k, None] * b[k] for k in range(a.shape[1])))\n",
        "a comprehension",
    ),
    "reduce imported by name": (
        "matmul",
        "from functools import reduce\n\n\ndef matmul(a, b):\n    return reduce(torch.add, torch.unbind(a[:, :, None] * b[None], 1))\n",
        "functools.reduce",
    ),
    "a helper that loops": (
        "pairwise_sq_dists",
        "def _row(r, b):\n    return ((r - b) ** 2).sum(-1)\n\n\ndef _rows(a, b):\n    return [_row(r, b) for r in a]\n\n\ndef pairwise_sq_dists(a, b):\n    return torch.stack(_rows(a, b))\n",
        "a comprehension",
    ),
    # loops without loop syntax, and loops in code a reading by names once called unreached
    "map over rows": (
        "row_normalize",
        "def row_normalize(x):\n    return torch.stack([*map(lambda r: r / r.sum(), x)])\n",
        "map",
    ),
    "recursion over rows through a second function": (
        "row_normalize",
        "def _rest(x):\n    return row_normalize(x[1:])\n\n\ndef row_normalize(x):\n    first = x[:1] / x[:1].sum()\n    if x.shape[0] == 1:\n        return first\n    return torch.cat([first, _rest(x)])\n",
        "recursion in _rest",
    ),
    "functools.reduce over a tensor": (
        "matmul",
        "import functools\n\n\ndef matmul(a, b):\n    return functools.reduce(torch.add, a.T[:, :, None] * b[:, None, :])\n",
        "functools.reduce",
    ),
    "functools.reduce by a literal getattr": (
        "matmul",
        "import functools\n\n\ndef matmul(a, b):\n    fold = getattr(functools, 'reduce')\n    return fold(torch.add, a.T[:, :, None] * b[:, None, :])\n",
        "functools.reduce",
    ),
    "a tensor's method by a literal getattr": (
        "pairwise_sq_dists",
        "def pairwise_sq_dists(a, b):\n    rows = getattr(a, 'tolist')()\n    return torch.tensor([[sum((p - q) ** 2 for p, q in zip(r, s)) for s in getattr(b, 'tolist')()] for r in rows])\n",
        ".tolist()",
    ),
    "a tensor's method through torch.Tensor": (
        "row_normalize",
        "def row_normalize(x):\n    return torch.tensor(torch.Tensor.tolist(x / x.sum(1, keepdim=True)))\n",
        ".tolist()",
    ),
    "a helper bound as a default argument": (
        "row_normalize",
        "def _rows(x):\n    return torch.stack([r / r.sum() for r in x])\n\n\ndef row_normalize(x, _f=_rows):\n    return _f(x)\n",
        "a comprehension",
    ),
    "a helper held by a class attribute": (
        "row_normalize",
        "def _rows(x):\n    return torch.stack([r / r.sum() for r in x])\n\n\nclass _K:\n    op = staticmethod(_rows)\n\n\ndef row_normalize(x):\n    return _K.op(x)\n",
        "a comprehension",
    ),
    "the builtin sum over a tensor's slices": (
        "matmul",
        "def matmul(a, b):\n    return sum(torch.unbind(a[:, :, None] * b[None], 1))\n",
        "sum()",
    ),
    "a row loop in another exercise's definition": (
        "row_normalize",
        "def accuracy(y_hat, y, rows=False):\n    if rows:\n        return torch.stack([r / r.sum() for r in y_hat])\n    return (y_hat.argmax(1) == y).float().mean().item()\n\n\ndef row_normalize(x):\n    return accuracy(x, None, rows=True)\n",
        ".item()",  # what the count cannot see is named before the loop it sees
    ),
    "a decorator whose wrapper loops over rows": (
        "row_normalize",
        "def _rowwise(f):\n    def each(x):\n        return torch.stack([f(r) for r in x])\n    return each\n\n\n@_rowwise\ndef row_normalize(x):\n    return x / x.sum()\n",
        "a comprehension",
    ),
    "a while loop whose exit reads the data": (
        "matmul",
        "def matmul(a, b):\n    out, k = a.new_zeros(a.shape[0], b.shape[1]), 0\n    while True:\n        if k == a.shape[1]:\n            return out\n        out, k = out + a[:, k, None] * b[k], k + 1\n",
        "while",
    ),
}
NOT_CHARGED = {
    "a loop over a literal tuple": (
        "matmul",
        "def matmul(a, b):\n    for t in (a, b):\n        assert t.dim() == 2\n    return (a[:, :, None] * b[None]).sum(1)\n",
    ),
    "range of a constant": (
        "row_normalize",
        "def row_normalize(x):\n    s = x.sum(1, keepdim=True)\n    for _ in range(1):\n        s = s + 0\n    return x / s\n",
    ),
    "a loop in an exercise not said vectorised": (
        "matmul",
        "def accuracy(y_hat, y):\n    return sum(int(a == b) for a, b in zip(y_hat.argmax(1).tolist(), y.tolist())) / len(y)\n",
    ),
    # honest code a reading by syntax docked: loops over a fixed number of things, one-off reads
    "a shape check over the two arguments": (
        "matmul",
        "def matmul(a, b):\n    for name, t in zip(('a', 'b'), (a, b)):\n        if t.dim() != 2:\n            raise ValueError(f'{name} must be 2-D, got {tuple(t.shape)}')\n    return (a[:, :, None] * b[None]).sum(1)\n",
    ),
    "map over the two arguments": (
        "matmul",
        "def matmul(a, b):\n    assert all(map(lambda t: t.dim() == 2, (a, b)))\n    return (a[:, :, None] * b[None]).sum(1)\n",
    ),
    "np.newaxis": (
        "pairwise_sq_dists",
        "import numpy as np\n\n\ndef pairwise_sq_dists(a, b):\n    return ((a[:, np.newaxis, :] - b[np.newaxis, :, :]) ** 2).sum(-1)\n",
    ),
    "a precondition's .item()": (
        "row_normalize",
        "def row_normalize(x):\n    if (x < 0).any().item():\n        raise ValueError('x must be non-negative')\n    return x / x.sum(1, keepdim=True)\n",
    ),
    "a self-call for a default": (
        "pairwise_sq_dists",
        "def pairwise_sq_dists(a, b=None):\n    if b is None:\n        return pairwise_sq_dists(a, a)\n    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)\n",
    ),
    "a helper's row loop on the error path only": (
        "row_normalize",
        "def _negative_rows(x):\n    return [i for i in range(x.shape[0]) if bool((x[i] < 0).any())]\n\n\ndef row_normalize(x):\n    if (x < 0).any():\n        bad = _negative_rows(x)\n        raise ValueError(f'rows {bad} have negative entries')\n    return x / x.sum(1, keepdim=True)\n",
    ),
    "a loop over the shape": (
        "pairwise_sq_dists",
        "def pairwise_sq_dists(a, b):\n    for size in (*a.shape, *b.shape):\n        assert size >= 0\n    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)\n",
    ),
    "torch.vmap over rows": (
        "row_normalize",
        "def row_normalize(x):\n    return torch.vmap(lambda r: r / r.sum())(x)\n",
    ),
}


def charged(snippet: str) -> dict:
    return over_data.loops(SOLUTION + "\n" + snippet, VECTORISED, exercises("tensors"))


@pytest.mark.unit
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_loop_is_read_from_the_source(kind):
    exercise, snippet, what = KINDS[kind]
    found = charged(snippet)
    assert set(found) == {exercise}, found
    assert found[exercise].what == what and found[exercise].line > SOLUTION.count("\n"), found


@pytest.mark.unit
@pytest.mark.parametrize("case", sorted(NOT_CHARGED))
def test_what_is_not_a_loop_over_the_data_is_not_charged(case):
    assert charged(NOT_CHARGED[case][1]) == {}


@pytest.mark.unit
def test_the_declaration_is_the_suites():
    source = (REPO / "tests" / "suites" / "suite_tensors.py").read_text()
    assert "VECTORISED = tuple(VECTORISED_SHAPES)" in source
    assert all(f'"{e}": [' in source for e in VECTORISED)


@pytest.mark.engine
def test_no_correct_module_is_charged():
    """The solution, every correct corpus module and fair-code snippet of tensors (the fair side)."""
    sources = {
        p.name: p.read_text() for p in (REPO / "tests" / "corpus" / "tensors" / "correct").glob("*.py")
    }
    sources |= {name: SOLUTION + "\n" + s for name, (t, _, s) in FAIR.items() if t == "tensors"}
    found = {name: got for name, s in sources.items() if (got := charged(s))}
    assert not found


@pytest.mark.e2e
def test_loops_the_measures_missed_fail_vectorised(tmp_path):
    """A numpy loop along the shorter axis (matmul) and a ``.tolist()`` loop (pairwise_sq_dists)
    passed the public op-count check: graded, every "vectorised" check of each fails, naming
    what the source writes and its line."""
    snippets = {e: s for e, s, _ in (KINDS[k] for k in ("a numpy round trip", "a .tolist() loop"))}
    (tmp_path / "tensors.py").write_text(SOLUTION + "".join(f"\n\n{s}" for s in snippets.values()))
    done = run_grade(str(tmp_path), "--topic", "tensors", "--format", "json", "-k", "vectorised")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    tests = json.loads(done.stdout)["topics"][0]["tests"]
    judged = {t["id"]: t for t in tests if set(t["exercises"]) & set(snippets)}
    assert judged and all(t["status"] == "failed" for t in judged.values()), judged
    public = [t for t in judged.values() if t["visibility"] == "public"]
    assert public and all("tensors.py, line" in t["message"] for t in public), public


# a helper file beside the topic's, imported by it: its loops are the exercise's
HELPER = "import torch\n\n\ndef each_row(x):\n    return torch.stack([r / r.sum() for r in x])\n"
HELPER_IMPORTS = {
    "from ... import": "from tensors_rows import each_row\n\n\ndef row_normalize(x):\n    return each_row(x)\n",
    "import ... as": "import tensors_rows as tr\n\n\ndef row_normalize(x):\n    return tr.each_row(x)\n",
    "through a second helper file": "from tensors_more import normalized\n\n\ndef row_normalize(x):\n    return normalized(x)\n",
    "the exercise itself imported": "from tensors_rows import each_row as row_normalize\n",
}
MORE = "from tensors_rows import each_row\n\n\ndef normalized(x):\n    return each_row(x)\n"


@pytest.mark.unit
@pytest.mark.parametrize("how", sorted(HELPER_IMPORTS))
def test_a_loop_in_a_helper_file_is_the_exercises(how):
    helpers = {"tensors_rows.py": HELPER, "tensors_more.py": MORE}
    found = over_data.loops(SOLUTION + "\n" + HELPER_IMPORTS[how], VECTORISED, exercises("tensors"), helpers)
    assert set(found) == {"row_normalize"}, found
    assert (found["row_normalize"].file, found["row_normalize"].line) == ("tensors_rows.py", 5), found


@pytest.mark.unit
def test_a_helper_files_check_over_two_arguments_is_not_charged():
    helper = "def both_2d(*ts):\n    for t in ts:\n        assert t.dim() == 2\n"
    source = (
        SOLUTION
        + "\nfrom tensors_checks import both_2d\n\n\ndef matmul(a, b):\n    both_2d(a, b)\n    return (a[:, :, None] * b[None]).sum(1)\n"
    )
    assert over_data.loops(source, VECTORISED, exercises("tensors"), {"tensors_checks.py": helper}) == {}


@pytest.mark.e2e
def test_loops_in_a_helper_file_fail_vectorised(tmp_path):
    """The two loops the measures missed, moved into a helper file the topic's file imports: every
    "vectorised" check of each exercise fails, the public ones naming the helper file's line."""
    snippets = {e: s for e, s, _ in (KINDS[k] for k in ("a numpy round trip", "a .tolist() loop"))}
    helper = "import torch\n" + "".join(f"\n\n{s}" for s in snippets.values())
    (tmp_path / "tensors_help.py").write_text(helper.replace("def ", "def slow_"))
    calls = "".join(f"\n\ndef {e}(a, b):\n    return tensors_help.slow_{e}(a, b)\n" for e in snippets)
    (tmp_path / "tensors.py").write_text(SOLUTION + "\nimport tensors_help\n" + calls)
    done = run_grade(str(tmp_path), "--topic", "tensors", "--format", "json", "-k", "vectorised")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    tests = json.loads(done.stdout)["topics"][0]["tests"]
    judged = {t["id"]: t for t in tests if set(t["exercises"]) & set(snippets)}
    assert judged and all(t["status"] == "failed" for t in judged.values()), judged
    public = [t for t in judged.values() if t["visibility"] == "public"]
    assert public and all("tensors_help.py, line" in t["message"] for t in public), public


@pytest.mark.e2e
def test_honest_loops_keep_vectorised_full(tmp_path):
    """A shape check over the two arguments, np.newaxis with a self-call for a default, a
    precondition's ``.item()`` with a helper's row loop on the error path: every "vectorised"
    check passes."""
    honest = ("a shape check over the two arguments", "np.newaxis", "a precondition's .item()")
    more = ("a self-call for a default", "a helper's row loop on the error path only")
    body = "".join(f"\n\n{NOT_CHARGED[k][1]}" for k in honest)
    body += "".join(f"\n\n{NOT_CHARGED[k][1]}" for k in more)
    (tmp_path / "tensors.py").write_text(SOLUTION + body)
    done = run_grade(str(tmp_path), "--topic", "tensors", "--format", "json", "-k", "vectorised")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    tests = json.loads(done.stdout)["topics"][0]["tests"]
    assert tests and all(t["status"] == "passed" for t in tests), [
        t for t in tests if t["status"] != "passed"
    ]


@pytest.mark.unit
def test_a_parameter_the_learner_adds_keeps_its_default():
    """The checks pass the stub's parameters: one the learner adds, with a default, is a constant
    (its self-call runs once); one in a stub's place is the data, renamed and with a default."""
    params = over_data.stated("tensors")
    assert params["matmul"] == (2, {"a", "b"})
    flag = "def matmul(a, b, transpose=False):\n    if transpose:\n        return matmul(a, b.T)\n    return (a[:, :, None] * b[None]).sum(1)\n"
    loop = "def row_normalize(rows=None):\n    return torch.stack([r / r.sum() for r in rows])\n"
    tensors = exercises("tensors")
    assert over_data.loops(SOLUTION + "\n" + flag, VECTORISED, tensors, params=params) == {}
    found = over_data.loops(SOLUTION + "\n" + loop, VECTORISED, tensors, params=params)
    assert found["row_normalize"].what == "a comprehension", found


@pytest.mark.unit
def test_a_parameter_that_counts_dimensions_is_a_shape():
    """A parameter the suite declares to count dimensions (norms' ``layer_norm(..., dims)``, at
    most the rank) is iterated as ``x.dim()`` is: ``tuple(range(-dims, 0))`` and a comprehension
    over it are loops over a shape; a loop over the rows stays one, and so does ``range(dims)``
    where nothing declares it."""
    params = {"layer_norm": (5, frozenset({"x", "weight", "bias", "eps", "dims"}))}
    counts = {"layer_norm": ("dims",)}
    head = "def layer_norm(x, weight=None, bias=None, eps=1e-5, dims=1):\n"
    axes = {
        "tuple(range())": "    axes = tuple(range(-dims, 0))\n",
        "a comprehension": "    axes = [x.dim() - 1 - i for i in range(dims)]\n",
    }
    tail = "    return x - x.mean(dim=axes, keepdim=True)\n"
    rows = head + "    return torch.stack([r - r.mean() for r in x])\n"
    for how, line in axes.items():
        source = head + line + tail
        assert over_data.loops(source, ["layer_norm"], ["layer_norm"], params=params, counts=counts) == {}, (
            how
        )
        assert over_data.loops(source, ["layer_norm"], ["layer_norm"], params=params), how
    found = over_data.loops(rows, ["layer_norm"], ["layer_norm"], params=params, counts=counts)
    assert found["layer_norm"].what == "a comprehension", found


@pytest.mark.unit
def test_long_chains_are_read_without_a_recursion_error():
    """Module-level names that alias each other backwards, a class whose bases chain, helper files
    that import each other: each read once, the loop at the end found."""
    rows = "def _rows(x):\n    return torch.stack([r / r.sum() for r in x])\n\n\n"
    n = 1000
    aliases = "".join(f"a{i} = a{i + 1}\n" for i in range(n)) + f"a{n} = _rows\n"
    bases = "class C0:\n    def run(self, x):\n        return _rows(x)\n\n\n"
    bases += "".join(f"class C{i + 1}(C{i}):\n    pass\n\n\n" for i in range(n))
    for chain, call in ((aliases, "a0(x)"), (bases, f"C{n}().run(x)")):
        source = SOLUTION + "\n" + rows + chain + f"\n\ndef row_normalize(x):\n    return {call}\n"
        assert set(charged_in(source)) == {"row_normalize"}
    helpers = {
        "ha.py": "from hb import g\n\n\ndef f(x):\n    return g(x)\n",
        "hb.py": "from ha import f\n\n\ndef g(x):\n    return [r for r in x]\n",
    }
    source = SOLUTION + "\nfrom ha import f\n\n\ndef row_normalize(x):\n    return f(x)\n"
    assert charged_in(source, helpers)["row_normalize"].file == "hb.py"


def charged_in(source: str, helpers: dict | None = None) -> dict:
    return over_data.loops(source, VECTORISED, exercises("tensors"), helpers)


@pytest.mark.unit
def test_a_name_patched_and_put_back_is_read_to_its_end():
    """An outside module's attribute assigned and read back in turn (``real = m.f; m.f = real``)
    gives finitely many values: the reading ends, the loop after it found."""
    patch = "def row_normalize(x):\n    import math\n\n    real = math.floor\n    math.floor = real\n    return torch.stack([r / r.sum() for r in x])\n"
    assert charged(patch)["row_normalize"].what == "a comprehension"


# "Vectorised" by the docstrings' own measure: the count decides what it can see. Honest
# loops over a fixed number of things that the reading takes for loops over the data: the count sees
# them not grow, and they cost nothing...
COUNTED = {
    "dict(a=a, b=b).values()": (
        "matmul",
        "def matmul(a, b):\n    for t in dict(a=a, b=b).values():\n        assert t.dim() == 2\n    return (a[:, :, None] * b[None]).sum(1)\n",
    ),
    "while i < 2 over the two arguments": (
        "pairwise_sq_dists",
        "def pairwise_sq_dists(a, b):\n    ts, i = (a, b), 0\n    while i < 2:\n        assert ts[i].dim() == 2\n        i += 1\n    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)\n",
    ),
}
# ...while what the count cannot see stays the reading's: Python work on copies of the data, and a
# loop under a test of the data (a size switch: it may run only at sizes the count did not try)
UNCOUNTED = ("a .tolist() loop", "a numpy round trip", "apply_", "a size switch", ".item() per element")


def _passed_vectorised(exercise: str) -> TopicResult:
    test = Checked(f"vectorised[{exercise}]", "shape", "passed", 1.0, 1.0, exercises=(exercise,))
    return TopicResult("tensors", [replace(test, clause="vectorised")])


@pytest.mark.unit
@pytest.mark.parametrize("form", sorted(COUNTED))
def test_a_loop_the_count_sees_costs_nothing_where_the_count_did_not_grow(form):
    exercise, snippet = COUNTED[form]
    found = charged(snippet)
    assert found[exercise].counted, found  # read, named, but the count decides
    result = _passed_vectorised(exercise)
    over_data.charge(result, found, "tensors.py")
    assert result.tests[0].status == "passed", result.tests[0].message


@pytest.mark.unit
@pytest.mark.parametrize("kind", UNCOUNTED)
def test_what_the_count_cannot_see_is_still_charged(kind):
    exercise, snippet, what = KINDS[kind]
    found = charged(snippet)
    assert not found[exercise].counted and found[exercise].what == what, found
    result = _passed_vectorised(exercise)
    over_data.charge(result, found, "tensors.py")
    assert result.tests[0].status == "failed" and "tensors.py, line" in result.tests[0].message


@pytest.mark.e2e
def test_honest_loops_over_the_two_arguments_keep_vectorised_full(tmp_path):
    """``for t in dict(a=a, b=b).values()`` and ``while i < 2`` over the two arguments: every
    "vectorised" check passes (each cost its exercise 2 points, by its spelling)."""
    (tmp_path / "tensors.py").write_text(SOLUTION + "".join(f"\n\n{s}" for _, s in COUNTED.values()))
    done = run_grade(str(tmp_path), "--topic", "tensors", "--format", "json", "-k", "vectorised")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    tests = json.loads(done.stdout)["topics"][0]["tests"]
    assert tests and all(t["status"] == "passed" for t in tests), [
        t for t in tests if t["status"] != "passed"
    ]


# loops without loop syntax or with a constant bound, doing Python arithmetic on lists (one tensor
# op whatever n: the op count alone passed them, and the reading does not see them as loops)
ATTENTION = REPO / "tests" / "packs" / "attention" / "solutions" / "attention.py"
NO_LOOP_SYNTAX = {
    "[*obj] through __getitem__": "class _Rows:\n    def __init__(self, n):\n        self.n = n\n\n    def __getitem__(self, i):\n        if i >= self.n:\n            raise IndexError(i)\n        return [True] * (i + 1) + [False] * (self.n - i - 1)\n\n\ndef causal_mask(n, device=None):\n    return torch.tensor([*_Rows(n)], dtype=torch.bool, device=device)\n",
    "range(1 << 30) left by a break": "def causal_mask(n, device=None):\n    rows = []\n    for i in range(1 << 30):\n        if i == n:\n            break\n        rows.append([True] * (i + 1) + [False] * (n - i - 1))\n    return torch.tensor(rows, dtype=torch.bool, device=device)\n",
    "iter(int, 1) with a counter": "def causal_mask(n, device=None):\n    rows, i = [], 0\n    for _ in iter(int, 1):\n        if i == n:\n            break\n        rows.append([True] * (i + 1) + [False] * (n - i - 1))\n        i += 1\n    return torch.tensor(rows, dtype=torch.bool, device=device)\n",
}


@pytest.mark.e2e
@pytest.mark.parametrize("form", sorted(NO_LOOP_SYNTAX))
def test_a_loop_without_loop_syntax_fails_vectorised(tmp_path, form):
    """Each form answers causal_mask right and ran one tensor op for every n (full "vectorised"
    points); the lines of the learner's Python it runs grow with n: the check fails."""
    (tmp_path / "attention.py").write_text(ATTENTION.read_text() + "\n\n" + NO_LOOP_SYNTAX[form])
    done = run_grade(
        str(tmp_path / "attention.py"), "--format", "json", "-k", "vectorised",
        env={packs.PACKS_ENV: "tests/packs/attention"},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-2000:]
    tests = {t["id"]: t for t in json.loads(done.stdout)["topics"][0]["tests"]}
    mask = tests["vectorised_as_declared[causal_mask]"]
    assert mask["status"] == "failed" and "lines of Python" in mask["message"], mask
    assert tests["vectorised_as_declared[scaled_dot_product_attention]"]["status"] == "passed"
