"""The Gradescope autograder end to end: the zip, run_autograder in a scratch /autograder, results.json.

Each case unpacks the built zip into its own ``<root>/source``, puts a submission in
``<root>/submission`` and runs the zip's ``run_autograder`` with this venv's Python (setup.sh is
not run: it installs system packages). Both ways workers run: in bubblewrap, and in the uid
fallback (``TORCHGRADE_NO_SANDBOX=1`` as root: uid 65534, no namespaces). The runs share the
machine (no namespace of the test's own): each run's sweep must end its own processes and no
other's, which the concurrency test holds with the pid namespace of run_autograder left out.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import GRADE, REPO
from planted import unheld

from grader.base import defaults, grades
from grader.base.options import Limits, Options
from grader.batch.gradescope_results import exercise_tests
from grader.batch.intake import Gradable, Rejected
from grader.engine.subset import submission as subset
from grader.engine.worker.sandbox import sandbox_status
from grader.gradescope.build import build_autograder
from grader.gradescope.config import AutograderProblem, Config
from grader.gradescope.run import locate, results_for, write_results
from grader.sandboxed import seccomp

jsonschema = pytest.importorskip("jsonschema")
import bench_class  # noqa: E402  (the benchmark's class, outside the package; conftest puts it on the path)

TIMEOUT = 3.0  # per probe: the hanging huber costs this once


def _losses_maximum() -> float:
    """A correct losses submission's score on a CPU machine: every check's points but CUDA's."""
    from grader.engine.suites import collected as suites
    from grader.engine.suites import plugin

    checks = [plugin.check_of(item) for item in suites.collected("losses", TIMEOUT).items]
    return sum(float(c.get("points", 1)) for c in checks if not c.get("cuda"))


FULL = _losses_maximum()


def losses_config(timeout: float) -> Config:
    """The autograder's settings for the `losses` topic with ``timeout`` per probe."""
    return Config(Options(limits=Limits(timeout=timeout)).with_topics(("losses",)))


LINGER = 1.0  # seconds a run is watched after run_autograder returned
REFERENCE = (REPO / "solutions" / "losses.py").read_text()

FORMATS = ["text", "html", "simple_format", "md", "ansi"]
VISIBILITIES = ["hidden", "after_due_date", "after_published", "visible"]
# Gradescope's published fields (additionalProperties: False), plus what this autograder promises
# (the "required" lists).
TEST_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "name_format": {"enum": FORMATS},
        "number": {"type": "string"},
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]},
        "output": {"type": "string"},
        "output_format": {"enum": FORMATS},
        "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": {"enum": VISIBILITIES},
        "extra_data": {"type": "object"},
    },
    "required": ["name", "score", "max_score", "status", "output", "tags", "visibility"],
    "additionalProperties": False,
}
RESULTS_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"enum": FORMATS},
        "test_output_format": {"enum": FORMATS},
        "test_name_format": {"enum": FORMATS},
        "visibility": {"enum": VISIBILITIES},
        "stdout_visibility": {"enum": VISIBILITIES},
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST_SCHEMA},
        "leaderboard": {"type": "array", "items": {"type": "object", "required": ["name", "value"]}},
    },
    "required": ["score", "output", "execution_time", "tests"],
    "additionalProperties": False,
}

