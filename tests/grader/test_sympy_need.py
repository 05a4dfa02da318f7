"""A zygote without sympy, for runs whose workers hand autograd no gradient.

torch imports ``torch.fx.experimental.symbolic_shapes`` (sympy with it, ~0.2 s of CPU) when a
backward is handed a gradient; the zygote imports it in its warm-up unless the trusted side
chose ``--without-sympy`` from the topics and the submissions' text
(grader/engine/worker/sympy_need.py). These tests hold the choice on both sides: no topic in
SYMPY_FREE hands one in its probes, a submission that may gets the full zygote, and a zygote
without it grades a free topic's reference in full without importing it.
"""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

import pytest

from grader.base.topics import SYMPY_FREE, TOPICS, suite_path
from grader.engine.worker import sympy_need

REPO = Path(__file__).resolve().parents[2]


def _probes_give_a_gradient(source: str) -> list[str]:
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("probe"):
            text = ast.get_source_segment(source, node) or ""
            found += [f"{node.name}: {m.group(0)}" for m in sympy_need.GIVEN_GRADIENT.finditer(text)]
    return found


@pytest.mark.unit
@pytest.mark.parametrize("topic", sorted(SYMPY_FREE))
def test_a_sympy_free_topics_probes_hand_autograd_no_gradient(topic: str) -> None:
    """Its probes run in the zygote's children: a gradient handed to backward would import
    sympy inside a probe (0.2 s of CPU against a limit of 0.25 s)."""
    assert _probes_give_a_gradient(suite_path(topic).read_text()) == []


@pytest.mark.unit
def test_the_scan_finds_a_given_gradient() -> None:
    for text in (
        "def probe(m, x, g):\n    m(x).backward(g)\n",
        "y.backward(gradient=torch.ones(3))\n",
        "torch.autograd.grad(y, x, grad_outputs=g)\n",
        "from torch.autograd import grad\n",
        "import torch.autograd as ag\n",
        "torch.autograd.functional.jacobian(f, x)\n",
    ):
        assert sympy_need.GIVEN_GRADIENT.search(text), text
    for text in ("loss.backward()\n", "loss.backward( )\n", "# the gradient of the loss\n"):
        assert not sympy_need.GIVEN_GRADIENT.search(text), text
    assert _probes_give_a_gradient(suite_path("autograd").read_text())
    assert SYMPY_FREE < set(TOPICS)


@pytest.mark.unit
def test_a_submission_is_read_for_a_given_gradient(tmp_path: Path) -> None:
    plain = tmp_path / "losses.py"
    plain.write_text("def mse(a, b):\n    return ((a - b) ** 2).mean()\n")
    assert not sympy_need.needs_sympy(["losses"], plain)
    assert sympy_need.needs_sympy(["autograd"], plain)
    assert sympy_need.needs_sympy(["losses", "autograd"], tmp_path)
    for text in ("y.backward(torch.ones(2))\n", "# torch.autograd.grad(y, x, g)\n"):
        plain.write_text(text)
        assert sympy_need.needs_sympy(["losses"], plain), text
        assert sympy_need.needs_sympy(["losses"], tmp_path), text  # a folder: its files


@pytest.mark.unit
def test_a_class_folder_is_sympy_free_only_when_plainly_so(tmp_path: Path) -> None:
    for student in ("alice", "bob"):
        (tmp_path / f"{student}_losses.py").write_text("def mse(a, b):\n    return a - b\n")
    (tmp_path / "carol").mkdir()
    (tmp_path / "carol" / "mlp.py").write_text("x = 1\n")
    assert not sympy_need.class_needs_sympy(tmp_path, ())
    (tmp_path / "dave_notes.py").write_text("x = 1\n")  # no topic by its name
    assert sympy_need.class_needs_sympy(tmp_path, ())
    assert not sympy_need.class_needs_sympy(tmp_path, ("losses",))  # the one --topic
    (tmp_path / "dave_notes.py").unlink()
    for other, body in (("erin_autograd.py", "x = 1\n"), ("frank_losses.py", "y.backward(g)\n")):
        (tmp_path / other).write_text(body)
        assert sympy_need.class_needs_sympy(tmp_path, ())
        (tmp_path / other).unlink()
    with zipfile.ZipFile(tmp_path / "grace.zip", "w") as archive:
        archive.writestr("losses.py", "x = 1\n")
    assert sympy_need.class_needs_sympy(tmp_path, ())
    assert sympy_need.class_needs_sympy(tmp_path / "empty", ())


@pytest.mark.engine
def test_a_zygote_without_sympy_grades_a_free_topics_reference_in_full() -> None:
    from grader.base.options import Options
    from grader.engine import runner
    from grader.engine.worker import workers

    earlier = workers._servers.pop(False, None)  # this process's zygote from an earlier test
    if earlier is not None:
        earlier.stop()
    report = runner.grade(REPO / "solutions" / "mlp.py", Options(device="cpu"), jobs=1)
    server = workers._servers.get(False)
    if server is None or server.problem:
        pytest.skip("the zygote cannot run here")
    assert server.without_sympy and server.imported == {"torch._dynamo": False, "sympy": False}
    assert report.score == report.max_score > 0
    report = runner.grade(REPO / "solutions" / "autograd.py", Options(device="cpu"), jobs=1)
    server = workers._servers[False]
    assert not server.without_sympy and server.imported["sympy"] is True
    assert report.score == report.max_score > 0
