"""The user's documents: the README short and undated (the code and .ci/run undated too), every
module of grader/ in the architecture's map, and the README's test command the one CI runs."""

from __future__ import annotations

import re

import pytest
from helpers import REPO

pytestmark = pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)

DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
README = (REPO / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")


def _map() -> dict[str, set[str]]:
    """The map (the first code block of "Two sides"): {package folder: the file names under it}.
    A line naming ``grader/X/`` opens that package; a full path names its file wherever it is."""
    block = ARCHITECTURE.split("## Two sides", 1)[1].split("```", 2)[1]
    named: dict[str, set[str]] = {}
    package = ""
    for line in block.splitlines():
        for path in re.findall(r"grader/[\w/]*\w+\.py", line):
            folder, _, name = path.rpartition("/")
            named.setdefault(folder, set()).add(name)
        opened = re.match(r"\s?(grader/[\w/]+)/\s", line)
        if opened:
            package = opened.group(1)
            named.setdefault(package, set()).update(re.findall(r"\b(\w+\.py)\b", line[opened.end() :]))
        elif line.startswith("   ") and package:
            named.setdefault(package, set()).update(re.findall(r"\b(\w+\.py)\b", line))
        elif not line.startswith("   "):
            package = ""
    return named


def test_every_module_of_grader_is_in_the_architecture_map():
    named = _map()
    missing = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "grader").rglob("*.py"))
        if path.name != "__init__.py"
        and path.name not in named.get(str(path.parent.relative_to(REPO)), set())
    ]
    assert not missing, f"docs/architecture.md, 'Two sides': add to the map {', '.join(missing)}"


def test_the_readme_is_undated_and_short():
    dated = [line for line in README.splitlines() if DATE.search(line)]
    assert len(dated) <= 2, dated
    assert len([line for line in README.splitlines() if line.strip()]) <= 250


@pytest.mark.parametrize(
    "section",
    ["Quick start", "Learner's loop", "Instructor's flow", "LMS files", "Dependencies", "Read more"],
)
def test_the_readme_has_its_sections(section):
    assert re.search(rf"^##+ {re.escape(section)}$", README, re.M), section


def _commands(text: str) -> list[str]:
    return [
        line.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()
    ]


def test_the_readme_test_command_is_the_one_ci_runs():
    """The README's set-up-and-test line ends with the pytest command that .ci/run runs (in two
    runs, by tier), and .ci/run says so. Its step under load (tests/grader/load.py) is CI's own."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_line = next(c for c in _commands(README) if "pytest" in c)
    command = test_line.rsplit("&& ", 1)[1]  # .venv/bin/python -m pytest tests/grader -q
    runs = [line for line in ci.splitlines() if line.startswith(".venv/bin/python -m pytest")]
    assert len(runs) == 2 and all(line.startswith(command + " ") for line in runs), (command, runs)
    assert "README's test command" in ci
    setup = test_line.rsplit(" && ", 1)[0]
    assert (
        "pip install -q torch==2.13.0 -e '.[test]'" in ci
        and "torch==2.13.0" in setup
        and "'.[test]'" in setup
    )


def test_the_readme_grade_command_sets_up_and_grades():
    grade_line = next(c for c in _commands(README) if c.endswith("grade exercises/"))
    assert "python3 -m venv .venv" in grade_line and "torch==2.13.0" in grade_line


def test_every_dependency_is_named_with_why_in_the_readme():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    section = README.split("## Dependencies", 1)[1].split("\n## ", 1)[0].lower()
    names = [re.split(r"[<>=\[; ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]]
    assert [n for n in names if n not in section] == []


def test_the_documents_the_readme_points_to_exist():
    for path in re.findall(r"\]\(([\w./-]+\.md)\)", README):
        assert (REPO / path).is_file(), path
    assert (REPO / "docs" / "benchmark.md").is_file() and (REPO / "CHANGELOG.md").is_file()
    assert "python -m grader.bench --anchors" in (REPO / "docs" / "benchmark.md").read_text(encoding="utf-8")


# the architecture, by part, and its reasons
SPLIT = ("architecture", "engine", "sandbox", "checks", "contributing", "design", "contract")


@pytest.mark.parametrize("name", SPLIT)
def test_no_diary_in_the_architecture(name):
    text = (REPO / "docs" / f"{name}.md").read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if DATE.search(line)] == []


def test_no_document_is_over_600_lines():
    lines = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (REPO / "docs").rglob("*.md")}
    assert {name: n for name, n in lines.items() if n > 600} == {}


def test_the_benchmark_holds_today_only():
    """docs/benchmark.md: the latest figures, each dated, and their commands; earlier runs are its git history."""
    text = (REPO / "docs" / "benchmark.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    assert [h for h in re.findall(r"^#+ .*$", text, re.M) if DATE.search(h)] == []
    assert [
        h for h in re.findall(r"^#+ .*$", text, re.M) if re.search(r"\b(?:morning|evening|night)\b", h)
    ] == []


# A date followed by a time is an example of a format the code reads ("2026-10-14 23:59"), not
# the day a figure was measured.
MEASURED_ON = re.compile(r"\b20\d\d-\d\d-\d\d\b(?![ T]\d\d:\d\d)")


def test_no_dated_figures_in_the_code_or_ci():
    """Figures and their dates live in docs/benchmark.md; the code and .ci/run
    say why, and the figure there does not grow stale beside the code that changed."""
    paths = [REPO / ".ci" / "run"] + [
        path for path in sorted((REPO / "grader").rglob("*")) if path.suffix in {".py", ".toml", ""}
    ]
    dated = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in paths
        if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if MEASURED_ON.search(line)
    ]
    assert dated == [], "move the figure and its date to docs/benchmark.md:\n" + "\n".join(dated)
    assert MEASURED_ON.search("(2026-11-24, load 12)") and not MEASURED_ON.search('"2026-10-14 23:59"')


def test_the_worker_count_is_said_as_ci_runs_it():
    """pyproject's note on pytest-xdist says the `-n` that .ci/run passes."""
    ci = re.findall(r"-n (\d+) --dist", (REPO / ".ci" / "run").read_text(encoding="utf-8"))
    said = re.findall(r"-n (\d+) --dist", (REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert ci and said and set(said) == set(ci), (said, ci)


# A path of the machine the project was written on, not of a checkout (/work/..., /home/...)
OUTSIDE = re.compile(r"(?<![\w.~-])/(?:work|home|Users)/[\w.-]+")


def test_no_document_points_outside_the_repository():
    texts = [REPO / "README.md", *(REPO / "docs").glob("*.md"), *(REPO / "hints").rglob("*.md")]
    texts += [p for ext in ("py", "md", "tsv") for p in (REPO / "grader").rglob(f"*.{ext}")]
    found = [(p.name, m) for p in texts for m in OUTSIDE.findall(p.read_text(encoding="utf-8"))]
    assert found == []
    assert OUTSIDE.findall("the notes in /work/shared/ beside it") == ["/work/shared"]