WRONG = REFERENCE.replace("e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()", "e = x.exp()")
HANG = bench_class.replace_functions(REFERENCE, {"huber": bench_class.ENDLESS_HUBER})
FORGER = bench_class.FORGER_HEADER + "".join(
    f"\n\ndef {name}(*args, **kwargs):\n    return torch.zeros(())\n" for name in bench_class.FUNCTIONS
)
# Appended to the reference: at import it tries to read the hidden suite and to forge
# results.json four ways, forks a helper and leaves a thread that keeps forging; mse reports
# what it saw (the check's message is the channel).
ATTACK = """

import json as _json, os as _os, threading as _threading, time as _time

_ROOT = {root!r}
_FORGED = '{{"score": 1000.0, "output": "forged", "tests": []}}'
_PLANT = _ROOT + "-planted.json"


def _outcome(action):
    try:
        action()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a thread the filter refuses
        return type(exc).__name__
    return "ok"


def _read(path):
    with open(_ROOT + path) as f:
        f.read()


def _write():
    with open(_ROOT + "/results/results.json", "w") as f:
        f.write(_FORGED)


def _plant():
    with open(_PLANT, "w") as f:
        f.write(_FORGED)


def _replace():
    _plant()
    _os.replace(_PLANT, _ROOT + "/results/results.json")


def _link():
    _os.symlink(_PLANT, _ROOT + "/results/results.json")


def _swap():
    _os.rename(_ROOT + "/results", _ROOT + "/results.old")


_FORGERIES = (_write, _replace, _link, _swap)


def _forge_forever():
    while True:
        for forge in _FORGERIES:
            _outcome(forge)
        _time.sleep(0.05)


def _fork():
    if _os.fork() == 0:
        _forge_forever()


SEEN = {{
    "suite": _outcome(lambda: _read("/source/tests/suites/suite_losses.py")),
    "tests": _outcome(lambda: _os.listdir(_ROOT + "/source/tests")),
    "config": _outcome(lambda: _read("/source/gradescope.json")),
    "metadata": _outcome(lambda: _read("/submission_metadata.json")),
    "root": _outcome(lambda: _os.listdir(_ROOT)),
    **{{forge.__name__[1:]: _outcome(forge) for forge in _FORGERIES}},
    "fork": _outcome(_fork),
    # a thread started once the submission runs: refused where the worker's filter is on
    "thread": _outcome(lambda: _threading.Thread(target=_forge_forever, daemon=True).start()),
}}


def mse(y_hat, y, reduction="mean"):
    raise RuntimeError("SEEN " + _json.dumps(SEEN, sort_keys=True))
"""

# Gradescope's submission metadata holds earlier results, hidden checks' messages included.
METADATA = json.dumps(
    {"previous_submissions": [{"results": {"tests": [{"output": "hidden: expected 0.25"}]}}]}
)

# The wrapper around one run: run_autograder, then a look LINGER seconds later. As a subreaper it
# inherits whatever of the run outlived it, so "left" is what the run failed to end.
WATCH = """
import hashlib, json, subprocess, sys, time
from pathlib import Path
from grader.engine.worker.sweep import become_subreaper, descendants

become_subreaper()
root = Path(sys.argv[1])
done = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, capture_output=True, text=True)
results = root / "results" / "results.json"

def digest():
    return hashlib.sha256(results.read_bytes()).hexdigest() if results.is_file() else ""

first = digest()
time.sleep(float(sys.argv[2]))
print(json.dumps({"rc": done.returncode, "log": done.stdout[-3000:] + done.stderr[-3000:],
                  "first": first, "later": digest(), "left": descendants()}))
"""


def _zipped(files: dict[str, str]) -> bytes:
    path = Path(tempfile.mkdtemp()) / "work.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    data = path.read_bytes()
    shutil.rmtree(path.parent)
    return data


# case -> the submission's files, given the scratch /autograder (the attacker aims at it)
CASES: dict[str, Callable[[Path], dict[str, str | bytes]]] = {
    "correct": lambda root: {"losses.py": REFERENCE},
    "wrong": lambda root: {"losses.py": WRONG},
    "forger": lambda root: {"losses.py": FORGER},
    "hang": lambda root: {"losses.py": HANG},
    "attacker": lambda root: {"losses.py": REFERENCE + unheld(ATTACK.format(root=str(root)))},
    "zipped": lambda root: {
        "work.zip": _zipped({"hw/losses.py": REFERENCE, "../escape.py": "x = 1", "hw/notes.txt": ""})
    },
    "unusable": lambda root: {"notes.txt": "I did the homework on paper"},
}


# The attacker tests the container and the sandbox: it runs with the subset's check off
# (grader/engine/subset/submission.py refuses it before running), so those layers are seen holding alone.
UNCHECKED = {subset.UNCHECKED: "1"}

# The cases whose outcome depends on how workers run; the others (the wrong answer, judged on the
# trusted side, and the intake's cases, decided before a worker starts) run in bubblewrap only.
ISOLATION_CASES = ("correct", "forger", "hang", "attacker")

