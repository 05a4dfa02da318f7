"""The GPU path, checked on a machine with a CUDA GPU: ``python tests/gpu/check_gpu.py [--out DIR]``.

Runs from a checkout's root, installed or not (``python -m grader`` there), with bubblewrap:

1. the GPU, the driver and torch's CUDA build, as ``nvidia-smi`` and torch name them;
2. ``grade solutions/ --device cuda``: full marks, and every CUDA check ran and passed;
3. ``grade exercises/ --device cuda``: 0, every topic not started;
4. the CUDA zygote's costs beside the CPU one's (``tests/gpu/zygote_cost.py``);
5. the benchmark's class of 20 (``tests/bench/bench_class.py``) by ``grade batch``, on the CPU, then
   on CUDA in no more time: the correct files full, the mistakes, the stub, the endless loop and
   the forger below full;
6. the corpus's device mistakes on the stand-in and on CUDA (``test_device_mistakes.py``) and
   d2l's range indexing graded ten times on each (``test_fake_device.py``);
7. the engine and end-to-end tiers (``pytest tests/grader -m "engine or e2e"``), which grade on
   the GPU wherever they grade with the default device.

Each step's output goes to ``DIR`` (default ``gpu-out/``); a table of the steps ends the run, and
the exit status is 0 only when every step held. ``--skip-tiers`` leaves out step 7 (minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GRADE = [sys.executable, "-m", "grader"]
sys.path.insert(0, str(REPO / "tests" / "bench"))
from bench_class import write_class  # noqa: E402


def run(out: Path, name: str, argv: list[str], timeout: float) -> tuple[int, str]:
    """Run ``argv`` in the checkout; its output saved as ``out/name.log``; (exit status, stdout)."""
    try:
        done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=timeout)
        code, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, stdout, stderr = 124, str(exc.stdout or ""), f"timed out after {timeout:.0f} s"
    (out / f"{name}.log").write_text(f"$ {' '.join(argv)}\nexit {code}\n{stdout}\n--- stderr\n{stderr}")
    return code, stdout


def the_gpu(out: Path) -> tuple[bool, str]:
    probe = (
        "import torch; print(torch.__version__, 'CUDA', torch.version.cuda, "
        "torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU')"
    )
    smi = run(
        out, "nvidia-smi", ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv"], 60
    )
    code, torch_line = run(out, "torch", [sys.executable, "-c", probe], 120)
    found = code == 0 and "no GPU" not in torch_line
    return (
        found,
        f"{smi[1].strip().splitlines()[-1] if smi[0] == 0 else 'nvidia-smi failed'}; torch {torch_line.strip()}",
    )


def graded(out: Path, name: str, path: str, full: bool) -> tuple[bool, str]:
    """``grade PATH --device cuda``: full with every CUDA check passed, or 0 with every topic not started."""
    code, stdout = run(
        out, name, [*GRADE, "check", path, "--device", "cuda", "--format", "json", "--no-daemon"], 600
    )
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        return False, f"no JSON report (exit {code})"
    checks = [c for topic in report["topics"] for c in topic["tests"]]
    cuda = [c for c in checks if c["id"].split("[")[0].endswith("cuda")]
    cuda_passed = sum(c["status"] == "passed" for c in cuda)
    held = report["device"] == "cuda" and (
        report["score"] == report["max_score"] and cuda_passed == len(cuda) > 0
        if full
        else report["score"] == 0
    )
    return held, (
        f"{report['score']:g}/{report['max_score']:g} on {report['device']}, CUDA checks "
        f"{cuda_passed}/{len(cuda)} passed, sandbox: {report['sandbox']}"
    )


WALLS: dict[str, float] = {}  # the class's wall time per device, this run


def the_class(out: Path, device: str) -> tuple[bool, str]:
    """The class of 20 graded on ``device``: each kind scores as it should; on CUDA, in at most
    the time the same class took on this machine's CPU in this run."""
    with tempfile.TemporaryDirectory(prefix="tg-gpu-class-") as tmp:
        folder, results = Path(tmp) / "class", Path(tmp) / "results"
        folder.mkdir()
        kinds = write_class(folder)
        started = time.monotonic()
        argv = [
            *GRADE,
            "batch",
            "run",
            str(folder),
            "--out",
            str(results),
            "--workers",
            "2",
            "--device",
            device,
        ]
        code, _ = run(out, f"class-{device}", argv, 600)
        wall = WALLS[device] = time.monotonic() - started
        if code != 0:
            return False, f"grade batch exited {code}"
        rows = json.loads((results / "gradebook.json").read_text())
    wrong = []
    for entry in rows:
        kind = kinds.get(entry["student"]) or kinds.get(entry["student"].removesuffix("_losses"), "?")
        full = entry["total"] == entry["max"] and entry["status"] == "graded"
        if full != (kind == "correct"):
            wrong.append(f"{entry['student']} ({kind}) {entry['total']:g}/{entry['max']:g}")
    summary = f"{len(rows)} rows in {wall:.1f} s, max {rows[0]['max']:g}"
    in_time = device != "cuda" or wall <= WALLS.get("cpu", float("inf"))
    summary += "" if in_time else f"; slower than the CPU's {WALLS['cpu']:.1f} s"
    return not wrong and in_time and len(rows) == len(kinds), summary + (
        f"; wrong: {', '.join(wrong)}" if wrong else ""
    )


