"""The corpus's wrong-device mistakes fail on the stand-in device and on CUDA alike.

Each mistake module of `tests/corpus/` whose cause (its second line) is a device check (a tensor
made on the CPU, a `.cpu()` round trip, a CPU `h0`, an optimizer's state left on the CPU...) is
graded twice by `grade batch`: with `--device cpu`, where the second device stands in for a GPU,
and, where a GPU is present, with `--device cuda`, its workers on the GPU. In both its exercise
must lose points through its labelled device check. Without a GPU the CUDA half skips
(`tests/gpu/check_gpu.py` runs it on one). The training checks are left out (`-k`): a device
mistake is caught in seconds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import REPO, run_grade

from grader.engine.worker import sandbox

pytestmark = pytest.mark.e2e

CORPUS = REPO / "tests" / "corpus"
CAUSE = re.compile(r"^# cause: (\S+) (\S*(device|cuda)\S*):failed$", re.MULTILINE)
DEVICES = ("stand-in", "cuda")


def device_mistakes() -> dict[str, tuple[Path, str, str]]:
    """{student: (module, exercise, its device check)} of every corpus mistake labelled so."""
    found = {}
    for path in sorted(CORPUS.glob("*/mistakes/*.py")):
        cause = CAUSE.search("\n".join(path.read_text().splitlines()[:2]))
        if cause:
            topic = path.parts[-3]
            found[f"{path.stem}_{topic}"] = (path, cause.group(1), cause.group(2))
    return found


MISTAKES = device_mistakes()


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict[str, dict]]:
    """{device: {student: report}}: every device mistake graded in one batch per device."""
    folder = tmp_path_factory.mktemp("device-mistakes")
    for name, (path, _, _) in MISTAKES.items():
        (folder / f"{name}.py").write_text(path.read_text())
    reports: dict[str, dict[str, dict]] = {}
    for device in DEVICES:
        if device == "cuda" and not sandbox.gpu_present():
            continue
        out = tmp_path_factory.mktemp(f"out-{device}")
        argv = ["batch", "run", str(folder), "--out", str(out), "--workers", "2", "-k", "not convergence"]
        done = run_grade(*argv, "--device", "cpu" if device == "stand-in" else "cuda", timeout=1200)
        assert done.returncode == 0, done.stderr[-2000:]
        rows = json.loads((out / "gradebook.json").read_text())
        reports[device] = {row["student"]: row["report"] for row in rows}
    return reports


def test_the_corpus_holds_device_mistakes_of_every_kind():
    topics = {path.parts[-3] for path, _, _ in MISTAKES.values()}
    assert len(MISTAKES) >= 20 and len(topics) >= 7, sorted(MISTAKES)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("student", sorted(MISTAKES))
def test_a_device_mistake_fails_on_the_stand_in_and_on_cuda(graded, student, device):
    if device == "cuda" and not sandbox.gpu_present():
        pytest.skip("no CUDA device here: tests/gpu/check_gpu.py runs this on a GPU")
    _, exercise, check = MISTAKES[student]
    report = graded[device][student]
    assert report["device"] == ("cpu" if device == "stand-in" else "cuda")
    topic = report["topics"][0]
    points = {e["name"]: (e["points"], e["max_points"]) for e in topic["exercises"]}
    assert points[exercise][0] < points[exercise][1], f"{exercise} scored full on {device}"
    failed = {c["id"] for c in topic["tests"] if c["status"] != "passed" and exercise in c["exercises"]}
    # on CUDA too through its labelled check, which the derived device clause may be (no check
    # need carry "cuda" in its name: stays_on_input_device fails there as on the stand-in)
    assert any(c.split("[")[0] == check for c in failed), f"{check} did not fail: {sorted(failed)}"
