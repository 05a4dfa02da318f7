"""The worker: the only process that imports submitted code.

A zygote's child (:mod:`grader.sandboxed.zygote`) calls :func:`serve_forked` and imports the
submission's files from the first frame of its request pipe; where there is no zygote, a fresh
worker runs as ``python -m grader.sandboxed.worker --submission-dir D --topic T --results-fd N
--nonce HEX`` and reads ``D/T.py``. Either way it boots (:meth:`Worker.boot`), seals itself
(:func:`seal`), imports the submission and answers probes on the results pipe, never on stdout,
which submitted code shares (docs/engine.md, "The probe protocol").
"""

from __future__ import annotations

import argparse
import builtins
import functools
import gc
import importlib.abc
import importlib.machinery
import importlib.util
import io
import linecache
import math
import os
import resource
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from grader.sandboxed import OUTPUT_TAIL_CHARS, blame, engines, first_use, guarded, policy
from grader.sandboxed.raised import KnownStall, describe_exception

WATCH_SECONDS = 0.02  # how often the watchdog looks at the clocks (it is not woken per probe)
IMPORT_LOOK_SECONDS = 0.2  # an import's watchdog: where it is, each time this much more is spent


class Tail(io.TextIOBase):
    """Where submitted code's ``print`` goes: the last ``limit`` characters written, and a count
    of the ones before them. A flood is cut here, inside the sandbox; only the tail travels."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.text = ""
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.text += text[-self.limit :]
        self.dropped += max(0, len(text) - self.limit)
        if len(self.text) > self.limit:
            self.dropped += len(self.text) - self.limit
            self.text = self.text[-self.limit :]
        return len(text)

    def peek(self) -> dict[str, Any]:
        return {"text": self.text, "dropped": self.dropped}

    def take(self) -> dict[str, Any]:
        """What was printed since the last take (plain data for the trusted side)."""
        printed = self.peek()
        self.text, self.dropped = "", 0
        return printed

    def writer(self) -> io.TextIOBase:
        """The stream graded code gets as ``sys.stdout``: it writes here and holds nothing else (the
        tail, its ``take`` and its ``limit`` are only in its methods' closure)."""
        tail = self

        class Printed(io.TextIOBase):
            def writable(self) -> bool:
                return True

            def write(self, text: str) -> int:
                return tail.write(text)

        return Printed()


def apply_limits(memory_mb: int, cpu_seconds: int, file_size_mb: int, threads: int) -> None:
    """Trusted prelude: limits an unprivileged process cannot raise again."""

    def cap(kind: int, value: int) -> None:
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))

    values = dict(memory_mb=memory_mb, cpu_seconds=cpu_seconds, file_size_mb=file_size_mb, threads=threads)
    for limit in policy.LIMITS:  # the declared limits; NPROC does not bind root (seccomp stops forks there)
        if not (limit.unprivileged and os.geteuid() == 0):
            cap(getattr(resource, limit.rlimit), values[limit.option] << limit.shift)
    cap(getattr(resource, policy.NO_CORE), 0)