def zygote(out: Path) -> tuple[bool, str]:
    code, stdout = run(out, "zygote", [sys.executable, "tests/gpu/zygote_cost.py"], 300)
    return code == 0 and "GPU child" in stdout, " | ".join(stdout.strip().splitlines()[-4:])


def device_tests(out: Path) -> tuple[bool, str]:
    """The corpus's device mistakes and d2l's range indexing, on the stand-in and on CUDA."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2"]
    argv += [
        "tests/grader/test_device_mistakes.py",
        "tests/grader/test_fake_device.py",
        "-k",
        "mistake or ten_times",
    ]
    code, stdout = run(out, "device-tests", argv, 1200)
    return code == 0, (stdout.strip().splitlines() or ["no output"])[-1]


def tiers(out: Path) -> tuple[bool, str]:
    workers = str(max(2, min(8, (os.cpu_count() or 2) // 2)))
    argv = [sys.executable, "-m", "pytest", "tests/grader", "-q", "-m", "engine or e2e", "-n", workers]
    argv += ["--dist", "loadfile", "-p", "no:cacheprovider", f"--junitxml={out / 'tiers.xml'}"]
    code, stdout = run(out, "tiers", argv, 3000)
    return code == 0, (stdout.strip().splitlines() or ["no output"])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "gpu-out")
    parser.add_argument("--skip-tiers", action="store_true", help="leave out the engine and e2e tiers")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    steps = [
        ("the GPU", lambda: the_gpu(args.out)),
        ("grade solutions/ --device cuda", lambda: graded(args.out, "solutions", "solutions/", True)),
        ("grade exercises/ --device cuda", lambda: graded(args.out, "exercises", "exercises/", False)),
        ("CUDA zygote", lambda: zygote(args.out)),
        ("class of 20, --device cpu", lambda: the_class(args.out, "cpu")),
        ("class of 20, --device cuda", lambda: the_class(args.out, "cuda")),
        ("device mistakes, range indexing", lambda: device_tests(args.out)),
    ]
    if not args.skip_tiers:
        steps.append(("engine and e2e tiers", lambda: tiers(args.out)))
    held_all = True
    for name, step in steps:
        started = time.monotonic()
        held, detail = step()
        held_all &= held
        print(
            f"{'ok  ' if held else 'FAIL'} {name:<32} {time.monotonic() - started:6.1f} s  {detail}",
            flush=True,
        )
    sys.exit(0 if held_all else 1)


if __name__ == "__main__":
    main()
