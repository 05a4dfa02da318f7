"""Twins installed by routes the reader once did not link: through an alias's item
assignment or ``|=``, a call made at import (a method of the table, a function handed the table,
a learner's function run by a call, a decorator or a default argument), a walrus, a module-level
loop, a helper file at any depth; and torch.distributions, which no dispatcher names, refused
anywhere in a topic whose list names it. Each route held; honest tables and calls at import
charge nothing."""

from __future__ import annotations

import json

import pytest
from helpers import run_grade
from test_subset_twins import IMPORTS, charged, charged_in_files, rules, solution

from grader.base.topics import exercises
from grader.engine.subset import submission as subset
from grader.engine.subset import twins as subset_twins

_ENTROPY = "lambda p: torch.distributions.Categorical(probs=p).entropy()"
_CALLS = "\n\ndef entropy(p):\n    return _T['e'](p)\n"
# each installs entropy's twin (torch.distributions) in the table entropy reads; seen open on
# main's reader (every one but "a for loop's target")
ROUTES = {
    "an alias's item": f"_T = {{}}\n_A = _T\n_A['e'] = {_ENTROPY}\n",
    "an alias's |=": f"_T = {{}}\n_A = _T\n_A |= {{'e': {_ENTROPY}}}\n",
    "a method of the table": f"_T = {{}}\n_T.update(e={_ENTROPY})\n",
    "a walrus": f"_T = {{}}\nif (_A := _T) is not None:\n    _A['e'] = {_ENTROPY}\n",
    "a walrus in a comprehension": f"_T = {{}}\n[(_A := _T) for _ in range(1)]\n_A['e'] = {_ENTROPY}\n",
    "a module-level for body": f"_T = {{}}\nfor _A in [_T]:\n    _A['e'] = {_ENTROPY}\n",
    "a for loop's target": f"_T = {{}}\nfor _T['e'] in [{_ENTROPY}]:\n    pass\n",
    "an unrelated function's default": f"_T = {{}}\n\n\ndef _other(x, _=_T.update(e={_ENTROPY})):\n    return x\n",
    "an unrelated function's decorator": (
        f"_T = {{}}\n\n\ndef _reg(f):\n    _T['e'] = {_ENTROPY}\n    return f\n\n\n"
        "@_reg\ndef _other(x):\n    return x\n"
    ),
    "a module-level call no exercise reaches": (
        f"_T = {{}}\n\n\ndef _setup():\n    _more()\n\n\ndef _more():\n    t = _T\n    t['e'] = {_ENTROPY}\n\n\n"
        "_setup()\n"
    ),
    "a function handed the table at import": f"_T = {{}}\n\n\ndef _fill(t):\n    t['e'] = {_ENTROPY}\n\n\n_fill(_T)\n",
    "a list holding the table": f"_T = {{}}\n_A = [_T]\n_A[0]['e'] = {_ENTROPY}\n",
    "a class body's call": f"_T = {{}}\n\n\nclass _Setup:\n    _T.update(e={_ENTROPY})\n",
}
# honest tables and calls made at import: nothing charged
HONEST = {
    "a table of the learner's own functions": (
        "def _plogp(p):\n    return torch.where(p > 0, p * torch.where(p > 0, p, 1).log(), 0)\n\n\n"
        "_T = {}\n_A = _T\n_A['e'] = _plogp\n\n\ndef entropy(p):\n    return -_T['e'](p).sum(-1)\n"
    ),
    "a setup call filling a cache": (
        "_EPS = {}\n\n\ndef _setup():\n    _EPS['f32'] = torch.finfo(torch.float32).eps\n\n\n_setup()\n\n\n"
        "def entropy(p):\n    return -(p * torch.where(p > 0, p, 1).log()).sum(-1)\n"
    ),
}


@pytest.mark.unit
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_each_route_to_a_twin_is_followed(route):
    found = charged("losses", solution("losses") + "\n" + IMPORTS + "\n\n" + ROUTES[route] + _CALLS)
    assert "entropy" in found, found


@pytest.mark.unit
@pytest.mark.parametrize("case", sorted(HONEST))
def test_honest_tables_and_calls_at_import_are_not_charged(case):
    found = charged("losses", solution("losses") + "\n" + IMPORTS + "\n\n" + HONEST[case])
    assert not found, found


