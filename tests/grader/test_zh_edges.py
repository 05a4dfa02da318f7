"""Chinese to the edges: every line a learner sees in a zh_CN run comes from the catalogue.

Each learner command is driven as a learner runs it, in zh_CN: ``grade FILE`` and ``grade FILE
--exercise X`` on a terminal (their live "queued / grading / done" lines), ``grade next``,
``grade hint``, ``grade reset`` in a student release (and its README.zh_CN.md), ``grade watch``
for one save, usage errors (Click's own and the grader's), a refused line and a missing module,
``grade --help``, and a hand-out notebook with a cell that does not parse. A line fails on an
English sentence (:func:`english_in`).
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers import GRADE, REPO, release_copy, run_grade
from test_zh_complete import FALLBACKS, FOREIGN

from grader.base import i18n
from grader.base.topics import TOPICS

ZH = {"TORCHGRADE_LANG": "zh_CN"}
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")  # Chinese, and its full-width punctuation
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
# A command line: `grade`, `python3`, `pip` and their arguments (not a `# comment` after them),
# and an import statement: shown as typed
COMMAND = re.compile(
    r"\b(?:grade|python3?|pip|(?:from \S+ )?import)\b(?: +[^\s#\u2e80-\u9fff\uff00-\uffef]+)*"
)
# An English word: letters only (a path, an identifier, an option, a check id or a number is not one)
WORD = re.compile(r"\(?([A-Za-z][a-z]+)[,.;:!?)]*")
# Names shown as they are: tools, libraries, systems
NAMES = {
    "torch", "torchgrade", "numpy", "math", "typing", "collections", "python", "pytorch",
    "cuda", "cpu", "bubblewrap", "bwrap", "seccomp", "linux", "macos", "windows", "wsl",
    "colab", "jupyter", "ipython", "git", "pip", "gradescope", "ctrl", "usage", "options",
}  # fmt: skip


def english_in(text: str) -> list[str]:
    """The English sentences of ``text``'s lines. Taken out first: what the submission or torch
    wrote and code spans (test_zh_complete.FOREIGN), `grade` command lines, and names (topics,
    exercises, :data:`NAMES`); then a line holds English where two words of letters stand in a row
    (``no such file``, ``was not run``), or where it has no Chinese at all and still a word of three
    letters or more (a live line ``losses  queued  0.4 s``)."""
    exercises = {name for topic in TOPICS for name in _exercises(topic)}
    found = []
    for raw in ANSI.sub("", text).splitlines():
        line = raw
        for foreign in FOREIGN:
            line = foreign.sub(" ", line)
        line = COMMAND.sub(" ", line)
        chinese = bool(CJK.search(line))
        run: list[str] = []
        runs: list[list[str]] = []
        for token in CJK.sub(" | ", line).split():
            word = WORD.fullmatch(token)
            name = word is not None and (
                word[1].lower() in NAMES or word[1] in TOPICS or word[1] in exercises
            )
            if word is None or name:
                runs.append(run)
                run = []
            else:
                run.append(word[1])
            if token.endswith((".", ";", ":", "!", "?", ")")):  # a sentence's end (a comma goes on)
                runs.append(run)
                run = []
        runs.append(run)
        english = [r for r in runs if len(r) >= 2 or (not chinese and r and len(r[0]) >= 3)]
        sentence = [" ".join(r) for r in english]
        if sentence and not any(any(s in fallback for s in sentence) for fallback in FALLBACKS):
            found.append(raw.strip())
    return found


def _exercises(topic: str) -> list[str]:
    from grader.apps import learner

    return list(learner.exercise_names(topic))


@pytest.mark.unit
def test_the_scan_finds_english_sentences_and_leaves_names_and_code():
    assert english_in("grade: no such file or folder: nosuch")
    assert english_in("\x1b[2K  losses     queued  0.3 s")
    assert english_in("  losses     grading regression_loss_reductions[mse-mean]  0.0 s")
    assert english_in("grade next              # where to start: the first exercise not done yet")
    assert english_in("用法：grade check [OPTIONS] PATH\n\nError: Missing argument 'PATH'.")
    assert english_in("pairwise_sq_dists is vectorised：期望 …")
    assert not english_in(
        "下一道：mse（losses）：均方误差。用这条命令检查：grade /tmp/x/losses.py --exercise mse"
    )
    assert not english_in("torchgrade: /tmp/losses.py  （沙箱：bubblewrap + no-fork seccomp；设备：cpu）")
    assert not english_in("losses     11/11          11           0")
    assert not english_in("运行 cnn.py 中的 conv2d() 时出现 RuntimeError：The size of tensor a must match")
    assert not english_in("在 `grade watch exercises/` 里保存，`x.new_tensor(...)` 即可")


@pytest.mark.unit
def test_a_checks_claim_reads_as_what_is_required(monkeypatch):
    """A check's *what* says what the code must do: "须向量化", never "已向量化" (done already)."""
    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    try:
        for what in (
            "pairwise_sq_dists is vectorised",
            "matmul is vectorised (inputs growing along each dimension)",
        ):
            assert "须向量化" in i18n.text(what), i18n.text(what)
    finally:
        monkeypatch.delenv("TORCHGRADE_LANG")
        i18n.refresh()


