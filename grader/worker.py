"""The worker: the only process that imports submitted code.

Started by :mod:`grader.client` (inside the sandbox when there is one) as
``python -m grader.worker --submission-dir D --topic T --results-fd N --nonce HEX``.
Its trusted prelude sets resource limits before any submitted code runs, then:

1. imports torch and reports ``booted``;
2. imports ``D/T.py`` and reports ``imported`` / ``missing`` / ``import_failed``;
3. answers probe requests read from stdin, one frame each, with ``result`` or ``raised``.

Answers go to the dedicated results pipe (fd N), never to stdout, which submitted code
shares. Everything sent is plain data (see :func:`grader.probe_kit.to_plain`).
"""

from __future__ import annotations

import argparse
import builtins
import importlib.util
import math
import os
import resource
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

MESSAGE_LIMIT = 600


def apply_limits(memory_mb: int, cpu_seconds: int, file_size_mb: int, threads: int) -> None:
    """Trusted prelude: limits an unprivileged process cannot raise again."""
    def cap(kind: int, value: int) -> None:
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))

    cap(resource.RLIMIT_DATA, memory_mb << 20)
    cap(resource.RLIMIT_CPU, cpu_seconds)
    cap(resource.RLIMIT_FSIZE, file_size_mb << 20)
    cap(resource.RLIMIT_CORE, 0)
    if os.geteuid() != 0:           # NPROC does not bind root; seccomp stops forks there
        cap(resource.RLIMIT_NPROC, threads)


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " …"


def describe_exception(exc: BaseException, submission_dir: str) -> dict[str, Any]:
    """Plain-data account of an exception, showing only the submission's own frames."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if f.filename.startswith(submission_dir + os.sep)]
    where = [f"{Path(f.filename).name}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}"
             for f in own[-3:]]
    last = frames[-1] if frames else None
    raised_by_stub = (isinstance(exc, NotImplementedError) and last is not None and last in own
                      and (last.line or "").lstrip().startswith("raise"))
    text = str(exc)
    out_of_memory = isinstance(exc, MemoryError) or (
        isinstance(exc, RuntimeError) and "can't allocate memory" in text)
    kind = "not_started" if raised_by_stub else "out_of_memory" if out_of_memory else "exception"
    function = f"{own[-1].name}() in {Path(own[-1].filename).name}" if own else ""
    return {"kind": kind, "type": type(exc).__name__, "message": _short(text), "where": where,
            "function": function}


class Worker:
    def __init__(self, args: argparse.Namespace) -> None:
        from grader import channel  # imports torch
        self.channel = channel
        self.args = args
        self.nonce = bytes.fromhex(args.nonce)
        self.module: ModuleType | None = None
        self.probes: dict[tuple[str, str], Any] = {}

    def send(self, message: dict[str, Any]) -> None:
        from grader.probe_kit import to_plain
        try:
            payload = self.channel.encode(to_plain(message))
        except Exception as exc:  # an unpicklable oddity slipped through
            payload = self.channel.encode({"event": "raised", "error": {
                "kind": "exception", "type": type(exc).__name__,
                "message": "the result could not be sent back as plain data", "where": []}})
        self.channel.write_frame(self.args.results_fd, self.nonce, payload)

    def import_submission(self) -> None:
        path = Path(self.args.submission_dir) / f"{self.args.topic}.py"
        if not path.is_file():
            self.send({"event": "missing", "file": path.name})
            return
        sys.path.insert(0, self.args.submission_dir)
        spec = importlib.util.spec_from_file_location(self.args.topic, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.args.topic] = module
        try:
            spec.loader.exec_module(module)
        except BaseException as exc:  # SystemExit and friends included: report, don't die
            self.send({"event": "import_failed",
                       "error": describe_exception(exc, self.args.submission_dir)})
            return
        self.module = module
        self.send({"event": "imported"})

    def probe(self, name: str, source: str):
        key = (name, source)
        if key not in self.probes:
            import torch
            from grader import probe_kit
            namespace = {"__builtins__": builtins, "__name__": "probe", "torch": torch,
                         "nn": torch.nn, "F": torch.nn.functional, "math": math, "kit": probe_kit}
            exec(compile(source, f"<probe {name}>", "exec"), namespace)
            self.probes[key] = namespace[name]
        return self.probes[key]

    def serve(self) -> None:
        import torch
        while True:
            try:
                request = self.channel.decode(self.channel.read_frame(0, self.nonce))
            except self.channel.ChannelClosed:
                return
            probe = self.probe(request["name"], request["source"])
            torch.manual_seed(request.get("seed", 0))
            try:
                value = probe(self.module, *request["args"], **request["kwargs"])
            except BaseException as exc:
                self.send({"event": "raised",
                           "error": describe_exception(exc, self.args.submission_dir)})
                continue
            self.send({"event": "result", "value": value})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.worker")
    parser.add_argument("--submission-dir", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--results-fd", type=int, required=True)
    parser.add_argument("--nonce", required=True)
    parser.add_argument("--memory-mb", type=int, default=4096)
    parser.add_argument("--cpu-seconds", type=int, default=900)
    parser.add_argument("--file-size-mb", type=int, default=64)
    parser.add_argument("--threads", type=int, default=512)
    args = parser.parse_args(argv)
    apply_limits(args.memory_mb, args.cpu_seconds, args.file_size_mb, args.threads)

    import torch
    torch.set_num_threads(1)
    worker = Worker(args)
    worker.send({"event": "booted"})
    worker.import_submission()
    if worker.module is not None:
        worker.serve()


if __name__ == "__main__":
    main()