# variant -> (environment of run_autograder, cases run)
VARIANTS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "bubblewrap": ({}, tuple(CASES)),
    "uid_fallback": ({"TORCHGRADE_NO_SANDBOX": "1"}, ISOLATION_CASES),
    "uid_fallback_fresh_workers": (
        {"TORCHGRADE_NO_SANDBOX": "1", "TORCHGRADE_FRESH_WORKERS": "1"},
        ("correct", "attacker"),
    ),
}


@dataclass
class Run:
    variant: str
    root: Path
    results: dict
    watch: dict

    def test(self, suffix: str) -> dict:
        (found,) = [t for t in self.results["tests"] if t["name"].endswith(suffix)]
        return found


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    return build_autograder(tmp_path_factory.mktemp("zip") / "autograder.zip", losses_config(TIMEOUT))


def _variant_problem(variant: str) -> str:
    if variant == "bubblewrap":
        usable, how = sandbox_status()
        return "" if usable else f"no bubblewrap: {how}"
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return "the uid fallback needs root and setpriv"
    return ""


def _case(runs: dict[str, Run], case: str) -> Run:
    if case not in runs:
        pytest.skip(f"{case} is not run in this variant")
    return runs[case]


def _scratch_root(autograder_zip: Path, case: str) -> Path:
    """A fresh /autograder: the zip unpacked in source/, the case in submission/, results/."""
    root = Path(tempfile.mkdtemp(prefix=f"torchgrade-gs-{case}-"))  # not pytest's 0700 tmp: uid 65534 passes
    os.chmod(root, 0o711)
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    (root / "submission_metadata.json").write_text(METADATA)  # as Gradescope writes it
    for name, content in CASES[case](root).items():
        (root / "submission" / name).write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def _run(root: Path, variant: str, extra: dict[str, str] | None = None) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TORCHGRADE_", "PYTEST_"))}
    env |= {"TORCHGRADE_AUTOGRADER_ROOT": str(root), "TORCHGRADE_PYTHON": sys.executable}
    env |= VARIANTS[variant][0] | (extra or {})
    argv = [sys.executable, "-c", WATCH, str(root), str(LINGER)]
    done = subprocess.run(argv, env=env, cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    watch = json.loads(done.stdout.strip().splitlines()[-1])
    assert watch["rc"] == 0, watch["log"]
    return Run(variant, root, json.loads((root / "results" / "results.json").read_text()), watch)


@pytest.fixture(scope="module", params=list(VARIANTS))
def runs(request, autograder_zip) -> dict[str, Run]:
    problem = _variant_problem(request.param)
    if problem:
        pytest.skip(problem)
    roots = {case: _scratch_root(autograder_zip, case) for case in VARIANTS[request.param][1]}
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            case: pool.submit(_run, root, request.param, UNCHECKED if case == "attacker" else None)
            for case, root in roots.items()
        }
        outcome = {case: future.result() for case, future in futures.items()}
    yield outcome
    for root in roots.values():
        shutil.rmtree(root, ignore_errors=True)
        Path(f"{root}-planted.json").unlink(missing_ok=True)


@pytest.mark.e2e
def test_every_results_json_follows_gradescope_format(runs):
    jsonschema.Draft202012Validator.check_schema(RESULTS_SCHEMA)
    for case, run in runs.items():
        jsonschema.Draft202012Validator(RESULTS_SCHEMA).validate(run.results)
        assert run.results["score"] == sum(t["score"] for t in run.results["tests"]), case


