"""Print the channel codec's CPU per message kind, on the messages of one real grading.

    python tests/grader/measure_codec.py [--messages FILE] [--rounds N]

The messages are those of grading ``solutions/losses.py`` on a warm engine, in this process: the
requests the trusted side encodes and the answers it decodes, kept in FILE (the codec's own
format; recorded on the first run, read back after, so that two runs compare the same bytes:
old against new is this script run from a checkout of each, on the same FILE). Per kind, CPU
microseconds per message (``time.process_time``, the best of N rounds of enough repetitions)
for each side's work: the trusted side encodes requests and decodes answers, the worker decodes
requests and prepares (``probe_kit.to_plain``) and encodes answers. Not a test: the figures
behind docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from grader.sandboxed import channel, codec  # noqa: E402
from grader.sandboxed.probe_kit import to_plain  # noqa: E402


def record(path: Path) -> None:
    """Grade the losses solution twice on a warm engine; keep the second grading's payloads."""
    from grader.base.options import Options
    from grader.engine import runner
    from grader.engine.worker import workers

    requests: list[bytes] = []
    answers: list[bytes] = []
    encode, decode = channel.encode, channel.decode

    def kept_encode(value: Any) -> bytes:
        requests.append(encode(value))
        return requests[-1]

    def kept_decode(data: bytes) -> Any:
        answers.append(bytes(data))
        return decode(data)

    workers.fork_server(False)
    solution = REPO / "solutions" / "losses.py"
    runner.grade(solution, jobs=1, options=Options())
    channel.encode, channel.decode = kept_encode, kept_decode
    try:
        runner.grade(solution, jobs=1, options=Options())
    finally:
        channel.encode, channel.decode = encode, decode
    path.write_bytes(codec.encode({"requests": requests, "answers": answers}))


def kind(message: dict[str, Any]) -> str:
    if "files" in message:
        return "files frame"
    if "source" in message:
        return "probe request"
    if "value" not in message:
        return "control answer"
    return "answer, one tensor" if isinstance(message["value"], torch.Tensor) else "answer, nested"


def cpu_us(work: Callable[[], object], count: int, rounds: int) -> float:
    """CPU microseconds per message of ``work`` (over ``count`` messages), best of ``rounds``."""
    repeat = max(1, 2000 // count)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            work()
        best = min(best, time.process_time() - start)
    return best / repeat / count * 1e6


def line(name: str, payloads: list[bytes], rounds: int) -> float:
    """Print a kind's line; its codec CPU in microseconds, all its messages and both sides."""
    values = [codec.decode(p) for p in payloads]
    prepared = [to_plain(v) for v in values]
    encode = cpu_us(lambda: [codec.encode(v) for v in prepared], len(values), rounds)
    decode = cpu_us(lambda: [codec.decode(p) for p in payloads], len(values), rounds)
    plain = cpu_us(lambda: [to_plain(v) for v in values], len(values), rounds)
    plain = plain if name.startswith(("answer", "control")) else 0.0  # requests skip it
    size = sum(map(len, payloads)) // len(payloads)
    print(f"{name:<20}{len(values):>6}{size:>7}{encode:>29.1f}{decode:>8.1f}{plain:>10.1f}")
    return (encode + decode + plain) * len(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=Path, default=Path("/tmp/torchgrade-codec-messages.bin"))
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if not args.messages.exists():
        record(args.messages)
    recorded = codec.decode(args.messages.read_bytes())
    groups: dict[str, list[bytes]] = {}
    for payload in recorded["requests"] + recorded["answers"]:
        groups.setdefault(kind(codec.decode(payload)), []).append(payload)
    print(f"{'kind':<20}{'count':>6}{'bytes':>7}   CPU µs per message: encode  decode  to_plain")
    total = sum(line(name, payloads, args.rounds) for name, payloads in groups.items())
    count = sum(map(len, groups.values()))
    print(f"one losses grading: {count} messages, {total / 1000:.1f} ms of codec CPU (both sides)")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
