"""What a check's code prints comes back bounded, as plain data, and is shown under the check
when it does not pass."""

from __future__ import annotations

import tracemalloc

import pytest
import torch
from helpers import REPO, grade_json, run_grade

from grader.checks import probes
from grader.engine.worker.printed import Printed
from grader.engine.worker.problems import ProbeTimeout
from grader.sandboxed import OUTPUT_TAIL_CHARS
from grader.sandboxed.worker import Tail

FLOOD = 10_000_000  # characters printed by one call: 10 MB

PRINTING = f"""
import sys

def flood(x):
    print("debug: start")
    print("x" * {FLOOD})
    print("debug: the end", file=sys.stderr)
    return x

def chatty_then_hang(x):
    print("about to loop")
    while True:
        pass

print("at import")
"""


@pytest.mark.unit
def test_tail_keeps_the_last_characters_and_counts_the_rest():
    tail = Tail(10)
    for text in ("abc", "d" * 20, "xyz"):
        tail.write(text)
    assert tail.take() == {"text": "d" * 7 + "xyz", "dropped": 16}
    assert tail.take() == {"text": "", "dropped": 0}


@pytest.mark.unit
def test_printed_caps_again_and_ignores_what_is_not_plain():
    printed = Printed()
    for output in (None, "text", {"text": 3, "dropped": 0}, {"text": "a", "dropped": -1}):
        printed.add(output)
    assert printed.shown() == ""
    printed.add({"text": "y" * (OUTPUT_TAIL_CHARS + 5), "dropped": 7})  # a worker lying about its cap
    assert len(printed.text) == OUTPUT_TAIL_CHARS and printed.dropped == 12
    assert printed.shown().startswith("… 12 more characters before these\n")


@pytest.mark.engine
def test_a_flood_is_cut_in_the_worker_not_in_the_grading_process(session_for):
    session = session_for(PRINTING, timeout=30.0)
    tracemalloc.start()
    try:
        value = session.run(probes.call, "flood", (torch.ones(2),), {})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert torch.equal(value, torch.ones(2))
    shown = session.printed.shown()
    total = len("at import\n") + len("debug: start\n") + FLOOD + 1 + len("debug: the end\n")
    assert shown.startswith(f"… {total - OUTPUT_TAIL_CHARS} more characters before these\nxxx")
    assert shown.endswith("x\ndebug: the end\n")  # the tail is kept, stdout and stderr together
    assert len(shown) < OUTPUT_TAIL_CHARS + 100
    assert peak < 1 << 20, f"the grading process held {peak} bytes for a 10 MB print"


@pytest.mark.engine
def test_a_timed_out_check_shows_what_it_printed_before_the_deadline(session_for):
    session = session_for(PRINTING, timeout=2.0)
    with pytest.raises(ProbeTimeout, match="did not answer"):
        session.run(probes.call, "chatty_then_hang", (torch.ones(2),), {})
    assert "about to loop" in session.printed.shown()


@pytest.mark.e2e
def test_output_is_shown_under_a_failing_check_in_the_table_and_the_json(tmp_path):
    source = (
        (REPO / "solutions" / "losses.py")
        .read_text()
        .replace(
            "    return _reduce((y_hat - y) ** 2, reduction)",
            "    print('debug: shapes', tuple(y_hat.shape))\n    return _reduce((y_hat - y) ** 2, reduction) + 1",
            1,
        )
    )
    assert "debug: shapes" in source
    (tmp_path / "losses.py").write_text(source)
    _, report = grade_json(str(tmp_path / "losses.py"), "--exercise", "mse", "--exercise", "l1")
    tests = report["topics"][0]["tests"]
    failing = [t for t in tests if "mse" in t["exercises"] and t["kind"] == "shape"]  # its values are off
    assert failing and all(t["status"] == "failed" for t in failing)
    assert all("debug: shapes" in t["output"] for t in failing)
    assert all("output" not in t for t in tests if t["status"] == "passed")
    table = run_grade(str(tmp_path / "losses.py"), "--exercise", "mse").stdout
    assert "your code printed:\n        | debug: shapes (" in table


@pytest.mark.unit
def test_the_notebook_table_and_the_batch_feedback_show_the_output_too():
    from grader.apps.selfcheck import CheckResult
    from grader.report import group_by_message

    test = {"id": "c", "kind": "shape", "status": "failed", "message": "wrong", "output": "debug 1\n"}
    test |= {"points": 0.0, "max_points": 1.0, "exercises": ["mse"]}
    assert "your code printed:\n  | debug 1" in CheckResult("mse", [test])._repr_html_()
    ((_, message, ids),) = group_by_message([test, {**test, "id": "d"}])
    assert ids == ["c", "d"] and message == "wrong\nyour code printed:\n  | debug 1"