@pytest.mark.e2e
def test_correct_submission_gets_full_score(runs):
    results = _case(runs, "correct").results
    assert results["tests"] and all(t["status"] == "passed" for t in results["tests"])
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == FULL
    visible = grades.text(
        grades.added(t["max_score"] for t in results["tests"] if t["visibility"] == "visible")
    )
    said = (
        f"Score of the visible tests: {visible} / {visible}; the total with the hidden checks is shown once"
    )
    assert said in results["output"] and "Sandbox: " in results["output"]  # no total before publication
    mse = _case(runs, "correct").test("losses: mse")  # one test per exercise, its checks listed
    assert "  ✓ regression_loss_reductions[mse-mean]: passed" in mse["output"]
    cross_entropy = _case(runs, "correct").test(
        "losses: cross_entropy (hidden checks)"
    )  # a test of their own
    assert "  ✓ hidden gradient check 1: passed" in cross_entropy["output"]
    assert mse["visibility"] == "visible" and cross_entropy["visibility"] == defaults.HIDDEN_VISIBILITY
    assert " hidden " not in _case(runs, "correct").test("losses: cross_entropy")["output"]
    assert mse["tags"][0] == "losses" and "gradient" in cross_entropy["tags"]
    assert "runs_on_cuda" not in json.dumps(results), "skipped checks are left out"


@pytest.mark.e2e
def test_sandbox_is_named(runs):
    run = _case(runs, "correct")
    if run.variant.startswith("uid_fallback"):
        assert "uid 65534, no namespaces" in run.results["output"]
    else:
        assert "Sandbox: bubblewrap" in run.results["output"]


@pytest.mark.e2e
def test_wrong_softmax_fails_and_says_where(runs):
    run = _case(runs, "wrong")
    results = run.results
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed and 0 < results["score"] < sum(t["max_score"] for t in results["tests"])
    softmax = run.test("losses: softmax")  # one test per exercise
    assert softmax["status"] == "failed" and softmax["score"] < softmax["max_score"]
    assert "±1000" not in json.dumps(results), "the hidden check's input (logits of ±1000) stays hidden"
    assert all(t["output"] for t in failed), "every failed exercise says why"


@pytest.mark.e2e
def test_failed_hidden_checks_show_kind_only(runs):
    """As grade batch shows them: no test id, message, input or expected value."""
    results = _case(runs, "wrong").results
    listed = [line for t in results["tests"] for line in t["output"].split("checks:\n", 1)[1].splitlines()]
    hidden = [line for line in listed if " hidden " in line]
    assert any(line.startswith("  ✗") for line in hidden), "the wrong softmax fails hidden checks too"
    for line in hidden:
        assert re.fullmatch(r"  [✓✗] hidden (value|gradient|convergence|device) check \d+: [a-z ]+", line), (
            line
        )
    assert "softmax_family_stable_at_1000" not in json.dumps(results), "a hidden check's id stays hidden"


@pytest.mark.e2e
def test_forger_gets_nothing(runs):
    results = _case(runs, "forger").results
    assert results["score"] == 0 and all(t["status"] == "failed" for t in results["tests"])


@pytest.mark.e2e
def test_hang_costs_only_its_checks(runs):
    tests = _case(runs, "hang").results["tests"]
    (huber,) = [t for t in tests if t["name"] == "losses: huber"]
    assert huber["status"] == "failed" and huber["score"] == 0
    # a busy loop is stopped by its CPU-time limit (or, where that cannot be read, the wall clock)
    assert (
        f"did not answer within {TIMEOUT:g} s" in huber["output"]
        or "correct answer's) without answering" in huber["output"]
        or "timed out" in huber["output"]
    ), huber
    assert "✓" not in huber["output"]
    others = [t for t in tests if "huber" not in t["name"]]
    assert others and all(t["status"] == "passed" for t in others)


@pytest.mark.e2e
def test_attacker_reads_no_suite_and_forges_no_results(runs):
    run = _case(runs, "attacker")
    messages = run.test("losses: mse")["output"]
    found = re.search(r"SEEN (\{.*?\})", messages)
    assert found, messages[-1500:]
    seen = json.loads(found.group(1))
    assert set(seen) == {
        "suite",
        "tests",
        "config",
        "metadata",
        "root",
        "write",
        "replace",
        "link",
        "swap",
        "fork",
        "thread",
    }
    assert {k for k, v in seen.items() if v == "ok"} <= {"fork", "thread"}, seen
    if seccomp.supported():
        assert seen["fork"] == "BlockingIOError"
    assert "def test_" not in json.dumps(run.results), "no suite source in the results"
    results = run.root / "results" / "results.json"
    assert not results.is_symlink() and not (run.root / "results.old").exists()
    assert run.results["score"] < 1000 and run.results["tests"][0]["name"].startswith("losses: ")
    others = [t for t in run.results["tests"] if "mse" not in t["name"]]
    assert others and all(t["status"] == "passed" for t in others)