class Watchdog:
    """Tells the trusted side where submitted code is, shortly before a probe's deadline.

    Best effort: code that hogs the interpreter can starve this thread, and then the
    trusted side's timeout message simply has no location.
    """

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.main = threading.get_ident()
        self.frames = sys._current_frames  # taken before any submitted code runs
        self.lock = threading.Lock()
        self.fire_at: float | None = None
        self.cpu_at: float | None = None
        self.limits: tuple[float, float | None] | None = None  # armed again at each firing
        threading.Thread(target=self._watch, name="torchgrade-watchdog", daemon=True).start()

    def arm(self, seconds: float, cpu: float | None = None, again: bool = False) -> None:
        """Fire shortly before ``seconds`` of waiting or ``cpu`` seconds of CPU time are spent
        (``again``: each time they are, until disarmed: the import, whose limits are the trusted
        side's, says where it is as it goes). The thread is not woken: it looks every
        :data:`WATCH_SECONDS` (a wake-up per probe made it runnable beside the probe ~120 times
        a task: ~8 ms of a worker's ~95 ms of CPU, and the grading processes waited for a core
        the more)."""
        with self.lock:
            self.limits = (seconds, cpu) if again else None
            self._set(seconds, cpu)

    def _set(self, seconds: float, cpu: float | None) -> None:
        self.fire_at = time.monotonic() + self._before(seconds)
        self.cpu_at = time.process_time() + self._before(cpu) if cpu else None

    @staticmethod
    def _before(limit: float) -> float:
        return max(0.05, limit - min(1.0, 0.25 * limit))

    def disarm(self) -> None:
        with self.lock:
            self.fire_at, self.limits = None, None

    def _due(self) -> bool:
        if self.fire_at is None:
            return False
        return time.monotonic() >= self.fire_at or (
            self.cpu_at is not None and time.process_time() >= self.cpu_at
        )

    def _watch(self) -> None:
        while True:
            fire_at = self.fire_at
            time.sleep(
                WATCH_SECONDS if fire_at is None else max(0.0, min(WATCH_SECONDS, fire_at - time.monotonic()))
            )
            with self.lock:
                if not self._due():
                    continue
                self.fire_at = None
                if self.limits is not None:
                    self._set(*self.limits)
            frame = self.frames().get(self.main)
            own = traceback.extract_stack(frame) if frame is not None else []
            own = [f for f in own if f.filename.startswith(self.worker.args.submission_dir + os.sep)]
            if own:
                qualname = _qualname(frame, self.worker.args.submission_dir) or own[-1].name
                self.worker.send(
                    {
                        "event": "stalled",
                        "where": blame.frames(own),
                        "function": qualname,
                        "functions": [f.name for f in own],
                        "holds_tensor": blame.holds_tensors(frame, self.worker.args.submission_dir),
                        "output": self.worker.printed.peek(),
                    }
                )


def _qualname(frame: FrameType | None, submission_dir: str) -> str:
    """Qualified name (``Value.backward``) of the innermost frame running submitted code."""
    own = blame.own_frame(frame, submission_dir)
    return own.f_code.co_qualname if own is not None else ""


SUBMISSION_DIR = "/submission"  # where a forked child's in-memory files appear to live


class SourceFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports the submission's modules from source text: no file of it exists in the sandbox."""

    def __init__(self, directory: str, sources: dict[str, bytes]) -> None:
        self.directory = directory
        self.sources = sources

    def key(self, name: str) -> str | None:
        """The staged file of module ``name`` (a package's is its ``__init__.py``), if any."""
        base = name.replace(".", "/")
        return next((k for k in (f"{base}.py", f"{base}/__init__.py") if k in self.sources), None)

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        parent = fullname.rpartition(".")[0].replace(".", "/")  # a submodule: only of a package of ours
        ours = path is None if not parent else list(path or ()) == [f"{self.directory}/{parent}"]
        if not ours or (key := self.key(fullname)) is None:
            return None
        spec = importlib.machinery.ModuleSpec(fullname, self, origin=f"{self.directory}/{key}")
        if key.endswith("/__init__.py"):
            spec.submodule_search_locations = [f"{self.directory}/{key[: -len('/__init__.py')]}"]
        return spec

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        key = self.key(module.__name__) or ""
        filename, source = f"{self.directory}/{key}", self.sources[key]
        lines = source.decode("utf-8", errors="replace").splitlines(keepends=True)
        linecache.cache[filename] = (len(source), None, lines, filename)  # for tracebacks
        module.__file__ = filename
        module.__dict__["__builtins__"] = guarded.submission_builtins()
        exec(compile(source, filename, "exec", dont_inherit=True), module.__dict__)

    def install(self) -> None:
        """Before the path finder, as the submission's folder was first on ``sys.path``."""
        finders = [type(f) for f in sys.meta_path]
        where = (
            finders.index(importlib.machinery.PathFinder) if importlib.machinery.PathFinder in finders else 0
        )
        sys.meta_path.insert(where, self)