@pytest.mark.unit
def test_a_refused_modules_advice_names_its_members_in_chinese(monkeypatch):
    """A refused module whose members the list allows by another path: the advice (import them
    from it, or their public names) is Chinese around the code (seen in English before)."""
    from grader.engine.subset import submission as subset

    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    try:
        (found,) = subset.check("import torch.nn.modules.linear\n")
        message = found.message("losses")
        assert "from torch.nn.modules.linear import" in message and not english_in(message), message
        # the scan reads what follows an import statement as code: the words around it, by name
        assert not {"same", "itself"} & set(re.findall(r"[a-z]+", message)), message
    finally:
        monkeypatch.delenv("TORCHGRADE_LANG")
        i18n.refresh()


def _zh(*args: str, cwd: Path = REPO) -> str:
    """``grade ARGS`` in zh_CN: stdout and stderr together (its own process when not in the checkout)."""
    if cwd == REPO:
        done = run_grade(*args, env=ZH, timeout=300)
    else:
        done = subprocess.run(
            [*GRADE, *args], capture_output=True, text=True, timeout=300, cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(cwd), **ZH},
        )  # fmt: skip
    return done.stdout + done.stderr


def on_a_terminal(args: list[str], saves: list[tuple[Path, str]] = (), timeout: float = 300) -> str:  # type: ignore[assignment]
    """``grade ARGS`` in zh_CN on a terminal (stdin, stdout, stderr on one pty), as a learner
    sees it. For ``grade watch``: each ``(file, text)`` of ``saves`` written once the watcher
    waits, then Ctrl-C once it waits again."""
    waiting = _literal(
        i18n.in_language("zh_CN", "watching %(path)s: save a file to re-grade its topic; Ctrl-C to stop")
    )
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*GRADE, *args], cwd=REPO, stdin=follower, stdout=follower, stderr=follower, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO), **ZH},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    os.close(follower)
    output, pending, end, stopped = b"", list(saves), time.monotonic() + timeout, False
    try:
        while time.monotonic() < end:
            if select.select([leader], [], [], 0.1)[0]:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the command ended
                    break
                if not data:
                    break
                output += data
            waits = output.decode(errors="replace").count(waiting)
            if "watch" in args and waits > len(saves) - len(pending):
                if pending:
                    path, text = pending.pop(0)
                    path.write_text(text)
                elif not stopped:
                    process.send_signal(signal.SIGINT)  # once: a second Ctrl-C would cut its exit short
                    stopped = True
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)
    return output.decode(errors="replace")


def _literal(template: str) -> str:
    """The longest literal part of a %-template: what its output holds whatever the values."""
    return max(re.split(r"%\(\w+\)[sd]", template), key=len)