def _chain(folder, depth: int) -> None:
    """losses.sigmoid calls f0 of h0.py, which calls f1 of h1.py... the last calls torch.sigmoid."""
    (folder / "losses.py").write_text(
        solution("losses") + "\n\nfrom h0 import f0\n\n\ndef sigmoid(x):\n    return f0(x)\n"
    )
    for i in range(depth):
        last = i == depth - 1
        head = "import torch\n" if last else f"from h{i + 1} import f{i + 1}\n"
        body = "torch.sigmoid(x)" if last else f"f{i + 1}(x)"
        (folder / f"h{i}.py").write_text(f"{head}\n\ndef f{i}(x):\n    return {body}\n")


@pytest.mark.unit
@pytest.mark.parametrize("depth", [5, 9])
def test_a_helper_file_at_any_depth_is_read(tmp_path, depth):
    """Seen open on main's reader five files deep (it stopped at four)."""
    _chain(tmp_path, depth)
    found = charged_in_files(subset.sources_of(tmp_path, "losses", False), "losses.py", "losses")
    assert found.get("sigmoid") is not None and found["sigmoid"].file == f"h{depth - 1}.py", found


@pytest.mark.unit
def test_helper_files_that_import_each_other_are_read_once(tmp_path):
    (tmp_path / "losses.py").write_text(
        solution("losses") + "\n\nfrom h0 import f0\n\n\ndef sigmoid(x):\n    return f0(x)\n"
    )
    (tmp_path / "h0.py").write_text("from h1 import f1\n\n\ndef f0(x):\n    return f1(x)\n")
    (tmp_path / "h1.py").write_text("from h0 import f0\n\n\ndef f1(x):\n    return f0(x)\n")
    found = charged_in_files(subset.sources_of(tmp_path, "losses", False), "losses.py", "losses")
    assert "sigmoid" not in found, found


@pytest.mark.unit
def test_a_module_the_list_names_is_refused_anywhere_in_a_submission_that_cannot_be_read(tmp_path):
    """Where the reading gave up (past its clock), torch.distributions named anywhere, in a helper
    file no exercise calls too, costs every exercise whose list names it, and nothing else; a
    file without it charges nothing."""
    (tmp_path / "losses.py").write_text(solution("losses") + "\n\nimport h\n")
    (tmp_path / "h.py").write_text(
        "from torch import distributions\n\n\ndef unused(p):\n    return distributions.Categorical(probs=p)\n"
    )
    sources = subset.sources_of(tmp_path, "losses", False)
    found = subset_twins.imported_anywhere(sources, "losses.py", rules("losses"), exercises("losses"))
    # every exercise whose list names it: the softmax family's too (a Categorical's normalised logits),
    # mse's and l1's (a Gaussian's and a Laplace's log-density)
    families = {"entropy", "kl_div", "softmax", "log_softmax", "cross_entropy", "mse", "l1"}
    assert set(found) == families and found["entropy"].file == "h.py", found
    clean = {"losses.py": solution("losses")}
    assert not subset_twins.imported_anywhere(clean, "losses.py", rules("losses"), exercises("losses"))


ONE_EXERCISES = (
    "from torch.distributions import Categorical\n\n\n"
    "def cross_entropy(logits, target):\n    return -Categorical(logits=logits).log_prob(target).mean()\n"
)
_CE = "    logp = logits - logits.logsumexp(1, keepdim=True)\n    return -logp.gather(1, target[:, None]).mean()\n"
# torch.distributions handed by cross_entropy's call to entropy's, through module-level state
LAUNDERED = {
    "a table cross_entropy fills": (
        "_T = {}\n\n\ndef cross_entropy(logits, target):\n    _T['c'] = Categorical\n" + _CE,
        "def entropy(p):\n    return _T['c'](probs=p).entropy()\n",
    ),
    "a helper cross_entropy calls fills it": (
        "_T = {}\n\n\ndef _keep():\n    _T.setdefault('c', Categorical)\n\n\n"
        "def cross_entropy(logits, target):\n    _keep()\n" + _CE,
        "def entropy(p):\n    return _T['c'](probs=p).entropy()\n",
    ),
    "an attribute of a holder": (
        "class _H:\n    c = None\n\n\ndef cross_entropy(logits, target):\n    _H.c = Categorical\n" + _CE,
        "def entropy(p):\n    return _H.c(probs=p).entropy()\n",
    ),
}


