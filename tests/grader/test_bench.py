"""``python -m grader.bench --anchors``: where the anchors' harness is found and how its figures
are read, with a stub harness (the real one runs nbgrader and otter for minutes)."""

from __future__ import annotations

import re

import pytest

from grader.bench import anchors as bench
from grader.bench import figures

pytestmark = pytest.mark.unit

TABLE_ROW = (
    "| class of 20, sequential wall, median of 2 (min-max) | 115.7 s (114.2-117.2) | 199.4 s (199.4-203.4) |"
)


def stub_harness(folder, body: str):
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / bench.ANCHORS_SCRIPT
    script.write_text(body)
    return script


def test_the_harness_is_found_by_option_then_environment_then_beside_the_checkout(tmp_path, monkeypatch):
    by_option = stub_harness(tmp_path / "option", "")
    by_env = stub_harness(tmp_path / "env", "")
    monkeypatch.setenv(bench.ANCHORS_ENV, str(by_env.parent))
    assert bench.anchors_script(str(by_option.parent)) == by_option
    assert bench.anchors_script(None) == by_env
    monkeypatch.delenv(bench.ANCHORS_ENV)
    monkeypatch.setattr(bench, "REPO_ROOT", tmp_path / "checkout")
    beside = stub_harness(tmp_path / "shared" / "anchors", "")
    assert bench.anchors_script(None) == beside


def test_a_missing_harness_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.delenv(bench.ANCHORS_ENV, raising=False)
    with pytest.raises(SystemExit, match="no run_baseline.sh in .*nowhere.*--anchors-dir"):
        bench.anchors_script(str(tmp_path / "nowhere"))


def test_the_class_row_of_the_harness_table_is_read():
    table = "| measure | nbgrader | otter-grader |\n|---|---|---|\n" + TABLE_ROW + "\n| other | 1 s | 2 s |"
    assert bench.anchor_seconds(table) == {"nbgrader": 115.7, "otter": 199.4}
    assert bench.anchor_seconds("no table here") == {}


def test_the_harness_runs_from_the_project_root_with_runs_set_to_the_repeat(tmp_path, capsys):
    script = stub_harness(
        tmp_path / "anchors",
        f'[ "$RUNS" = 2 ] || exit 3\n[ -d grader ] || exit 4\necho "{TABLE_ROW}"\n',
    )
    assert bench.run_anchors(script, 2) == {"nbgrader": 115.7, "otter": 199.4}
    assert TABLE_ROW in capsys.readouterr().out  # the harness's own table is passed through
    with pytest.raises(SystemExit, match="exit 3"):
        bench.run_anchors(script, 1)


def test_a_harness_without_its_table_fails_loudly(tmp_path):
    script = stub_harness(tmp_path / "anchors", "echo building; exit 0\n")
    with pytest.raises(SystemExit, match="harness failed"):
        bench.run_anchors(script, 1)


def test_framework_time_is_wall_minus_probes_per_task():
    rows = [
        {"report": {"seconds": {"wall": 0.30, "startup": 0.05, "probes": 0.25}}},
        {"report": {"seconds": {"wall": 0.50, "startup": 0.02, "probes": 0.40}}},
        {"report": None},
    ]
    slower = [{"report": {"seconds": {"wall": 0.40, "startup": 0.05, "probes": 0.25}}}]
    faster = [{"report": {"seconds": {"wall": 0.30, "startup": 0.01, "probes": 0.28}}}]
    told = figures.framework_seconds([rows, slower, faster])
    assert "medians 75 ms (runs: 75, 150, 20; max of the last 20 ms)" in told, told
    assert "of which the worker's start 35 ms" in told, told
    assert "runs: 75; max of the last 100 ms" in figures.framework_seconds([rows, [{"report": None}]])


def test_ratios_only_from_anchors_measured_in_the_same_run():
    """Without --anchors no ratio and no stored figure (one from another machine or day is no
    ratio to this run's); with them, each tool's seconds over ours."""
    alone = "\n".join(bench.anchor_lines(None, 5.6))
    assert "/ours" not in alone and not re.search(r"\d", alone.replace("grader.bench", ""))
    assert "--anchors" in alone
    measured = bench.anchor_lines({"nbgrader": 114.0, "otter": 199.4}, 5.7)
    assert measured[1:] == [
        "  nbgrader/ours = 114.0 s / 5.7 s = 20.00",
        "  otter/ours = 199.4 s / 5.7 s = 34.98",
    ]
    stored = [name for module in (bench, figures) for name in vars(module) if name.endswith("_SECONDS")]
    assert not stored  # no stored anchor figure


def test_the_profile_splits_fixed_cost_from_cost_per_student():
    from grader.bench import profile

    assert profile.line({20: 6.0, 200: 42.0}) == pytest.approx((2.0, 0.2))
    rows = [
        {"report": {"seconds": {"wall": 0.5, "startup": 0.1, "probes": 0.2, "reading": 0.05}}},
        {"report": {"seconds": {"wall": 0.3, "startup": 0.0, "probes": 0.1}}},  # a stub read back: no reading
        {"report": None},
    ]
    parts = profile.task_parts(rows)
    assert parts["reading"] == [0.05, 0.0]
    assert parts["rest"] == pytest.approx([0.15, 0.2])
    found = profile.breakdown({20: 6.0, 200: 42.0}, rows)
    assert found["fixed_seconds"] == 2.0 and found["per_student_seconds"] == 0.2


def test_a_large_class_is_the_class_of_20_in_distinct_files(tmp_path):
    from grader.bench import profile

    kinds = profile.write_students(tmp_path, 45)
    files = sorted(tmp_path.glob("*.py"))
    assert len(files) == len(kinds) == 45
    assert len({f.read_bytes() for f in files}) == 45  # no two alike: no digest-keyed reader shares them
    assert sorted(set(kinds.values())) == sorted({"correct", "mistake", "stub", "endless_loop", "forger"})


def test_against_checks_a_commit_out_beside_and_removes_it(tmp_path):
    import subprocess

    from grader.bench import against

    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.email=a@b", "-c", "user.name=a"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "f.txt").write_text("first\n")
    subprocess.run([*git, "add", "f.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    (repo / "f.txt").write_text("second\n")
    with against.checked_out("HEAD", repo) as tree:
        assert (tree / "f.txt").read_text() == "first\n" and tree != repo
    assert not tree.exists()
    with pytest.raises(SystemExit, match="--against nope"):
        with against.checked_out("nope", repo):
            pass
    told = against.ratio_lines([5.0, 5.2, 5.1], [4.0, 4.2, 4.1], "abc123")
    assert told[-1] == "  this/abc123 = 1.244"