@pytest.mark.e2e
def test_nothing_outlives_grading(runs):
    for case, run in runs.items():
        assert run.watch["first"] and run.watch["first"] == run.watch["later"], (
            f"{case}: results.json changed"
        )
        assert run.watch["left"] == [], f"{case}: processes of the run still running"


@pytest.mark.e2e
def test_zip_submission_is_unpacked_defensively(runs):
    run = _case(runs, "zipped")
    assert run.results["score"] == FULL
    assert not (run.root / "escape.py").exists() and not (run.root / "submission" / "escape.py").exists()


@pytest.mark.e2e
def test_unusable_submission_says_why(runs):
    results = _case(runs, "unusable").results
    assert results["score"] == 0 and results["tests"] == []
    assert "could not be graded" in results["output"] and "notes.txt" in results["output"]


SPAWNER = """
import os, sys, time
if os.fork() == 0:  # a daemon: double fork, its parent gone at once, the orphan in a session of its own
    if os.fork() == 0:
        os.setsid()
        open(sys.argv[1], "w").write(str(os.getpid()))
        time.sleep(600)
    os._exit(0)
while True:  # and, as a worker without seccomp could, detached children without end
    if os.fork() == 0:
        os.setsid()
        time.sleep(600)
    time.sleep(0.02)
"""
SWEEP = """
import subprocess, sys, time
from pathlib import Path
from grader.engine.worker.sweep import become_subreaper, descendants, kill_descendants

assert become_subreaper()
subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.0)
seen = set(descendants()) | {int(Path(sys.argv[2]).read_text())}
started = time.monotonic()
left = kill_descendants(patience=5)
seconds = round(time.monotonic() - started, 3)
time.sleep(0.5)
def alive(pid):  # a child of another parent may be a zombie for a moment: that is dead
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] not in "ZX"
    except OSError:
        return False
print(len(seen), seconds, left + [pid for pid in seen if alive(pid)])
"""


@pytest.mark.e2e
def test_sweep_kills_what_the_run_started_and_nothing_else(tmp_path):
    """No namespace, no uid: the run's daemon and a process that keeps forking die; a process of
    the same uid that the run did not start lives on."""
    daemon = tmp_path / "daemon.pid"
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        argv = [sys.executable, "-c", SWEEP, SPAWNER, str(daemon)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=REPO)
        seen, seconds, left = done.stdout.split(" ", 2)
        assert int(seen) > 5 and left.strip() == "[]", done.stdout + done.stderr
        assert float(seconds) < 5
        assert bystander.poll() is None, "the sweep reached a process that is not the run's"
    finally:
        bystander.kill()
        bystander.wait()
        _kill_if_alive(int(daemon.read_text()) if daemon.is_file() else 0)


def _kill_if_alive(pid: int) -> None:
    """The test's own daemon, should the sweep have missed it."""
    if pid:
        try:
            handle = os.pidfd_open(pid)
        except OSError:
            return
        signal.pidfd_send_signal(handle, signal.SIGKILL)
        os.close(handle)


