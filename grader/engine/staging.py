"""Copy a submission into a fresh folder the sandboxed worker may read (and nothing else).

Only its modules' ``.py`` files are taken (top-level ones, a package's): no links, nothing above
the size caps; a notebook becomes ``<topic>.py`` holding its definitions
(:mod:`grader.engine.sources.notebooks`). The copy is world-readable (the worker runs as an
unprivileged uid) and lives until the run ends.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from grader.base.i18n import _
from grader.base.topics import TOPICS
from grader.engine.sources import notebooks

MAX_FILE_BYTES = 1 << 20
MAX_TOTAL_BYTES = 20 << 20


class StagingError(ValueError):
    """The path cannot be graded; the message says why in one line."""


def topic_of_file(path: Path, topic: str | None = None) -> str:
    """Which topic a single ``.py`` file answers: ``--topic`` or the file's name."""
    if topic:
        return topic
    if path.stem in TOPICS:
        return path.stem
    raise StagingError(
        _("cannot tell which topic %(name)s answers: name it after a topic (%(topics)s) or pass --topic")
        % {"name": path.name, "topics": ", ".join(TOPICS)}
    )


def topic_files(folder: Path) -> list[str]:
    """Topics that have a ``<topic>.py`` in ``folder``."""
    return [t for t in TOPICS if (folder / f"{t}.py").is_file()]


def folder_files(folder: Path) -> list[Path]:
    """What staging a folder copies: the files of each module ``import`` finds there (``beside``)."""
    from grader.engine.subset import submission as subset

    return [file for files in subset.beside(folder).values() for file in files]


def _copy(source: Path, target: Path) -> int:
    info = source.lstat()
    if not stat.S_ISREG(info.st_mode):
        return 0
    if info.st_size > MAX_FILE_BYTES:
        raise StagingError(f"{source.name} is larger than {MAX_FILE_BYTES >> 20} MB")
    if not target.parent.is_dir():  # a package's folder
        target.parent.mkdir(parents=True)
        os.chmod(target.parent, 0o755)
    shutil.copyfile(source, target)
    os.chmod(target, 0o644)
    return info.st_size


def stage(path: Path, topic: str | None = None) -> Path:
    """A new world-readable folder holding the submission's Python files."""
    from grader.engine.subset import submission as subset  # its readers: here, not at every start

    staged = Path(tempfile.mkdtemp(prefix="torchgrade-sub-"))
    os.chmod(staged, 0o755)
    try:
        if path.is_dir():
            total = 0
            for source in folder_files(path):
                total += _copy(source, staged / source.relative_to(path))
                if total > MAX_TOTAL_BYTES:
                    raise StagingError(f"the submission's Python files exceed {MAX_TOTAL_BYTES >> 20} MB")
        elif path.suffix == ".ipynb":
            notebook = notebooks.read(path)
            own = f"{notebooks.topic_of(path, notebook, topic)[0]}.py"
            code = notebooks.to_module(notebook).source
            (staged / own).write_text(code)
            os.chmod(staged / own, 0o644)
            for helper in subset.helpers(path, own, code.encode()):
                _copy(helper, staged / helper.relative_to(path.parent))
        else:
            own = f"{topic_of_file(path, topic)}.py"
            _copy(path, staged / own)
            for helper in subset.helpers(path, own):
                _copy(helper, staged / helper.relative_to(path.parent))
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged
