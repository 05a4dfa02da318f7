"""Fixtures for the grader's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import grade_json


@pytest.fixture(scope="session")
def solutions_report() -> tuple[int, dict]:
    return grade_json("solutions/")


@pytest.fixture(scope="session")
def exercises_report() -> tuple[int, dict]:
    return grade_json("exercises/")


@pytest.fixture
def make_submission(tmp_path):
    """Write ``{topic: source}`` into a folder shaped like exercises/ and return it."""
    def make(files: dict[str, str], name: str = "student") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for topic, source in files.items():
            (folder / f"{topic}.py").write_text(source)
        return folder
    return make
