"""What a CUDA zygote costs beside a CPU one: ``python tests/gpu/zygote_cost.py [--children N]``.

For each kind (``gpu=False``, then ``gpu=True``) it launches this process's zygote and prints:
- its start: launch to ``ready`` (wall), and its resident memory;
- per child, N children one after another (a fresh session each, as a grading task has): the
  wall time from the order to the first probe's answer (fork, boot, for a GPU child its CUDA
  context and threads started before the seal, then one probe that multiplies two matrices on
  the worker's device), the child's resident memory and, for a GPU child, the GPU memory it holds
  while alive (the device's used memory read by the trusted side, minus what it was before).

Needs torchgrade's sandbox where it grades (bubblewrap) and, for the second half, a CUDA GPU.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout, installed or not
from grader.engine.staging import stage  # noqa: E402
from grader.engine.worker import sandbox, workers  # noqa: E402
from grader.engine.worker.client import TopicSession  # noqa: E402

SUBMISSION = """
import os


def work(x):
    import torch

    device = "cuda" if os.path.exists("/dev/nvidiactl") else "cpu"
    a = torch.ones(256, 256, device=device)
    return float((a @ a).sum().item()), device


def rss_kb(x):
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
"""


def probe_call(mod, name, *args):
    return getattr(mod, name)(None, *args)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _gpu_used_mb() -> float:
    import torch

    if not torch.cuda.is_available():
        return 0.0
    free, total = torch.cuda.mem_get_info()
    return (total - free) / 2**20


def measure(gpu: bool, children: int, staged: str) -> None:
    kind = "GPU" if gpu else "CPU"
    started = time.monotonic()
    workers.prestart(gpu)
    server = workers.fork_server(gpu)
    if server is None or server.process is None:
        problem = workers._servers[gpu].problem if gpu in workers._servers else "not launched"
        print(f"{kind} zygote: could not start ({problem}); its workers start fresh")
        return
    ready = time.monotonic() - started
    server.children()  # finds the zygote's pid below bubblewrap's
    print(
        f"{kind} zygote: ready in {ready:.2f} s, resident {_rss_mb(server.zygote or server.process.pid):.0f} MB"
    )
    walls, rss, gpu_mb = [], [], []
    for _ in range(children):
        before = _gpu_used_mb()
        session = TopicSession(staged, "tensors", timeout=60.0, gpu=gpu)
        t0 = time.monotonic()
        total, device = session.run(probe_call, "work")
        walls.append(time.monotonic() - t0)
        assert total == 256.0**3, total
        assert device == ("cuda" if gpu else "cpu"), device
        rss.append(session.run(probe_call, "rss_kb") / 1024)
        gpu_mb.append(_gpu_used_mb() - before)
        session.close()
        time.sleep(0.3)  # the child's context is freed once the zygote has killed it
    print(
        f"{kind} child: order to first answer median {statistics.median(walls):.3f} s "
        f"(min {min(walls):.3f}, max {max(walls):.3f}, n={children}); resident "
        f"{statistics.median(rss):.0f} MB; GPU memory held {statistics.median(gpu_mb):.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tg-zygote-") as folder:
        (Path(folder) / "tensors.py").write_text(SUBMISSION)
        staged = str(stage(Path(folder)))
        measure(False, args.children, staged)
        if sandbox.gpu_present():
            measure(True, args.children, staged)
        else:
            print("no NVIDIA device here: the GPU zygote is not measured")


if __name__ == "__main__":
    main()
