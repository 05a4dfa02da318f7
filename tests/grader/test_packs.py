"""Exercise packs (grader/base/packs.py, docs/authors.md): a topic declared in a folder of its own,
outside grader/, graded like the built-in ones; its pack.toml refused with one line naming the
key; `grade author new/record/validate` on the attention pack (tests/packs/attention) and on a
scaffolded one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from helpers import REPO, run_grade

from grader.base import packs

ATTENTION = REPO / "tests" / "packs" / "attention"
WITH_ATTENTION = {packs.PACKS_ENV: "tests/packs/attention"}


@pytest.mark.unit
def test_the_built_in_pack_holds_the_nine_topics_in_teaching_order():
    pack, topics = packs.read_pack(packs.BUILT_IN)
    assert pack.built_in and [t.name for t in topics][:3] == ["tensors", "autograd", "losses"]
    assert topics[2].stub == REPO / "exercises" / "losses.py"
    assert topics[2].solution == REPO / "solutions" / "losses.py"


@pytest.mark.unit
@pytest.mark.parametrize(
    "text, key",
    [
        ('name = "x"\n', "topics"),
        ('[[topics]]\nname = "t"\n', "topics.t.exercises"),
        ('[[topics]]\nname = "t"\nexercises = ["f"]\nseconds = -1\n', "topics.t.seconds"),
        ('[[topics]]\nname = "t"\nexercises = ["f"]\nprobe_cpu_seconds = 0\n', "topics.t.probe_cpu_seconds"),
        ('[[topics]]\nname = "t"\nexercises = ["f"]\nsympy_free = "yes"\n', "topics.t.sympy_free"),
        ('[[topics]]\nname = "t"\nexercises = ["f"]\ncpu = 1\n', "topics.t.cpu"),
        ('stub = "x"\n[[topics]]\nname = "t"\nexercises = ["f"]\n', "stub"),
        ("[[topics\n", "pack.toml"),
    ],
)
def test_a_pack_file_with_a_mistake_is_refused_naming_its_key(tmp_path, text, key):
    (tmp_path / "pack.toml").write_text(text)
    with pytest.raises(packs.PackError, match=key.replace(".", r"\.")):
        packs.read_pack(tmp_path)


@pytest.mark.unit
def test_the_attention_pack_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(packs.PACKS_ENV, "tests/packs/attention")
    topics = packs.all_topics()
    assert topics[-1].name == "attention" and topics[-1].suite == ATTENTION / "suite_attention.py"
    assert topics[-1].answers.is_file() and topics[-1].domains.is_file()


@pytest.mark.unit
def test_two_packs_may_not_declare_one_topic(monkeypatch, tmp_path):
    (tmp_path / "pack.toml").write_text('[[topics]]\nname = "losses"\nexercises = ["mse"]\n')
    monkeypatch.setenv(packs.PACKS_ENV, str(tmp_path))
    with pytest.raises(packs.PackError, match="declared twice"):
        packs.all_topics()


def grade_json(path, env=WITH_ATTENTION) -> dict:
    done = run_grade(str(path), "--format", "json", env=env, fresh=True)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.e2e
def test_the_attention_reference_scores_full_and_its_stub_nothing():
    full = grade_json(ATTENTION / "solutions" / "attention.py")
    assert full["score"] == full["max_score"] > 10, full
    stub = grade_json(ATTENTION / "exercises" / "attention.py")
    assert stub["score"] == 0 and {t["status"] for t in stub["topics"][0]["tests"]} == {"not_started"}


@pytest.mark.e2e
def test_the_device_clause_derived_from_a_declaration_catches_a_cpu_tensor(tmp_path):
    """battery.on_device: a buffer made without device= fails both attention exercises' checks."""
    source = (ATTENTION / "solutions" / "attention.py").read_text()
    wrong = source.replace(
        "weights = torch.softmax(scores, dim=-1)",
        "weights = torch.softmax(scores, dim=-1) + torch.zeros(scores.shape)",
    )
    (tmp_path / "attention.py").write_text(wrong)
    tests = grade_json(tmp_path / "attention.py")["topics"][0]["tests"]
    failed = sorted(t["id"] for t in tests if t["status"] != "passed")
    assert failed == [  # the battery walks its cases on the second device too (its default paths, forms)
        "input_domain[scaled_dot_product_attention]",
        *(f"on_a_second_device[{n}]" for n in ("MultiHeadAttention", "scaled_dot_product_attention")),
    ]


def author(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", "author", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        timeout=600,
    )


@pytest.mark.e2e
def test_the_attention_pack_validates_with_its_answers_current():
    assert author("record", "attention", "--check", env=WITH_ATTENTION).returncode == 0
    done = author("validate", "attention", env=WITH_ATTENTION)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "attention: reference 16/16" in done.stdout and "mutation score 26/26" in done.stdout, done.stdout


