"""``grade batch``: a whole class at a time, into a gradebook that loses nothing.

Each entry of the submissions folder is one student (see :mod:`grader.intake`). Each
gradable submission is graded by its own ``grade`` process (which starts its own
sandboxed workers), several at a time; each finished submission is written to the
SQLite gradebook in one transaction, and the exports are rebuilt from the database at
the end of every run. A re-run skips students whose content hash and suite version are
already recorded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from grader import __version__
from grader.exports import export_all
from grader.gradebook import Gradebook, Row
from grader.intake import Gradable, Rejected, take
from grader.topics import REPO_ROOT, suites_dir

SUBMISSION_SECONDS = 1800      # a whole submission; single probes have their own timeout


@dataclass
class BatchOptions:
    workers: int = os.cpu_count() or 1
    timeout: float = 20.0
    memory_mb: int = 4096
    topics: tuple[str, ...] = ()


@dataclass
class BatchSummary:
    graded: int = 0
    skipped: int = 0
    rejected: int = 0
    crashed: int = 0
    students: list[str] = field(default_factory=list)


def suite_version() -> str:
    """Changes whenever a suite or the grader changes: old grades then count as stale."""
    digest = hashlib.sha256(__version__.encode())
    for folder, pattern in ((suites_dir(), "*"), (REPO_ROOT / "grader", "*.py")):
        for file in sorted(folder.glob(pattern)):
            if file.is_file():
                digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:16]


class _Runner:
    """Runs ``grade`` subprocesses and can kill them all (Ctrl-C)."""

    def __init__(self, options: BatchOptions) -> None:
        self.options = options
        self.running: set[subprocess.Popen] = set()
        self.lock = threading.Lock()

    def grade(self, item: Gradable, version: str) -> Row:
        command = [sys.executable, "-c", "from grader.cli import main; main()", str(item.path),
                   "--format", "json", "--timeout", str(self.options.timeout),
                   "--memory", str(self.options.memory_mb)]
        topics = (item.topic,) if item.topic else self.options.topics
        for topic in topics:
            command += ["--topic", topic]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
        with self.lock:
            self.running.add(process)
        try:
            stdout, stderr = process.communicate(timeout=SUBMISSION_SECONDS)
        except subprocess.TimeoutExpired:
            self._kill(process)
            stdout, stderr = "", f"grading took longer than {SUBMISSION_SECONDS} s and was stopped"
        finally:
            with self.lock:
                self.running.discard(process)
        return self._row(item, version, process.returncode, stdout, stderr)

    @staticmethod
    def _row(item: Gradable, version: str, code: int | None, stdout: str, stderr: str) -> Row:
        if code in (0, 1):
            report = json.loads(stdout)
            return Row(item.student, item.content_hash, version, "graded", "",
                       report["score"], report["max_score"], report)
        last_line = (stderr.strip().splitlines() or [f"exit status {code}"])[-1][:300]
        status = "rejected" if code == 2 else "crashed"
        return Row(item.student, item.content_hash, version, status, last_line, 0, 0, {})

    @staticmethod
    def _kill(process: subprocess.Popen) -> None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()

    def kill_all(self) -> None:
        with self.lock:
            running = list(self.running)
        for process in running:
            self._kill(process)


def _entries(submissions: Path) -> list[Path]:
    return sorted(p for p in submissions.iterdir() if not p.name.startswith("."))


def run_batch(submissions: Path, out: Path, options: BatchOptions,
              on_done: Callable[[Row | None], None] = lambda row: None) -> BatchSummary:
    """Grade every entry of ``submissions`` into ``out``; ``on_done`` is called per entry."""
    out.mkdir(parents=True, exist_ok=True)
    gradebook = Gradebook(out / "gradebook.sqlite")
    version = suite_version()
    summary = BatchSummary()
    scratch = Path(tempfile.mkdtemp(prefix="torchgrade-batch-"))
    runner = _Runner(options)
    try:
        todo: list[Gradable] = []
        for entry in _entries(submissions):
            item = take(entry, scratch, options.topics)
            summary.students.append(item.student)
            if isinstance(item, Rejected):
                row = Row(item.student, "", version, "rejected", item.reason, 0, 0, {})
                gradebook.record(row)
                summary.rejected += 1
                on_done(row)
            elif gradebook.is_current(item.student, item.content_hash, version):
                summary.skipped += 1
                on_done(None)
            else:
                todo.append(item)
        with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
            pending: set[Future] = {pool.submit(runner.grade, item, version) for item in todo}
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        row = future.result()
                        gradebook.record(row)
                        summary.graded += row.status == "graded"
                        summary.rejected += row.status == "rejected"
                        summary.crashed += row.status == "crashed"
                        on_done(row)
            except BaseException:
                for future in pending:
                    future.cancel()
                runner.kill_all()
                raise
    finally:
        export_all(gradebook.rows(), out)
        gradebook.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return summary