@pytest.mark.e2e
def test_two_runs_and_a_batch_beside_each_other_all_grade_right(autograder_zip, tmp_path):
    """Two autograder runs (no pid namespace: the sweep alone) and a `grade batch`, all in the uid
    fallback at once: whichever ends first must not kill the others' workers (uid 65534 all)."""
    if _variant_problem("uid_fallback"):
        pytest.skip(_variant_problem("uid_fallback"))
    roots = {case: _scratch_root(autograder_zip, case) for case in ("correct", "hang")}
    submissions = tmp_path / "class"
    submissions.mkdir()
    for student in ("ada", "bob"):
        (submissions / student).mkdir()
        (submissions / student / "losses.py").write_text(REFERENCE)
    out = tmp_path / "out"
    batch = [*GRADE, "batch", str(submissions), "--out", str(out), "--workers", "1", "--topic", "losses"]
    batch += ["--timeout", str(TIMEOUT), "--allow-no-sandbox"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "TORCHGRADE_NO_SANDBOX": "1"}
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            graded = pool.submit(subprocess.run, batch, env=env, capture_output=True, text=True, timeout=600)
            runs = {
                case: pool.submit(_run, root, "uid_fallback", {"TORCHGRADE_PID_NAMESPACE": "0"})
                for case, root in roots.items()
            }
            correct, hang = runs["correct"].result(), runs["hang"].result()
            done = graded.result()
    finally:
        for root in roots.values():
            shutil.rmtree(root, ignore_errors=True)
    assert correct.results["score"] == FULL, [t for t in correct.results["tests"] if t["status"] != "passed"]
    others = [t for t in hang.results["tests"] if "huber" not in t["name"]]
    assert others and all(t["status"] == "passed" for t in others), [
        t for t in others if t["status"] != "passed"
    ]
    assert correct.watch["left"] == hang.watch["left"] == []
    assert done.returncode == 0, done.stderr[-2000:]
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert [(r["student"], float(r["total"])) for r in rows] == [("ada", FULL), ("bob", FULL)], rows


# ---- without grading --------------------------------------------------------------------------