NORMS = REPO / "tests" / "packs" / "norms"


@pytest.mark.e2e
def test_the_norms_pack_validates_with_its_answers_current():
    """The second pack (normalisation layers: functions and modules, running statistics across
    train and eval): answers current, the reference full, the stub nothing, every mutant killed
    but the one marked. Its own mistakes (``mistakes/``) are graded by hand, not here (30 s more):
    ``grade author validate norms --mistakes tests/packs/norms/mistakes``."""
    env = {packs.PACKS_ENV: "tests/packs/norms"}
    assert author("record", "norms", "--check", env=env).returncode == 0
    done = author("validate", "norms", "--min-score", "95", env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "norms: reference 19/19" in done.stdout and "norms: stub 0/19" in done.stdout, done.stdout
    assert "mutation score 88/88" in done.stdout, done.stdout


@pytest.mark.e2e
def test_a_scaffolded_pack_records_grades_and_validates(tmp_path):
    folder = tmp_path / "gates"
    assert author("new", "gates", str(folder), env={}).returncode == 0
    env = {packs.PACKS_ENV: str(folder)}
    assert author("record", "gates", env=env).returncode == 0
    done = author("validate", "gates", env=env)
    assert "gates: mutation score 5/5 (100.0%)" in done.stdout, done.stdout + done.stderr


@pytest.mark.e2e
def test_a_pack_topic_is_released_and_graded_on_gradescope(tmp_path):
    """The attention pack as a course hands it out: a student release holds its stub, public
    checks, domains and answers, and grades the reference full there; a Gradescope zip of it
    grades the reference full in a scratch /autograder."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **WITH_ATTENTION}
    grade = [sys.executable, "-m", "grader"]
    release, course = tmp_path / "release", tmp_path / "course.toml"
    course.write_text(
        f'[course]\npacks = ["{ATTENTION}"]\n\n[assignments.hw9]\ntopics = ["attention"]\npoints = 30\n'
    )
    done = subprocess.run(
        [*grade, "release", str(release), "--course", str(course), "--assignment", "hw9"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (release / "tests/suites/answers_attention.pt").is_file() and (
        release / "hints/attention.md"
    ).is_file()
    shutil.copy(ATTENTION / "solutions" / "attention.py", release / "exercises" / "attention.py")
    learner = {k: v for k, v in env.items() if k != packs.PACKS_ENV} | {"PYTHONPATH": str(release)}
    done = subprocess.run(
        [*grade, "exercises/attention.py", "--format", "json"],
        env=learner,
        cwd=release,
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"] > 0, done.stdout[-2000:]

    zipped, root = tmp_path / "autograder.zip", Path(tempfile.mkdtemp(prefix="torchgrade-gs-pack-"))
    done = subprocess.run([*grade, "gradescope", str(zipped), "--topic", "attention"], env=env, cwd=REPO)
    assert done.returncode == 0
    os.chmod(root, 0o711)  # uid 65534 passes
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    (root / "submission_metadata.json").write_text("{}")
    shutil.copy(ATTENTION / "solutions" / "attention.py", root / "submission" / "attention.py")
    outside = {k: v for k, v in os.environ.items() if not k.startswith(("TORCHGRADE_", "PYTEST_"))}
    outside |= {"TORCHGRADE_AUTOGRADER_ROOT": str(root), "TORCHGRADE_PYTHON": sys.executable}
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], env=outside, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0, results
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.unit
def test_a_packs_catalogue_translates_its_suites_words_after_the_graders(monkeypatch, tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from grader.base import i18n

    catalog = Catalog(locale="zh_CN")
    catalog.add("the weights of a head", "一个头的权重")
    catalog.add("a result", "另一个译文")  # the grader's own word: its catalogue wins
    catalog.add("{0} heads of the weights", "{0} 个头的权重")  # a suite's f-string, as a template
    folder = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "heads.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setenv(packs.PACKS_ENV, str(tmp_path))
    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n._catalogue.cache_clear()
    i18n._templates.cache_clear()
    i18n.refresh()
    try:
        assert i18n._("the weights of a head") == "一个头的权重"
        assert i18n._("a result") == "一个结果"
        assert i18n.text("4 heads of the weights") == "4 个头的权重"  # the pack's templates are read too
    finally:
        monkeypatch.undo()
        i18n._catalogue.cache_clear()
        i18n._templates.cache_clear()
        i18n.refresh()


REFUSES_A_SOLVED_PACK_STUB = """
import sys
from grader.apps import leaks
from grader.base.topics import REPO_ROOT, of
reference = of("attention").solution.read_text()
try:
    leaks.refuse({"exercises/attention.py": reference}, {}, checkout=REPO_ROOT)
except leaks.LeakFound as found:
    print("refused", found)
"""


@pytest.mark.e2e
def test_a_release_holding_a_packs_answer_is_refused():
    done = subprocess.run(
        [sys.executable, "-c", REFUSES_A_SOLVED_PACK_STUB],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **WITH_ATTENTION},
    )
    assert done.stdout.startswith("refused") and "attention.py" in done.stdout, done.stdout + done.stderr


@pytest.mark.unit
def test_a_module_stub_may_call_super_init_before_it_raises():
    """The attention pack's stub did (`grade notebooks` refused it as solved); anything more is an answer."""
    import ast

    from grader.apps import leaks

    stub = "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        raise NotImplementedError\n"
    solved = stub.replace("raise NotImplementedError", "self.w = nn.Linear(2, 2)")
    assert leaks.is_stub(ast.parse(stub).body[0]) and not leaks.is_stub(ast.parse(solved).body[0])


NON_ANSWERS = {
    "raises": "class MultiHeadAttention(nn.Module):\n    def __init__(self, embed_dim, num_heads):\n"
    "        raise ValueError('no')\n",
    "zeros": "class MultiHeadAttention(nn.Module):\n    def __init__(self, embed_dim, num_heads):\n"
    "        super().__init__()\n        if embed_dim % num_heads:\n            raise ValueError('no')\n\n"
    "    def forward(self, x, mask=None):\n        return torch.zeros_like(x)\n",
}


@pytest.mark.e2e
@pytest.mark.parametrize("kind", list(NON_ANSWERS))
def test_a_module_that_answers_nothing_earns_only_its_heads_check(tmp_path, kind):
    """A MultiHeadAttention that always raises earns nothing; one whose forward is zeros earns only
    the heads check its __init__ answers (they earned the causal and heads checks before)."""
    stub = (ATTENTION / "exercises" / "attention.py").read_text()
    source = stub[: stub.index("class MultiHeadAttention")] + NON_ANSWERS[kind]
    (tmp_path / "attention.py").write_text(source)
    exercises = grade_json(tmp_path / "attention.py")["topics"][0]["exercises"]
    earned = {e["name"]: e["points"] for e in exercises}
    assert earned == {
        "causal_mask": 0.0,
        "scaled_dot_product_attention": 0.0,
        "MultiHeadAttention": 0.0 if kind == "raises" else 1.0,
    }


@pytest.mark.e2e
def test_validate_exits_non_zero_when_its_reference_is_not_full(tmp_path):
    pack = tmp_path / "attention"
    shutil.copytree(ATTENTION, pack)
    reference = pack / "solutions" / "attention.py"
    reference.write_text(reference.read_text().replace(".tril()", ".triu()"))
    done = author("validate", "attention", "--exercise", "causal_mask", env={packs.PACKS_ENV: str(pack)})
    assert "(NOT FULL)" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 1, done.stdout


@pytest.mark.e2e
def test_a_pack_named_in_a_course_file_outside_the_checkout_is_graded(tmp_path):
    shutil.copytree(ATTENTION, tmp_path / "course" / "attention")
    course = tmp_path / "course" / "course.toml"
    course.write_text('[course]\nname = "elsewhere"\npacks = ["attention"]\n')
    students = tmp_path / "class"
    students.mkdir()
    shutil.copy(ATTENTION / "solutions" / "attention.py", students / "alice_attention.py")
    done = run_grade(
        "batch", str(students), "--out", str(tmp_path / "out"), "--course", str(course), fresh=True
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (row,) = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    assert float(row["total"]) == float(row["max"]) > 10, row


@pytest.mark.e2e
def test_the_derived_device_check_feeds_a_module_case_its_inputs_one_at_a_time(tmp_path):
    """A module case is built, then fed each of its inputs (grader/checks/domains.py): the device
    check derived from it did forward(*inputs) and failed a correct reference with a TypeError."""
    pack = tmp_path / "attention"
    shutil.copytree(ATTENTION, pack)
    domains = pack / "domains_attention.py"
    one = "(randn(20, 3, 5, 8),),\n            [(3, 5, 8)],"
    assert one in domains.read_text()
    domains.write_text(
        domains.read_text().replace(
            one, "(randn(20, 3, 5, 8), randn(23, 2, 5, 8)),\n            [(3, 5, 8), (2, 5, 8)],"
        )
    )
    env = {packs.PACKS_ENV: str(pack)}
    assert author("record", "attention", env=env).returncode == 0
    full = grade_json(pack / "solutions" / "attention.py", env=env)
    failed = [t["id"] + ": " + t["message"] for t in full["topics"][0]["tests"] if t["status"] != "passed"]
    assert failed == [] and full["score"] == full["max_score"], failed


@pytest.mark.e2e
def test_validate_reports_marked_mutants_what_killed_each_and_the_authors_own_mistakes(tmp_path):
    mistakes = tmp_path / "mistakes"
    mistakes.mkdir()
    reference = (ATTENTION / "solutions" / "attention.py").read_text()
    said = reference.split("\n", 1)[0]  # its docstring: a mistake says what it gets wrong in its own
    upper = reference.replace(said, '"""the mask keeps the future"""').replace(".tril()", ".triu()")
    (mistakes / "upper.py").write_text(upper)
    fill = reference.replace(said, '"""masked scores filled with -1e4, not -inf"""')
    (mistakes / "fill.py").write_text(fill.replace('float("-inf")', "-1e4"))  # caught at large magnitudes
    harmless = reference.replace(said, '"""a comment added: nothing to catch"""')  # what a miss reads like
    (mistakes / "comment.py").write_text(harmless + "\n# a comment\n")
    args = ("validate", "attention", "--exercise", "causal_mask", "--mistakes", str(mistakes))
    done = author(*args, env=WITH_ATTENTION)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "marked equivalent [d937b76de4]" in out and "because causal_mask: .detach() of a bool" in out, out
    assert "    killed [" in out and "  by causal_mask" in out, out
    assert "your mistakes: 2/3 caught (67%)" in out, out
    assert "caught upper.py (the mask keeps the future)" in out, out
    assert "caught fill.py (masked scores filled with -1e4, not -inf)" in out, out
    assert "MISSED comment.py: the clause missed: a comment added: nothing to catch" in out, out


def battery_only_attention(pack: Path) -> None:
    """The attention pack at ``pack`` as a new pack's author writes it first: its suite the battery
    and the derived clauses alone, MultiHeadAttention declared without structure cases (so its
    only judged-by-value module case is the derived creation case)."""
    shutil.copytree(ATTENTION, pack)
    suite = pack / "suite_attention.py"
    text = suite.read_text()
    start = text.index('@check("shape", exercise="MultiHeadAttention")\ndef test_a_causal_head')
    end = text.index("def raises_value_error")
    suite.write_text(text[:start] + text[end:])
    domains = pack / "domains_attention.py"
    text = domains.read_text().replace('"edge state structure creation"', '"edge state creation"')
    start = text.index("        # weights drawn from their shapes alone")
    end = text.index('        module_case(\n            "state"')
    domains.write_text(text[:start] + text[end:])


@pytest.mark.e2e
def test_a_derived_module_case_judges_the_gradient_into_its_input(tmp_path):
    """A .detach() on a module's output answers the same values: the derived creation case judges
    the gradient into the module's input beside them, so `grade author validate` catches it."""
    pack = tmp_path / "attention"
    battery_only_attention(pack)
    env = {packs.PACKS_ENV: str(pack)}
    assert author("record", "attention", env=env).returncode == 0
    mistakes = tmp_path / "mistakes"
    mistakes.mkdir()
    reference = (pack / "solutions" / "attention.py").read_text()
    said = reference.split("\n", 1)[0]
    cut = "return self.out_proj(out.transpose(1, 2).reshape(b, n, -1))"
    assert cut in reference
    detached = reference.replace(said, '"""the output detached"""').replace(cut, cut + ".detach()")
    (mistakes / "detached.py").write_text(detached)
    args = ("validate", "attention", "--exercise", "MultiHeadAttention", "--mistakes", str(mistakes))
    done = author(*args, "--workers", "2", env=env)
    assert "NOT FULL" not in done.stdout, done.stdout + done.stderr
    assert "caught detached.py (the output detached)" in done.stdout, done.stdout + done.stderr


def _grader_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of each ``from grader... import name`` (name "" for ``import grader...``)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "grader":
            found += [(str(node.module), alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.split(".")[0] == "grader"]
    return found


@pytest.mark.engine  # every pack and grader module parsed: a repository sweep (tests/grader/tiers.py)
def test_a_pack_imports_only_the_authors_contract(tmp_path):
    """Every pack, the built-in one (tests/suites) among them, and the one `grade author new`
    writes import from grader/ only what grader.checks.PACK_API names (docs/authors.md, "What a
    pack may import"; seen failing for the built-in pack: strategies, probe_kit, held_out,
    near_tied_rows were outside the contract)."""
    from grader.authoring.scaffold import scaffold
    from grader.checks import PACK_API

    written = scaffold(tmp_path / "gates", "gates")
    packs = [REPO / "tests" / "packs", REPO / "tests" / "suites"]
    sources = [
        *(p for pack in packs for p in sorted(pack.rglob("*.py"))),
        *(p for p in written if p.suffix == ".py"),
    ]
    outside = [
        f"{path.name}: {module}.{name}"
        for path in sources
        for module, name in _grader_imports(path)
        if name not in PACK_API.get(module, frozenset())
    ]
    assert len(sources) > 4 and outside == [], outside