def _twins(tmp_path, source: str) -> dict:
    (tmp_path / "losses.py").write_text(source)
    sources = subset.sources_of(tmp_path, "losses", False)
    ruled = rules("losses")
    return subset_twins.twins(
        sources, "losses.py", sources["losses.py"], ruled, set(ruled), exercises("losses")
    )


@pytest.mark.unit
def test_an_import_costs_only_the_exercises_whose_code_uses_it(tmp_path):
    """torch.distributions imported for cross_entropy alone costs cross_entropy, not softmax,
    log_softmax, entropy and kl_div, whose lists name it too (50 points)."""
    assert set(_twins(tmp_path, solution("losses") + "\n\n" + ONE_EXERCISES)) == {"cross_entropy"}


@pytest.mark.unit
@pytest.mark.parametrize("route", sorted(LAUNDERED))
def test_a_module_another_exercises_call_hands_on_is_charged(tmp_path, route):
    writer, reader = LAUNDERED[route]
    imports = "from torch.distributions import Categorical\n\n"
    found = _twins(tmp_path, solution("losses") + "\n\n" + imports + writer + "\n\n" + reader)
    assert {"cross_entropy", "entropy"} <= set(found), found


# every route at once, graded: seen on main's code entropy 1.5 of 8.5 and kl_div 1.5 of 9.5 (the
# op-backed twins, 0 there already: the dispatcher replaced them in the checks' calls)
GRADED = f"""
_T = {{}}
_A = _T
_A["kl"] = lambda p, q: torch.distributions.kl_divergence(
    torch.distributions.Categorical(probs=p), torch.distributions.Categorical(probs=q)
)


def _setup():
    _T["e"] = {_ENTROPY}


_setup()


def _reg(f):
    _T["s"] = lambda x: F.glu(torch.stack([torch.ones_like(x), x], -1), -1).squeeze(-1)
    return f


@_reg
def _unrelated(x):
    return x


def _other(x, _=_T.update(m=lambda a, b, r: 2 * F.huber_loss(a, b, reduction=r, delta=1e30))):
    return x


if (_W := _T) is not None:
    _W["sm"] = lambda x, dim: torch.exp(x - x.logcumsumexp(dim).narrow(dim, x.shape[dim] - 1, 1))


def entropy(p):
    return _T["e"](p)


def kl_div(p, q):
    return _T["kl"](p, q)


def sigmoid(x):
    return _T["s"](x)


def mse(y_hat, y, reduction="mean"):
    return _T["m"](y_hat, y, reduction)


def softmax(x, dim=-1):
    return _T["sm"](x, dim)
"""


@pytest.mark.e2e
def test_twins_by_every_route_earn_nothing(tmp_path):
    (tmp_path / "losses.py").write_text(solution("losses") + "\n" + IMPORTS + GRADED)
    done = run_grade(str(tmp_path), "--topic", "losses", "--format", "json", "-k", "not convergence")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    got = {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}
    doors = ("entropy", "kl_div", "sigmoid", "mse", "softmax")
    assert {e: got[e]["points"] for e in doors} == dict.fromkeys(doors, 0.0), {e: got[e] for e in doors}
    assert all(got[e]["cause"].startswith("twin") for e in doors)
    assert got["huber"]["points"] == got["huber"]["max_points"], got["huber"]  # untouched


@pytest.mark.e2e
def test_a_loop_installed_by_a_module_level_call_fails_the_vectorised_check(tmp_path):
    """row_normalize reads a table a call made at import fills with a loop over the rows: its
    operations counted in the exercise's call grow with the input, whatever installed it (held
    on main's code too, by the count: 10 of 12, as the plain loop)."""
    source = (
        solution("tensors")
        + "\n"
        + IMPORTS
        + (
            "\n\n_T = {}\n\n\ndef _setup():\n    t = _T\n    t['rn'] = lambda x: torch.stack([r / r.sum() for r in x])\n\n\n"
            "_setup()\n\n\ndef row_normalize(x):\n    return _T['rn'](x)\n"
        )
    )
    (tmp_path / "tensors.py").write_text(source)
    done = run_grade(str(tmp_path), "--topic", "tensors", "--format", "json", "-k", "row_normalize")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    got = {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}["row_normalize"]
    assert got["points"] < got["max_points"] and got["cause"].startswith("vectorised"), got
