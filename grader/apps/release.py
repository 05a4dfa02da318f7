"""The student release: ``grade release OUT`` writes what a course hands out, from a list (docs/sandbox.md,
"What is handed out holds no answer"). Each suite is cut down to its public tests and the module-level code
they use (transitively), so hidden tests, their probes and their thresholds are not in the release at all."""

from __future__ import annotations

import ast
import json
import secrets
from pathlib import Path

from grader.apps.leaks import refuse, refuse_held_out
from grader.apps.ticker import Step, quiet
from grader.base import defaults
from grader.base.i18n import N_, _, in_language, ngettext
from grader.base.packs import flattened_toml
from grader.base.topics import (
    MANIFEST,
    RELEASE_MARKER,
    REPO_ROOT,
    available_topics,
    suite_path,
)
from grader.checks.verdict.exercises import judge
from grader.checks.verdict.weighing import kind_weighed
from grader.course.projections import SUITE_FIELDS, handout_files

LEARNER_README = N_("""# Exercises: deep learning with PyTorch

Fill in the stubs in `exercises/` (each docstring is the specification), or work in the
notebooks in `notebooks/` (a `check("name")` cell after each exercise runs its checks).
This release holds the public checks only; your course's hidden checks grade more.

## Set up once (Python >= 3.10)

```sh
python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 && .venv/bin/pip install -e .
. .venv/bin/activate
grade doctor            # checks this machine, one line per finding, with the fix
```

On Linux, install bubblewrap for the sandbox (`apt-get install -y bubblewrap`). On Windows,
work in WSL 2 (it is Linux): `grade` says so. On macOS, grading runs without the sandbox,
each check's worker in a fresh Python (slower).

## The loop

```sh
grade next              # where to start: the first exercise not done yet
grade watch exercises/  # leave it open: every save re-grades that topic at once
grade exercises/losses.py --exercise softmax   # one exercise's checks
grade exercises/ -k "softmax and not log"      # checks chosen by name or kind
grade hint softmax      # a hint; ask again for the next, closer one
grade reset softmax     # put the original stub back (your file is saved first)
```

`grade next --run` grades the exercise it names straight away. `grade hint softmax --reset`
starts that exercise's hints from the first one again. After your first `grade` on Linux, a
warm engine stays in the background (%(minutes)s minutes idle at most), so the next ones answer in
well under a second; `--no-daemon` grades in a fresh process instead. `grade engine status`
shows the engine (its process, its memory), `grade engine stop` stops it.

## What graded code may use

Graded code is a subset of Python: the public names of torch, numpy and the standard helpers
(math, typing, collections...; no `_private` module), attributes written out by name, no
`eval`/`exec`/`globals()`.
Anything else is refused before it runs, with the line and what to write instead; the
header of each file in `exercises/` says the same.

## Reading the report

Each topic's row shows its points and how many checks passed, failed or were not started.
Checks carry points: most count 1, some training (convergence) checks count 2, so `10/15`
beside `9 passed` is not a mistake. Under the table, each failing check says what was
checked, what was expected, what came out, and a hint.
""")


def learner_readmes() -> dict[str, bytes]:
    """{file: text} of the learner's README: ``README.md`` in English and ``README.<lang>.md``
    in each language the catalogue has."""
    minutes = {"minutes": f"{defaults.DAEMON_IDLE_SECONDS / 60:g}"}
    found = {"README.md": (LEARNER_README % minutes).encode()}
    for lang in defaults.LANGUAGES:
        if lang != "en":
            found[f"README.{lang}.md"] = (in_language(lang, LEARNER_README) % minutes).encode()
    return found


def _is_public_test(node: ast.stmt) -> bool:
    if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
        return False
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "check":
            return any(
                k.arg == "public" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in decorator.keywords
            )
    return False


def _defined_names(node: ast.stmt) -> set[str]:
    """The module-level names ``node`` binds or changes: ``TABLE["k"] = ...`` and
    ``TABLE.update(...)`` change ``TABLE``, so a kept use of it keeps them too."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        targets: list[ast.expr | None] = (
            [node.value.func.value] if isinstance(node.value.func, ast.Attribute) else []
        )
    else:
        targets = list(node.targets) if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    found = set()
    for target in targets:
        while isinstance(target, (ast.Subscript, ast.Attribute)):
            target = target.value
        if isinstance(target, ast.Name):
            found.add(target.id)
    return found


def public_suite(source: str) -> tuple[str, int]:
    """(the suite cut down to its public tests, the declarations the engine reads from a suite
    (:data:`grader.course.projections.SUITE_FIELDS`: OFF_LIMITS, VECTORISED... judge every submission,
    whatever a public test names) and what they use, how many tests were cut)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    wanted = [n for n in tree.body if _is_public_test(n)]
    hidden = sum(isinstance(n, ast.FunctionDef) and n.name.startswith("test_") for n in tree.body) - len(
        wanted
    )
    needed = {n.name for n in wanted if isinstance(n, ast.FunctionDef)} | set(SUITE_FIELDS)
    changed = True
    while changed:  # close over the module-level names the kept code uses
        changed = False
        for node in tree.body:
            if _defined_names(node) & needed:
                used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                if not used <= needed:
                    needed |= used
                    changed = True
    kept = []
    for index, node in enumerate(tree.body):
        keep = (
            (index == 0 and isinstance(node, ast.Expr))
            or isinstance(node, (ast.Import, ast.ImportFrom))
            or bool(_defined_names(node) & needed)
        )
        if keep:
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            kept.append("\n".join(lines[start - 1 : node.end_lineno]))
    return "\n\n\n".join(kept) + "\n", hidden