class Worker:
    def __init__(self, args: argparse.Namespace) -> None:
        from grader.sandboxed import channel, torch_state  # imports torch

        self.channel = channel
        self.torch_state = torch_state
        self.state_after_import: torch_state.State | None = None
        self.args = args
        self.sources: dict[str, bytes] | None = None  # a forked child's files, once sent
        self.nonce = bytes.fromhex(args.nonce)
        self.module: ModuleType | None = None
        self.probes: dict[tuple[str, str], Callable[..., Any]] = {}
        self.blocked: set[str] = set()
        self.sending = threading.Lock()
        self.watchdog = Watchdog(self)
        self.printed = Tail(OUTPUT_TAIL_CHARS)
        sys.stdout = sys.stderr = self.printed.writer()  # stdout and stderr, interleaved as on a terminal
        self.sealing: bytes | None = None

    def boot(self) -> None:
        """What no submission's file decides, done before ``booted`` (outside the import's clock;
        a spare ordered ahead pays it between tasks): torch's engines started, the stand-ins
        installed, the allow-list compiled for this process (:func:`seal` loads it)."""
        from grader.sandboxed import seccomp, stand_ins  # stand_ins imports numpy, as torch has

        engines.start()
        stand_ins.install()  # tqdm and matplotlib: run harmlessly, draw nothing
        if seccomp.supported():
            self.sealing = seccomp.worker_program(os.getpid(), gpu=engines.gpu_sandbox())
        self.send({"event": "booted"})

    def send(self, message: dict[str, Any]) -> None:
        self.write(self.prepare(message))

    def prepare(self, message: dict[str, Any]) -> bytes:
        """``message`` as the channel's bytes: plain data made by code that runs nothing of the
        submission (:func:`grader.sandboxed.probe_kit.to_plain`), or a note that it could not be."""
        from grader.sandboxed.probe_kit import to_plain

        try:
            return bytes(self.channel.encode(to_plain(message)))
        except Exception as exc:  # a value the codec does not carry slipped through
            return bytes(
                self.channel.encode(
                    {
                        "event": "raised",
                        "error": {
                            "kind": "exception",
                            "type": type(exc).__name__,
                            "message": "the result could not be sent back as plain data",
                            "where": [],
                        },
                    }
                )
            )

    def write(self, payload: bytes) -> None:
        with self.sending:
            self.channel.write_frame(self.args.results_fd, self.nonce, payload)

    def block(self, qualname: str) -> None:
        """Make ``qualname`` (a function or ``Class.method``) raise at once: it stalled before."""
        if qualname in self.blocked or "<" in qualname:
            return
        self.blocked.add(qualname)
        *path, name = qualname.split(".")
        try:
            owner: Any = self.module
            for part in path:
                owner = getattr(owner, part)

            def stalled(*args: Any, **kwargs: Any) -> Any:
                raise KnownStall(qualname)

            setattr(owner, name, stalled)
        except Exception:  # a module that refuses attributes: the trusted side still knows
            pass

    def import_submission(self) -> None:
        from grader.sandboxed import at_import  # imports torch

        path = Path(self.args.submission_dir) / f"{self.args.topic}.py"
        if self.sources is None:  # a fresh worker: the files the trusted side names, as a child gets them
            folder = Path(self.args.submission_dir)
            self.sources = {name: (folder / name).read_bytes() for name in self.args.files}
        finder = SourceFinder(self.args.submission_dir, self.sources)
        exists, spec = path.name in self.sources, finder.find_spec(self.args.topic)
        finder.install()
        if not exists:
            self.send({"event": "missing", "file": path.name})
            return
        seal(self.sealing)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.args.topic] = module
        self.watchdog.arm(IMPORT_LOOK_SECONDS, IMPORT_LOOK_SECONDS, again=True)  # a loop at import: its line
        ran: dict[str, list[int]] = {}  # what its lines ran, for the trusted side's twins (at_import)
        try:
            with at_import.recorded(module, ran):
                spec.loader.exec_module(module)
        except BaseException as exc:  # SystemExit and friends included: report, don't die
            self.watchdog.disarm()
            error = describe_exception(exc, self.args.submission_dir)
            self.send({"event": "import_failed", "error": error, "output": self.printed.take()})
            return
        self.watchdog.disarm()
        self.module, self.state_after_import = module, self.torch_state.snapshot()  # each probe's start
        self.send({"event": "imported", "output": self.printed.take(), "ran": ran})

    def probe(self, name: str, source: str) -> Callable[..., Any]:
        key = (name, source)
        if key not in self.probes:
            import torch

            from grader.sandboxed import no_eval, probe_kit

            namespace: dict[str, Any] = {
                "__builtins__": builtins,
                "__name__": "probe",
                "torch": torch,
                "nn": torch.nn,
                "F": torch.nn.functional,
                "math": math,
                "kit": probe_kit,
            }
            code = compile(source, f"<probe {name}>", "exec")
            no_eval.trust(code)
            exec(code, namespace)
            self.probes[key] = namespace[name]
        return self.probes[key]

    def serve(self) -> None:
        """Answer probe requests until the trusted side closes the pipe. Nothing of the submission
        runs outside a request's answer (:func:`grader.sandboxed.probe_kit.answering`): what it left
        to run later (a finalizer of what the probe held, garbage its objects made) runs before
        the answer leaves, while the twins the probe's recorded calls replaced are still replaced,
        and changes no answer, which is plain data already."""
        from grader.sandboxed import probe_kit

        while True:
            try:
                request = self.channel.decode(self.channel.read_frame(0, self.nonce))
            except self.channel.ChannelClosed:
                return
            probe = self.probe(request["name"], request["source"])
            with probe_kit.answering(frozenset(request.get("refuse", ())), tuple(request.get("helpers", ()))):
                payload = self.answer(probe, request)
                del request  # the probe's inputs, and whatever the submission hung on them
                gc.collect()  # its garbage, finalised now; what outlives it is frozen as seal() froze
                gc.freeze()  # what came before: the next probe's collection scans its own objects only
                if self.state_after_import is not None:
                    self.torch_state.restore(self.state_after_import)
            self.write(payload)

    def called(self, probe: Callable[..., Any], request: dict[str, Any]) -> Any:
        """The probe's answer; for a request that names a dtype ("made"), where the answer's tensor
        of another floating dtype came from: the record of the learner's line that made it
        (kit_steps.dtype_maker)."""
        args, kwargs, made = request["args"], request["kwargs"], request.get("made")
        if made is None:
            return probe(self.module, *args, **kwargs)
        import torch

        from grader.sandboxed.kit_steps import MADE_DTYPES, dtype_maker

        if made not in MADE_DTYPES:
            raise ValueError(f"no floating dtype: {made!r}")
        path = getattr(self.module, "__file__", "") or ""
        return dtype_maker(lambda: probe(self.module, *args, **kwargs), getattr(torch, made), path)[1]

    def answer(self, probe: Callable[..., Any], request: dict[str, Any]) -> bytes:
        """Run one probe; its answer as the channel's bytes."""
        from grader.sandboxed import probe_kit

        for qualname in request.get("blocked", ()):
            self.block(qualname)
        if self.state_after_import is not None:
            self.torch_state.restore(self.state_after_import)
        probe_kit.manual_seed(request.get("seed", 0))
        cpu = request.get("cpu")
        reached: set[str] = set()  # the exercise's twins its call reached by a computed name
        self.watchdog.arm(float(request["timeout"]), float(cpu) if cpu else None)
        try:
            refuse, helpers = frozenset(request.get("refuse", ())), tuple(request.get("helpers", ()))
            with guarded.watching(frozenset(request.get("watch", ())), reached):
                value, made = probe_kit.watched_call(
                    lambda: self.called(probe, request), self.module, helpers, refuse
                )
            reached |= made
        except BaseException as exc:
            self.watchdog.disarm()
            error = describe_exception(exc, self.args.submission_dir, self.module)
            event = {"event": "raised", "error": error}
        else:
            self.watchdog.disarm()
            event = {"event": "result", "value": value}
        reached |= probe_kit.refused_outside()  # a twin's kernel run outside a recorded call
        if reached:  # a twin reached: whatever the call made of the refusal (caught it, answered otherwise)
            event = {"event": "raised", "error": {"kind": "off_limits", "names": sorted(reached)}}
        return self.prepare({**event, "output": self.printed.take()})