@pytest.mark.unit
def test_zip_holds_what_grading_needs_and_nothing_secret(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        config = json.loads(archive.read("gradescope.json"))
    assert {"setup.sh", "run_autograder", "pyproject.toml", "README.md", "gradescope.json"} <= names
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755
    assert {"grader/gradescope/__init__.py", "grader/sandboxed/worker.py", "exercises/losses.py"} <= names
    assert any(n.startswith("datasets/") for n in names)
    assert {n for n in names if n.startswith("tests/")} == {
        "tests/suites/answers_losses.pt",
        "tests/suites/domains_losses.py",
        "tests/suites/pack.toml",
        "tests/suites/pytest.ini",
        "tests/suites/suite_losses.py",
        # the pack's own catalogue (its suites' words) and its docstrings' translation, in Chinese
        "tests/suites/locale/zh_CN/LC_MESSAGES/torchgrade.mo",
        "tests/suites/locale/zh_CN/docstrings/losses.md",
    }
    assert not any(n.startswith(("solutions/", ".git", "tests/grader")) for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert config["topics"] == ["losses"] and config["hidden_visibility"] == "after_published"
    assert config["timeout"] == TIMEOUT


@pytest.mark.unit
@pytest.mark.parametrize(
    "topics, visibility, reason",
    [(("calculus",), "after_published", "unknown topic"), (("losses",), "tomorrow", "hidden visibility")],
)
def test_build_refuses_what_gradescope_cannot_use(tmp_path, topics, visibility, reason):
    with pytest.raises(AutograderProblem, match=reason):
        build_autograder(tmp_path / "a.zip", Config(Options().with_topics(topics), visibility))
    assert not list(tmp_path.iterdir())


@pytest.mark.unit
def test_results_are_written_fresh_never_through_a_link(tmp_path):
    victim = tmp_path / "victim.json"
    victim.write_text("untouched")
    results = tmp_path / "results"
    results.mkdir()
    (results / "results.json").symlink_to(victim)
    written = write_results(results, {"score": 1.0, "tests": []})
    assert victim.read_text() == "untouched" and not written.is_symlink()
    assert json.loads(written.read_text()) == {"score": 1.0, "tests": []}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(results)
    results.symlink_to(elsewhere)
    write_results(results, {"score": 2.0})
    assert not results.is_symlink() and not list(elsewhere.iterdir())


@pytest.mark.unit
def test_statuses_become_passed_or_failed_and_skips_leave(tmp_path):

    def check(id_: str, status: str, message: str = "", public: bool = False) -> dict:
        points = 1.0 if status == "passed" else 0.0
        maximum = 0.0 if status == "skipped" else 1.0
        return {
            "id": id_,
            "kind": "shape",
            "status": status,
            "points": points,
            "max_points": maximum,
            "message": message,
            "visibility": "public" if public else "hidden",
            "exercises": ["huber"],
        }

    report = {
        "score": 1.0,
        "max_score": 5.0,
        "sandbox": "bubblewrap",
        "notes": ["a note"],
        "topics": [
            {
                "name": "losses",
                "score": 1.0,
                "max_score": 5.0,
                "tests": [
                    check("a", "passed", public=True),
                    check("b", "failed", "expected 1, got 2"),
                    check("c", "timeout", "huber() did not answer"),
                    check("d", "not_started", "not started: huber() still raises"),
                    check("e", "error", "ValueError while calling"),
                    check("f", "skipped", "no CUDA"),
                ],
            }
        ],
    }
    results = results_for(report, Config(Options().with_topics(("losses",)), "hidden", hidden_messages=True))
    # per exercise its public and its hidden checks, skipped ones left out; then, the hidden ones
    # being "hidden" for good, a test of no points that holds the total back until publication
    huber, secret, held = results["tests"]
    assert (held["max_score"], held["visibility"]) == (0, "after_published")
    assert [
        (t["name"], t["score"], t["max_score"], t["status"], t["visibility"]) for t in (huber, secret)
    ] == [
        ("losses: huber", 1, 1, "passed", "visible"),
        ("losses: huber (hidden checks)", 0, 4, "failed", "hidden"),
    ]
    assert huber["output"] == "checks:\n  ✓ a: passed"
    assert secret["output"] == (
        "huber() did not answer\nand 3 more checks of huber\n\nchecks:\n"
        "  ✗ b: failed\n  ✗ c: timeout\n  ✗ d: not started\n  ✗ e: error"
    )
    assert "Note: a note" in results["output"] and "Sandbox: bubblewrap" in results["output"]
    jsonschema.Draft202012Validator(RESULTS_SCHEMA).validate({**results, "execution_time": 0})
    for visibility in VISIBILITIES:  # without --hidden-messages, whatever the visibility
        shown, hidden, *_ = results_for(report, Config(Options().with_topics(("losses",)), visibility))[
            "tests"
        ]
        assert shown["output"] == "checks:\n  ✓ a: passed" and hidden["visibility"] == visibility
        assert hidden["output"] == (
            "a hidden value check timed out\nand 3 more checks of huber\n\nchecks:\n"
            "  ✗ hidden value check 1: failed\n  ✗ hidden value check 2: timeout\n"
            "  ✗ hidden value check 3: not started\n  ✗ hidden value check 4: error"
        )


@pytest.mark.unit
def test_hidden_checks_points_are_shown_only_with_their_test_and_rounded_as_totals_are():
    """An assignment of 28 points over 9 exercises: 3.11 each, never 3.1111111111111107."""

    def check(id_: str, status: str, public: bool) -> dict:
        return {"id": id_, "kind": "value", "status": status, "points": float(status == "passed"),
                "max_points": 1.0, "message": "", "visibility": "public" if public else "hidden",
                "exercises": ["huber"]}  # fmt: skip

    topic = {
        "name": "losses",
        "tests": [check("a", "passed", True), check("b", "passed", True), check("c", "failed", False)],
    }
    earned, possible = 28 / 9 * 2 / 3, 28 / 9
    standing = {"exercises": {"losses.huber": (earned, possible)}}
    public, hidden = exercise_tests(topic, standing, hidden_text=False, hidden_visibility="after_published")
    assert (public["score"], public["max_score"], public["visibility"]) == (2.07, 2.07, "visible")
    assert (hidden["score"], hidden["max_score"], hidden["visibility"]) == (0.0, 1.04, "after_published")
    assert round(public["max_score"] + hidden["max_score"], 2) == round(possible, 2) == 3.11
    assert round(public["score"] + hidden["score"], 2) == round(earned, 2)
    assert "hidden" not in public["output"] and public["status"] == "passed"


@pytest.mark.unit
def test_hidden_messages_is_the_instructors_choice_at_build_time(tmp_path):
    for asked in (False, True):
        built = build_autograder(
            tmp_path / f"{asked}.zip", Config(Options().with_topics(("losses",)), hidden_messages=asked)
        )
        with zipfile.ZipFile(built) as archive:
            assert Config.from_json(json.loads(archive.read("gradescope.json"))).hidden_messages is asked


@pytest.mark.unit
def test_locate_takes_one_zip_or_the_topic_files(tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "work.zip").write_bytes(_zipped({"hw/losses.py": "x = 1", "../../evil.py": "x = 2"}))
    found = locate(submission, tmp_path / "scratch", ("losses",))
    assert isinstance(found, Gradable) and (found.path / "losses.py").read_text() == "x = 1"
    assert not list(tmp_path.rglob("evil.py"))
    (submission / "other.zip").write_bytes(_zipped({"losses.py": "x = 3"}))
    assert isinstance(locate(submission, tmp_path / "scratch2", ("losses",)), Rejected)
    (submission / "losses.py").write_text("x = 4")
    found = locate(submission, tmp_path / "scratch3", ("losses",))
    assert isinstance(found, Gradable) and found.path == submission


# Gradescope's docs (autograder specifications, "Controlling Test Case Visibility"): a student
# sees the top-level output, the tests whose visibility is "visible", and the total score unless
# a test is held until the due date or publication ("hidden" tests do not hold it back).
HELD = ("after_due_date", "after_published")


def seen_before_publication(results: dict) -> dict:
    """What a student reads of ``results`` before the due date and before grades are published."""
    default = results.get("visibility", "visible")
    tests = [t for t in results["tests"] if t.get("visibility", default) == "visible"]
    held = any(t.get("visibility", default) in HELD for t in results["tests"])
    return {"output": results.get("output", ""), "tests": tests, "score": None if held else results["score"]}


def one_hidden_check(hidden_status: str) -> dict:
    """A losses report: huber's public check passes and its hidden one ends ``hidden_status``;
    mse passes its public and its hidden check."""

    def check(id_: str, status: str, public: bool, exercise: str) -> dict:
        return {"id": id_, "kind": "shape", "status": status, "points": float(status == "passed"),
                "max_points": 1.0, "message": "", "visibility": "public" if public else "hidden",
                "exercises": [exercise]}  # fmt: skip

    tests = [check("a", "passed", True, "huber"), check("b", hidden_status, False, "huber"),
             check("c", "passed", True, "mse"), check("d", "passed", False, "mse")]  # fmt: skip
    score = 3.0 + (hidden_status == "passed")
    topic = {"name": "losses", "score": score, "max_score": 4.0, "tests": tests}
    return {"score": score, "max_score": 4.0, "sandbox": "bubblewrap", "notes": [], "topics": [topic]}


@pytest.mark.unit
@pytest.mark.parametrize("visibility", ["hidden", "after_due_date", "after_published"])
def test_the_hidden_checks_points_cannot_be_derived_before_publication(visibility):
    """Two students alike but for a hidden check: whatever a student sees before publication is
    the same for both (the output read "Score: 34.06 / 40" beside visible tests adding up to
    31.41 / 36.73, and under "hidden" the total showed beside the visible tests)."""
    config = Config(Options().with_topics(("losses",)), visibility)
    right, wrong = (results_for(one_hidden_check(status), config) for status in ("passed", "failed"))
    assert right["score"] == 4.0 and wrong["score"] == 3.0  # Gradescope still records the grade
    assert seen_before_publication(right) == seen_before_publication(wrong)
    for results in (right, wrong):
        jsonschema.Draft202012Validator(RESULTS_SCHEMA).validate({**results, "execution_time": 0})


@pytest.mark.unit
def test_grade_batchs_gradescope_results_hide_the_hidden_checks_points_too():
    from grader.batch.gradebook import Row
    from grader.batch.gradescope_results import gradescope_results

    right, wrong = (
        gradescope_results(Row("s", "h", "v", "graded", "", report["score"], 4.0, report))
        for report in (one_hidden_check("passed"), one_hidden_check("failed"))
    )
    assert (right["score"], wrong["score"]) == (4.0, 3.0)
    assert seen_before_publication(right) == seen_before_publication(wrong)