def check_kinds(topic: str, kind_weights: dict[str, float] | None = None) -> tuple[dict, dict]:
    """({exercise: {kind: count}} of ``topic``'s hidden checks (the release's check() names
    them), {exercise: its maximum in the report, every check passing, public and hidden, at
    ``kind_weights``}: what a course's points scale, grader/apps/course_points.py; a check that
    runs on CUDA only is left out, as a grader without a GPU skips it)."""
    # pytest and the suites: only when a release is built
    from grader.engine import check_table
    from grader.engine.suites import collected as suites

    rows = suites.collected(topic, defaults.PROBE_TIMEOUT).rows
    passing = [
        {"id": r.id, "kind": r.kind, "status": "passed", "points": r.points, "max_points": r.points,
         "exercises": list(r.exercises), "clause": r.clause}
        for r in rows
        if not r.cuda
    ]  # fmt: skip
    whole = {e.name: e.max_points for e in judge(kind_weighed(passing, kind_weights or {}))}
    return check_table.hidden_kinds(rows), whole


def release_files(topics: list[str], points: dict | None = None) -> dict[str, bytes]:
    """{path in the release: content}: what every hand-out carries of ``topics``
    (:func:`grader.course.projections.handout_files`: the stubs, each topic's files, the grader they run,
    the datasets), their public checks and the learner's README (the hand-outs come from the
    stubs); ``points``: an assignment's split of its points (:func:`course_points.split_of`)."""
    import torch  # here: the release's first line is shown before torch's import

    from grader.checks import taught_answers

    chosen = tuple(t for t in MANIFEST if t.name in topics)
    cut: dict[str, int] = {}
    public = {}
    for topic in topics:
        text, cut[topic] = public_suite(suite_path(topic).read_text())
        public[f"tests/suites/suite_{topic}.py"] = text
    answers = {entry.answers: entry.name for entry in chosen}
    generator = torch.Generator().manual_seed(secrets.randbits(63))  # never written down
    files: dict[str, bytes] = learner_readmes()
    for where, path in handout_files("release", chosen, list(public.values())).items():
        # the stored answers go out as a copy that teaches and does not pay
        files[where] = (
            taught_answers.copy(answers[path], path, generator) if path in answers else path.read_bytes()
        )
    files |= {where: text.encode() for where, text in public.items()}
    # what `grade reset` puts back (topics.original_stub_file): a release has no git
    files |= {f"tests/suites/originals/{t.name}.py": t.stub.read_bytes() for t in chosen if t.stub.is_file()}
    files["tests/suites/pack.toml"] = flattened_toml(chosen).encode()
    kinds = {t: check_kinds(t, points["kind_weights"] if points else None) for t in topics}
    marker: dict[str, object] = {
        "hidden_tests_removed": cut,
        "hidden_kinds": {t: hidden for t, (hidden, _whole) in kinds.items()},
    }
    if points:  # the course's split of the assignment's points (grader/apps/course_points.py)
        marker["points"] = points | {"whole": {t: whole for t, (_hidden, whole) in kinds.items()}}
    files[f"tests/suites/{RELEASE_MARKER}"] = json.dumps(marker, indent=2).encode()
    return files


def write_release(
    out: Path,
    topics: tuple[str, ...] = (),
    allowed: frozenset[str] = frozenset(),
    step: Step = quiet,
    language: str | None = None,
    points: dict | None = None,
) -> None:
    """Write the release of every topic, or only ``topics``, into ``out`` (empty or new), with an assignment's
    split of its points where ``points`` gives one; :class:`LeakFound`, before anything is written, where it
    would hold an answer (``allowed``: exercises handed out solved on purpose). ``step(what)`` wraps each slow
    step (a terminal's progress: :func:`grader.apps.ticker.progress_line`)."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    chosen = [t for t in available_topics() if not topics or t in topics]
    with step(_("collecting the public checks and the grader's files")):
        files = release_files(chosen, points)
        if language:  # the course's language: grader/base/i18n.py's default in this release
            files["grader/locale/DEFAULT"] = f"{language}\n".encode()
    with step(_("making the hand-out notebooks")):
        import nbformat  # here, not at the top: ~0.1 s that would come before the first line

        from grader.apps.handouts import handouts

        notebooks = handouts(chosen)
    with step(_("scanning every file for answers")):
        refuse(
            {k: v.decode() for k, v in files.items() if k.endswith(".py")},
            {f"notebooks/{topic}.ipynb": nb for topic, nb in notebooks.items()},
            checkout=REPO_ROOT,
            allowed=allowed,
            prose={k: v.decode() for k, v in files.items() if k.startswith("hints/")},
        )
        handed = {f"notebooks/{topic}.ipynb": nbformat.writes(nb).encode() for topic, nb in notebooks.items()}
        refuse_held_out({**files, **handed})  # nothing of a held-out set, in any file
    with step(
        ngettext("writing %(n)d file", "writing %(n)d files", len(files) + len(notebooks))
        % {"n": len(files) + len(notebooks)}
    ):
        for name, content in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(content)
        (out / "notebooks").mkdir(exist_ok=True)
        for topic, notebook in notebooks.items():
            nbformat.write(notebook, str(out / "notebooks" / f"{topic}.ipynb"))
