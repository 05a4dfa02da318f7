"""An exercise is never charged for another exercise being absent from the file unless its checks
need it, and then the lead names the missing definition in the learner's terms: a topic file whose
writer deleted the other exercises (rather than leaving their stubs) grades the exercises it holds
as the full stub file would. Each case below scored below full before (the blind seal batch's
HW44, HW45, HW58, HW63), led by a generic crash."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest
from helpers import REPO, grade_json

from grader.engine.worker.problems import Missing, NotStarted, missing, sealed
from grader.sandboxed.raised import describe_exception, missing_name


def only(topic: str, *names: str) -> str:
    """The solution's ``topic`` file with only the exercises ``names`` of its definitions (its
    imports, constants and helpers kept): what a learner who deleted the other exercises hands in."""
    import ast

    from grader.base.topics import exercises

    source = (REPO / "solutions" / f"{topic}.py").read_text()
    tree = ast.parse(source)
    dropped = set(exercises(topic)) - set(names)
    kept = [
        n for n in tree.body if not (isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in dropped)
    ]
    return "\n\n".join(ast.get_source_segment(source, n) or "" for n in kept) + "\n"


def exercises_of(report: dict) -> dict[str, dict]:
    return {e["name"]: e for t in report["topics"] for e in t["exercises"]}


@pytest.mark.unit
def test_a_name_a_probe_finds_missing_is_cpythons_attribute_error_on_the_module_alone():
    module = types.ModuleType("mlp")
    module.MLP = object
    try:
        module.train_epoch  # noqa: B018
    except AttributeError as exc:
        assert missing_name(exc, module) == "train_epoch"
        assert describe_exception(exc, "/nowhere", module)["missing"] == "train_epoch"
    try:
        module.MLP.nothing  # noqa: B018
    except AttributeError as exc:  # an attribute of something else
        assert missing_name(exc, module) == ""
    forged = AttributeError("module 'mlp' has no attribute 'MLP'", name="MLP", obj=module)
    assert missing_name(forged, module) == ""  # it defines MLP: not missing, whatever the words
    assert missing_name(type("Mine", (AttributeError,), {})("x", name="y", obj=module), module) == ""
    module.__getattr__ = lambda name: 1  # a module of its own lookup: its error is its own
    assert missing_name(AttributeError("", name="evaluate", obj=module), module) == ""


@pytest.mark.unit
def test_the_missing_exercise_is_said_in_the_learners_terms_public_or_hidden():
    problem = missing("resnet", "ResidualBlock", ("SmallResNet",))
    assert isinstance(problem, NotStarted) and problem.functions == ("ResidualBlock",)
    assert str(problem).startswith("resnet.py has no ResidualBlock, which the checks of SmallResNet run")
    assert sealed(problem, ("SmallResNet",)) is problem  # trusted words: the hidden lane keeps them
    assert isinstance(sealed(problem, ()), Missing)


@pytest.mark.e2e
@pytest.mark.parametrize(
    "topic, kept, exercise",
    [
        ("mlp", ("MLP",), "MLP"),  # its training check trains with train_epoch (the file has none)
        ("mlp", ("train_epoch",), "train_epoch"),  # ... with MLP
        ("resnet", ("BasicBlock", "SmallResNet"), "SmallResNet"),  # no ResidualBlock, which it never builds
        ("rnn", ("HelloRNN",), "HelloRNN"),  # its training check encoded with encode_chars
    ],
    ids=["MLP", "train_epoch", "SmallResNet", "HelloRNN"],
)
def test_an_exercise_alone_in_its_file_is_full(
    tmp_path: Path, topic: str, kept: tuple[str, ...], exercise: str
):
    path = tmp_path / f"{topic}.py"
    path.write_text(only(topic, *kept))
    _, report = grade_json("check", str(path), "--exercise", exercise, "--no-daemon")
    found = exercises_of(report)
    assert found[exercise]["points"] == found[exercise]["max_points"], found[exercise]
    for name, other in found.items():  # a neighbour the shared check is charged to says why
        if name != exercise and other["points"] < other["max_points"]:
            said = other["diagnosis"].split("\n", 1)[0]
            assert re.search(rf"{topic}\.py has no {name}, which the checks of {exercise} run", said), other
