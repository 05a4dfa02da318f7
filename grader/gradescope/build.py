"""The instructor's side: ``grade gradescope OUT.zip`` builds the autograder zip (``template/``'s
scripts, what every hand-out carries: :func:`grader.course.projections.handout_files`, the chosen
topics' whole suites and ``gradescope.json``), the same bytes for the same sources."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

from grader.base.packs import flattened_toml
from grader.base.topics import (
    MANIFEST,
    RELEASE_MARKER,
    REPO_ROOT,
    available_topics,
    install_problem,
    suites_dir,
    unknown_topic,
)
from grader.course.projections import handout_files
from grader.gradescope.config import CONFIG_NAME, AutograderProblem, Config

TEMPLATES = Path(__file__).resolve().parent / "template"

SCRIPTS = ("setup.sh", "run_autograder")

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the same bytes for the same sources


def source_files(topics: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(name in the zip, path here) of the torchgrade files the autograder needs: what every
    hand-out carries (:func:`grader.course.projections.handout_files`), the chosen topics' whole suites
    and the README pyproject.toml names."""
    chosen = tuple(t for t in MANIFEST if t.name in topics)
    suites = {f"tests/suites/{t.suite.name}": t.suite for t in chosen}
    carried = handout_files("zip", chosen, [path.read_text() for path in suites.values()])
    return list({"README.md": REPO_ROOT / "README.md", **suites, **carried}.items())


def _chosen_topics(topics: tuple[str, ...]) -> tuple[str, ...]:
    """``topics`` without repeats (every topic with a suite when empty), or :class:`AutograderProblem`."""
    if install_problem():
        raise AutograderProblem(install_problem())
    if (suites_dir() / RELEASE_MARKER).is_file():
        raise AutograderProblem(
            "these are a student release's suites (public checks only): build from the course repository"
        )
    if unknown_topic(topics):
        raise AutograderProblem(unknown_topic(topics))
    chosen = tuple(dict.fromkeys(topics)) or tuple(available_topics())
    missing = [t for t in chosen if t not in available_topics()]
    if missing or not chosen:
        raise AutograderProblem(
            f"no suite for topic {missing[0]!r} in {suites_dir()}" if missing else "no suites"
        )
    return chosen


def _zip_entry(name: str, executable: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def build_autograder(out_zip: Path, config: Config | None = None) -> Path:
    """Write the Gradescope autograder zip for ``config`` (its topics: all when empty) to
    ``out_zip``; raises :class:`AutograderProblem`."""
    config = config or Config()
    config = replace(config, options=config.options.with_topics(_chosen_topics(config.topics)))
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    partial = out_zip.with_name(f".{out_zip.name}.{os.getpid()}.partial")
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for script in SCRIPTS:
                archive.writestr(_zip_entry(script, True), (TEMPLATES / script).read_bytes())
            archive.writestr(_zip_entry(CONFIG_NAME, False), json.dumps(config.to_json(), indent=2) + "\n")
            for name, path in source_files(config.topics):
                archive.writestr(_zip_entry(name, False), path.read_bytes())
            chosen = tuple(t for t in MANIFEST if t.name in config.topics)
            archive.writestr(_zip_entry("tests/suites/pack.toml", False), flattened_toml(chosen))
            if config.language:  # the course's language: grader/base/i18n.py's default in the container
                archive.writestr(_zip_entry("grader/locale/DEFAULT", False), f"{config.language}\n")
        os.replace(partial, out_zip)
    finally:
        partial.unlink(missing_ok=True)
    return out_zip