def _found(shown: dict[str, str]) -> str:
    """Each English line found, under the command that printed it ("" where none)."""
    found = {what: english for what, text in shown.items() if (english := english_in(text))}
    return "\n".join(f"{what}: {line}" for what, lines in found.items() for line in dict.fromkeys(lines))


@pytest.mark.e2e
def test_grading_and_the_loop_speak_chinese(tmp_path):
    stub, solved = tmp_path / "stub", tmp_path / "solved"
    for folder, source in ((stub, "exercises"), (solved, "solutions")):
        folder.mkdir()
        shutil.copy(REPO / source / "losses.py", folder / "losses.py")
    refused, missing = tmp_path / "refused", tmp_path / "missing"
    for folder, line in ((refused, "eval('1')"), (missing, "import torchh")):
        folder.mkdir()
        text = (REPO / "solutions" / "losses.py").read_text()
        (folder / "losses.py").write_text(text.replace("\nimport torch\n", f"\nimport torch\n{line}\n", 1))
    shown = {
        "grade FILE": on_a_terminal([str(stub / "losses.py")]),
        "grade FILE --exercise": on_a_terminal([str(solved / "losses.py"), "--exercise", "mse"]),
        "grade next": _zh("next", str(stub)),
        "grade hint": _zh("hint", "mse", "--reset"),
        "refused line": _zh(str(refused / "losses.py")),
        "missing module": _zh(str(missing / "losses.py")),
    }
    assert shown["grade FILE --exercise"].count("mse") >= 1 and "losses" in shown["grade FILE"]
    assert _found(shown) == ""


@pytest.mark.e2e
def test_usage_errors_and_help_speak_chinese():
    shown = {
        "missing argument": _zh("check"),
        "no such option": _zh("check", "exercises", "--no-such"),
        "bad option value": _zh("check", "exercises", "--format", "xml"),
        "no such command or path": _zh("nosuch"),
        "no such command": _zh("course", "nosuch"),
        "extra argument": _zh("hint", "mse", "extra"),
        "option without value": _zh("check", "exercises", "--topic"),
        "bad number": _zh("check", "exercises", "--jobs", "many"),
        "grade --help": _zh("--help"),
    }
    assert _found(shown) == ""
    help_page = shown["grade --help"]
    assert not re.search(r"^\s+\w+\s+(\S*\.\.\.|\.\.\.)$", help_page, re.M), help_page  # no description cut


@pytest.mark.e2e
def test_watch_and_a_release_speak_chinese(tmp_path):
    (tmp_path / "watched").mkdir()
    watched = tmp_path / "watched" / "losses.py"
    shutil.copy(REPO / "exercises" / "losses.py", watched)
    course = release_copy(tmp_path)
    shown = {
        "grade watch": on_a_terminal(["watch", str(watched)], saves=[(watched, (REPO / "solutions" / "losses.py").read_text())]),
        "grade reset (release)": _zh("reset", "mse", cwd=course),
        "README.zh_CN.md": (course / "README.zh_CN.md").read_text(encoding="utf-8"),
    }  # fmt: skip
    assert "133/133" in shown["grade watch"], shown["grade watch"]  # the save was re-graded
    assert _found(shown) == ""


@pytest.mark.e2e
def test_a_handout_notebooks_skipped_cell_is_told_in_chinese(tmp_path):
    done = run_grade("--lang", "zh_CN", "notebooks", str(tmp_path / "out"), "--topic", "losses", env=ZH)
    assert done.returncode == 0, done.stderr
    notebook = next((tmp_path / "out").rglob("*.ipynb"))
    data = json.loads(notebook.read_text(encoding="utf-8"))
    data["cells"].append(
        {
            "cell_type": "code",
            "id": "broken",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": ["def broken(:\n"],
        }
    )
    notebook.write_text(json.dumps(data), encoding="utf-8")
    shown = {"notebook": _zh(str(notebook))}
    assert "broken" in shown["notebook"], shown
    try:
        compile("def broken(:\n", "cell", "exec")
    except SyntaxError as error:  # Python's own words, shown as it wrote them
        shown["notebook"] = shown["notebook"].replace(str(error.msg), " ")
    assert _found(shown) == ""
