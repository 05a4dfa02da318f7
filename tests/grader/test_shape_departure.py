"""A module whose output has the wrong shape, though nothing raised, is taught at its layer: the
first layer whose output departs from what the docstring's layers give on the same input (its
name, configuration, input and output against the expected one), else the layer that gave the
module's output or the first that got a batch axis other than the model's.

The suites' own shape checks are called with a ``sub`` that runs each probe in this process on a
mistake built from the solution or taken from the corpus (the engine tier: loading the suites and
running the models costs about 2 s of CPU); one test runs the layer probe in a worker, and the
unit test sends a hostile trace.
"""

from __future__ import annotations

import functools
import importlib.util
import types

import pytest
from helpers import REPO

from grader.checks import probes
from grader.checks.judging.judge import CheckFailed

SUITES = REPO / "tests" / "suites"


@functools.cache
def load_suite(topic: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(f"suite_{topic}_departure", SUITES / f"suite_{topic}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mistake(topic: str, *edits: tuple[str, str]) -> types.ModuleType:
    """The solution of ``topic`` with each (old, new) of ``edits`` replaced, as a module."""
    source = (REPO / "solutions" / f"{topic}.py").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in source
        source = source.replace(old, new)
    module = types.ModuleType(f"{topic}_mistake")
    exec(compile(source, f"/submission/{topic}.py", "exec"), module.__dict__)
    return module


def squeezed_logits() -> types.ModuleType:
    """The corpus's GoogLeNetMini that squeezes its logits (a batch of one loses its axis)."""
    path = REPO / "tests" / "corpus" / "inception" / "mistakes" / "fresh_googlenet_squeeze_logits.py"
    module = types.ModuleType("squeezed_logits")
    exec(compile(path.read_text(), "/submission/inception.py", "exec"), module.__dict__)
    return module


class InProcess:
    """A session's ``run`` on a module of this process (what the worker does, without the sandbox)."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def run(self, probe, *args, timeout=None, **kwargs):
        return probe(self.module, *args, **kwargs)


def failure(check, module: types.ModuleType, *args) -> str:
    with pytest.raises(CheckFailed) as failed:
        check(InProcess(module), *args)
    return str(failed.value)


FC_20 = ("nn.Linear(32, num_classes)", "nn.Linear(32, 20)")
# no global pooling, and a view that folds the 2×2 map into the batch axis: it runs, (8, 10)
FOLDED_BATCH = (
    ("nn.MaxPool2d(2),\n            nn.AdaptiveAvgPool2d(1))", "nn.MaxPool2d(2))"),
    ("self.features(x).flatten(1)", "self.features(x).view(-1, 32)"),
)


@pytest.mark.engine
def test_simple_cnn_with_a_wrong_linear_layer_names_the_layer_that_gave_the_output():
    cnn = load_suite("cnn")
    wrong = mistake("cnn", FC_20)
    message = failure(cnn.test_simple_cnn_accepts_any_size_at_least_8, wrong, 10, 1)
    assert (
        "the layer that gave the output: SimpleCNN.classifier = Linear(in_features=32, out_features=20)"
        in message
    )
    assert "its input: (2, 32) float32; its output: (2, 20) float32; expected (2, 10)" in message
    assert "out_features" in message.split("hint: ")[1] and "global average pooling" not in message


@pytest.mark.engine
def test_simple_cnn_flattening_into_the_batch_axis_names_the_first_layer_it_reached():
    cnn = load_suite("cnn")
    wrong = mistake("cnn", *FOLDED_BATCH)
    message = failure(cnn.test_simple_cnn_accepts_any_size_at_least_8, wrong, 10, 1)
    assert (
        "the first layer given another batch than the model's: "
        "SimpleCNN.classifier = Linear(in_features=32, out_features=10)" in message
    )
    assert "its input: (8, 32) float32; the model's input: (2, 1, 8, 8) float32" in message
    assert "x.flatten(1)" in message.split("hint: ")[1]


@pytest.mark.engine
def test_inception_with_a_branch_of_the_wrong_width_names_that_convolution():
    inception = load_suite("inception")
    wrong = mistake("inception", ("nn.Conv2d(24, 24, 3, padding=1)", "nn.Conv2d(24, 32, 3, padding=1)"))
    message = failure(inception.test_inception_keeps_size_and_gives_88_channels, wrong, 1, 8)
    assert (
        "the first layer that departs from the docstring's: InceptionA.branch3x3_3 = "
        "Conv2d(in_channels=24, out_channels=32, kernel_size=(3, 3)" in message
    )
    assert (
        "its input: (2, 24, 8, 8) float32; its output: (2, 32, 8, 8) float32; expected (2, 24, 8, 8)"
        in message
    )
    assert "out_channels" in message.split("hint: ")[1]


@pytest.mark.engine
def test_inception_whose_1x1_branch_has_the_pool_branchs_width_names_that_branch():  # causes9 i01
    """The 1×1 branch at 24 channels is alike in every setting to the pooling branch's 1×1: the
    layers run in the docstring's order, so each is paired by its place (the pooling branch, right,
    was named before)."""
    inception = load_suite("inception")
    wrong = mistake(
        "inception",
        ("self.branch1x1 = nn.Conv2d(in_channels, 16, 1)", "self.branch1x1 = nn.Conv2d(in_channels, 24, 1)"),
    )
    message = failure(inception.test_inception_keeps_size_and_gives_88_channels, wrong, 1, 8)
    assert "the first layer that departs from the docstring's: InceptionA.branch1x1 = " in message


@pytest.mark.engine
def test_basic_block_without_its_stride_names_its_first_convolution():
    resnet = load_suite("resnet")
    wrong = mistake("resnet", ("stride=stride, ", ""))
    message = failure(resnet.test_basic_block, wrong, 4, 8, 2)
    assert (
        "the first layer that departs from the docstring's: BasicBlock.conv1 = "
        "Conv2d(in_channels=4, out_channels=8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))" in message
    )
    assert (
        "its input: (2, 4, 7, 7) float32; its output: (2, 8, 7, 7) float32; expected (2, 8, 4, 4)" in message
    )
    assert "stride" in message.split("hint: ")[1]


@pytest.mark.engine
def test_the_layer_probe_answers_through_the_worker(session_for):
    source = (
        (REPO / "solutions" / "cnn.py")
        .read_text(encoding="utf-8")
        .replace("nn.Linear(32, num_classes)", "nn.Linear(32, 20)")
    )
    session = session_for(source, topic="cnn")
    found = session.run(
        probes.module_layers, "simple_cnn", "SimpleCNN", (), {"num_classes": 10}, (2, 1, 8, 8)
    )
    assert found["output"] == [[2, 20], "float32", "cpu"]
    last = found["layers"][-1]
    assert last["name"] == "classifier" and last["type"] == "Linear" and last["output"][0] == [2, 20]
    assert last["is_output"] is True and last["settings"]["out_features"] == 20


@pytest.mark.engine
def test_the_departure_reads_chinese(monkeypatch):
    from test_zh_complete import FALLBACKS, english_left

    from grader.base import i18n

    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    try:
        cnn, resnet = load_suite("cnn"), load_suite("resnet")
        messages = [
            failure(cnn.test_simple_cnn_accepts_any_size_at_least_8, mistake("cnn", FC_20), 10, 1),
            failure(cnn.test_simple_cnn_accepts_any_size_at_least_8, mistake("cnn", *FOLDED_BATCH), 10, 1),
            failure(resnet.test_basic_block, mistake("resnet", ("stride=stride, ", "")), 4, 8, 2),
            failure(
                load_suite("inception").test_googlenet_mini_computes_its_flatten_size,
                squeezed_logits(),
                12,
                1,
                3,
            ),
        ]
    finally:
        monkeypatch.delenv("TORCHGRADE_LANG")
        i18n.refresh()
    for message in messages:
        assert english_left(message, FALLBACKS) == [], message
    assert "第一个与文档字符串不符的层" in messages[2]


@pytest.mark.engine
def test_a_squeezed_batch_of_one_is_told_about_squeeze():
    cnn = load_suite("cnn")
    source = (REPO / "tests" / "corpus" / "cnn" / "mistakes" / "fresh_simple_cnn_squeeze.py").read_text()
    module = types.ModuleType("squeezed")
    exec(compile(source, "/submission/cnn.py", "exec"), module.__dict__)
    message = failure(cnn.test_simple_cnn_accepts_any_size_at_least_8, module, 10, 1)
    assert "the first layer given another batch than the model's: SimpleCNN.fc = Linear(" in message
    assert "its input: (32,) float32; the model's input: (1, 1, 12, 12) float32" in message
    assert "squeeze()" in message.split("hint: ")[1]


@pytest.mark.engine  # CPU-heavy for the unit tier's budget
def test_what_the_worker_sends_of_the_layers_is_checked_before_it_is_shown():
    from grader.checks.hints.departures import Traced, departure

    odd = {
        "input": [[2, 3, 8, 8], "float32", "cpu"],
        "layers": [
            "not a layer",
            {"name": "a\x1b[31m", "type": "Conv2d", "settings": {"in_channels": 3, "kernel_size": [1, 1]},
             "input": [[2, 3, 8, 8], "float32", "cpu"], "output": [[2, 10**30, 8, 8], "float32", "cpu"]},
            {"name": "b", "type": "Conv2d", "settings": "x", "input": [[-1, 2], 1, 2], "output": 7},
            {"name": "c\x07", "type": "Linear\x1b[0m", "settings": {}, "input": None,
             "output": [[2, 5], "float32", "cpu"], "is_output": "yes"},
        ] * 30,
    }  # fmt: skip
    inception, resnet = load_suite("inception"), load_suite("resnet")
    for layers in (inception.inception_layers, None):
        lines, hint = departure(odd, Traced("x", "M", (3,), {}, layers), (2, 88, 8, 8))
        assert all("\x1b" not in line and "\x07" not in line for line in lines)
    assert departure("nonsense", Traced("x", "M", (3,), {}, inception.inception_layers), (2, 88, 8, 8)) == (
        [],
        "",
    )
    layers = resnet.basic_block_layers
    assert departure({"layers": None}, Traced("x", "M", ("a",), {}, layers), (1,)) == ([], "")


@pytest.mark.unit
def test_any_packs_declared_layers_name_the_first_that_departs():
    """Traced.layers is a declaration any pack may make: its own module's layers, as its docstring
    fixes them, name the learner's first layer that departs; without them, the output's layer."""
    from torch import nn

    from grader.checks.hints.departures import Traced, departure

    def shape(*dims: int) -> list[object]:
        return [list(dims), "float32", "cpu"]

    layer = {
        "name": "proj",
        "type": "Conv2d",
        "settings": {"in_channels": 3, "out_channels": 5, "kernel_size": [1, 1]},
        "input": shape(2, 3, 8, 8),
        "output": shape(2, 5, 8, 8),
        "is_output": True,
    }
    trace = {"input": shape(2, 3, 8, 8), "output": shape(2, 5, 8, 8), "layers": [layer]}
    declared = Traced("tiny", "Tiny", (3,), {}, lambda c: [nn.Conv2d(c, 4, 1)])
    lines, hint = departure(trace, declared, (2, 4, 8, 8))
    assert (
        lines[0]
        == "the first layer that departs from the docstring's: Tiny.proj = Conv2d(in_channels=3, out_channels=5, kernel_size=(1, 1))"
    )
    assert "out_channels" in hint
    lines, _ = departure(trace, declared._replace(layers=None), (2, 4, 8, 8))
    assert lines[0].startswith("the layer that gave the output: Tiny.proj")


@pytest.mark.engine
def test_a_shape_changed_after_the_last_layer_names_that_layer_and_forwards_own_code():
    inception = load_suite("inception")
    message = failure(inception.test_googlenet_mini_computes_its_flatten_size, squeezed_logits(), 12, 1, 3)
    assert "the last layer called: GoogLeNetMini." in message and "Linear(" in message
    assert "its output: (1, 10) float32; the module returned (10,) float32; expected (1, 10)" in message
    assert "squeeze" in message.split("hint: ")[1]