def seal(program: bytes | None) -> None:
    """The last step before the submission's first line: the allow-list filter ``program``
    (:meth:`Worker.boot` compiled it; None where seccomp is not supported), for good. Its threads
    (the watchdog; a GPU's: :mod:`grader.sandboxed.engines`) are started by now, and no other can
    start after it. From here no string is evaluated but by the reviewed callers
    (:mod:`grader.sandboxed.no_eval`)."""
    from grader.sandboxed import callers, descriptors, gpu_face, guarded, held_modules, no_eval, seccomp

    functools.update_wrapper = guarded.update_wrapper  # what @wraps(x) copies: what graded code may read
    os.listdir = descriptors.listdir  # graded code lists no folder of the worker's descriptors
    os.readlink = descriptors.readlink  # nor reads where one leads (pathlib's readlink and resolve call it)
    callers.install()  # no warning or log record names a frame above graded code
    gpu_face.show_a_gpu()  # torch.cuda's names bound to the stand-in's faces before the import keeps any
    held_modules.install()  # every module loaded by now answers graded code by the member list
    if program is not None:
        seccomp.install(program)
    no_eval.install(SourceFinder.exec_module, Worker.probe)
    gc.freeze()  # the worker's own objects, never garbage: the collection after each probe scans the rest


def serve_forked(nonce: bytes, results_fd: int) -> None:
    """A zygote's child, after its trusted prelude: boot, then read the topic and the files
    (the first frame, which may come a task later), import, serve."""
    from grader.sandboxed import channel

    args = argparse.Namespace(
        submission_dir=SUBMISSION_DIR, topic="", nonce=nonce.hex(), results_fd=results_fd
    )
    worker = Worker(args)
    worker.boot()
    first = channel.decode(channel.read_frame(0, nonce))
    topic, files = (first.get("topic"), first.get("files")) if isinstance(first, dict) else (None, None)
    if not isinstance(topic, str) or not isinstance(files, dict):
        return
    args.topic = topic
    worker.sources = {str(k): bytes(v) for k, v in files.items()}
    worker.import_submission()
    if worker.module is not None:
        worker.serve()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.sandboxed.worker")
    parser.add_argument("--submission-dir", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--results-fd", type=int, required=True)
    parser.add_argument("--nonce", required=True)
    parser.add_argument("--files", nargs="*", default=[])  # the staged files its topic may import
    for limit in ("--memory-mb", "--cpu-seconds", "--file-size-mb", "--threads"):
        parser.add_argument(limit, type=int, required=True)  # grader.engine.worker.sandbox.Limits.as_args
    args = parser.parse_args(argv)
    apply_limits(args.memory_mb, args.cpu_seconds, args.file_size_mb, args.threads)

    import torch

    from grader.sandboxed import dynamo_free

    torch.set_num_threads(1)
    dynamo_free.skip()
    first_use.warm_up()
    worker = Worker(args)
    worker.boot()
    worker.import_submission()
    if worker.module is not None:
        worker.serve()


if __name__ == "__main__":
    main()
