"""Helpers for the grader's own tests: run `grade` as a learner or CI would."""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warm import Warm

REPO = Path(__file__).resolve().parents[2]
# a submission whose every name is an object equal to anything, truthy, a float, iterable: a
# forgery a verdict must see through
MAGIC = """
class Magic:
    def __getattr__(self, name): return self
    def __call__(self, *a, **k): return self
    def __eq__(self, other): return True
    def __bool__(self): return True
    def __float__(self): return 0.0
    def __iter__(self): return iter([self, self])
def __getattr__(name):
    return Magic()
"""
GRADE = [sys.executable, "-m", "grader"]

_warm: list[Warm | None] = []  # the session's warm helper once started; None: it could not start


def _warm_helper(env: dict[str, str]) -> Warm | None:
    """The session's warm helper, started on first use with ``env`` and ended at exit
    (tests/grader/warm.py); started again when ``env`` changed what the helper read at start."""
    if _warm and _warm[0] is not None and _warm[0].differs(env):
        _warm.pop().close()
    if not _warm:
        try:
            _warm.append(Warm(REPO, env=env))
            atexit.register(_warm[0].close)
        except (OSError, RuntimeError):
            _warm.append(None)
    return _warm[0]


def start_engine(env: dict[str, str], idle: float) -> tuple[subprocess.Popen, Path]:
    """A warm engine (``python -m grader.serve``) for ``env``, once it has warmed up; it leaves
    after ``idle`` seconds without a request."""
    from grader.apps import daemon

    process = subprocess.Popen(
        [sys.executable, "-m", "grader.serve", str(idle)], cwd=REPO, env=env, start_new_session=True
    )
    path = daemon.socket_path(daemon.engine_env(env))
    assert path is not None
    for _ in range(900):
        if path.exists() or process.poll() is not None:
            break
        time.sleep(0.1)
    assert path.exists(), "the engine did not start"
    from grader.apps import engines

    assert engines.warmed(env, 300), "the engine did not warm up"  # every suite collected, as a test times it
    return process, path


def run_grade(
    *args: str, timeout: float = 600, env: dict[str, str] | None = None, fresh: bool = False
) -> subprocess.CompletedProcess:
    """Run the ``grade`` command as a learner or CI would: ``python -m grader ARGS``, forked from a
    helper that has imported torch and pytest already and grading on its zygote; in a fresh
    process with ``fresh=True``, an
    ``env`` that sets a variable read at the interpreter's start or a heavy import otherwise than
    the helper's (``PYTHON*``, warm.AT_START: :meth:`Warm.differs`), or no helper."""
    session_env = {**os.environ, "PYTHONPATH": str(REPO)}
    full_env = {**session_env, **(env or {})}
    warm = None if fresh else _warm_helper(session_env)
    if warm is not None and not warm.differs(full_env):
        return warm.run(args, cmd=[*GRADE, *args], cwd=REPO, env=full_env, timeout=timeout)
    return subprocess.run(
        [*GRADE, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=full_env,
    )


def grade_json(*args: str, timeout: float = 600, fresh: bool = False) -> tuple[int, dict]:
    done = run_grade(*args, "--format", "json", timeout=timeout, fresh=fresh)
    assert done.returncode in (0, 1), f"exit {done.returncode}: {done.stderr[-2000:]}"
    return done.returncode, json.loads(done.stdout)


@contextlib.contextmanager
def click_help_kept() -> Iterator[None]:
    """Inside: `grade` may run in this process in another language (``--lang``), which
    translates its commands' help in place; after: the help as it was, for the next test."""
    from grader.base import i18n
    from grader.cli import main

    kept = [
        (command, command.help, command.short_help, [(p, getattr(p, "help", None)) for p in command.params])
        for command in i18n.commands_of(main)
    ]
    try:
        yield
    finally:
        for command, text, short, params in kept:
            command.help, command.short_help = text, short
            for param, param_help in params:
                if param_help is not None:
                    param.help = param_help  # type: ignore[attr-defined]
        i18n.refresh()


_releases: dict[str, Path] = {}  # the session's student release, built once


def release_copy(folder: Path) -> Path:
    """A student release (`grade release`, built once per session) copied into ``folder``: a
    course of its own, whose learner edits ``exercises/`` in place (no git, no solutions/)."""
    import shutil
    import tempfile

    if "built" not in _releases:
        out = Path(tempfile.mkdtemp(prefix="tg-release-")) / "course"
        done = subprocess.run(
            [*GRADE, "release", str(out)],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert done.returncode == 0, done.stderr[-3000:]
        atexit.register(shutil.rmtree, out.parent, True)
        _releases["built"] = out
    return Path(shutil.copytree(_releases["built"], folder / "course"))


# What a learner's editor leaves in a topic's file: {state: the file's bytes from (the stub, the
# solution)}. A syntax error (line 8 of the stub: a def typed wrong), an empty file, a UTF-8 BOM
# and CRLF line ends (the solution: graded as the same code), a def half typed at the end; and
# (NEXT_STATES) the solution that loops, or raises, at import.
def file_state(state: str, stub: str, solution: str) -> bytes:
    if state == "syntax":
        lines = stub.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("def l1("))
        lines[at] = "def l1(y_hat, y:"
        return ("\n".join(lines) + "\n").encode()
    if state == "empty":
        return b""
    if state == "bom":
        return b"\xef\xbb\xbf" + solution.encode()
    if state == "crlf":
        return solution.replace("\n", "\r\n").encode()
    if state == "loop":  # the solution, then a loop at import (a demo left running at the bottom)
        return (solution + "\n\nwhile True:\n    pass\n").encode()
    if state == "raises":  # the solution, then a line that raises at import (a demo's typo)
        return (solution + "\n\nprint(mse(torch.ones(2)))\n").encode()
    assert state == "half"
    return (stub + "\n\ndef huber_again(y_hat, y\n").encode()


FILE_STATES = ("syntax", "empty", "bom", "crlf", "half")
NEXT_STATES = (*FILE_STATES, "loop", "raises")


def syntax_line(data: bytes) -> int:
    """The line of the syntax error Python reports in ``data``."""
    try:
        compile(data, "losses.py", "exec")
    except SyntaxError as error:
        return int(error.lineno or 0)
    raise AssertionError("it parses")


def with_pack(monkeypatch: Any, name: str) -> None:
    """tests/packs/NAME named for this test: in ``TORCHGRADE_PACKS`` and in the manifest this process
    read at import (``grader.base.topics.MANIFEST``, which looks a topic up for its domains and answers)."""
    from grader.base import packs, topics

    monkeypatch.setenv(packs.PACKS_ENV, f"tests/packs/{name}")
    monkeypatch.setattr(
        topics, "MANIFEST", (*topics.MANIFEST, *packs.read_pack(REPO / "tests" / "packs" / name)[1])
    )


def load_file(path: Path, name: str) -> types.ModuleType:
    """The module of the Python file ``path``, imported under ``name`` (here, not sandboxed)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class InProcess:
    """A ``sub`` whose probes run here, on ``module``."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def run(self, probe: Any, *args: Any) -> Any:
        return probe(self.module, *args)
