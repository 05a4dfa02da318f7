"""What a refusal of the graded subset costs (``grader/engine/subset_charge.py``), and that the
trusted side's reading of a submission is bounded: any source within the size budget is read,
checked and charged in seconds of CPU, inside the reading clock (DESIGN.md, "Trust between
students and at the edges": trusted-side work on a submission is bounded)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from grader.engine import parsed, subset, subset_charge
from grader.engine.subset_check import Refusal

SECONDS = 5.0  # of CPU, for a source at the size budget: read, checked and charged


def _fill(head: str, part: Callable[[int], str], tail: Callable[[int], str]) -> str:
    """``head``, then ``part(1)``, ``part(2)``... while the source stays within the size budget,
    then ``tail(n)`` (n: the parts written, plus one)."""
    pieces, size, i = [head], len(head), 1
    while size + len(part(i)) + len(tail(i + 1)) <= parsed.MAX_BYTES:
        pieces.append(part(i))
        size += len(pieces[-1])
        i += 1
    return "".join(pieces) + tail(i)


def chained() -> str:
    """``def f1(x): return f0(x)``... each function the next one's only callee, the refused line
    at the bottom: a charge found one function at a time was quadratic (136-335 s at 122 kB)."""
    return _fill(
        "import torch\n\n\ndef f0(x):\n    return eval('x')\n",
        lambda i: f"\n\ndef f{i}(x):\n    return f{i - 1}(x)\n",
        lambda i: f"\n\ndef mse(a, b):\n    return f{i - 1}(a)\n",
    )


def wide() -> str:
    """Every function calls the one before it and the 39 after it: a wide call graph, still as
    deep as it is long (the refused line reaches each function first through the one before)."""
    return _fill(
        "import torch\n\n\ndef g0(x):\n    return eval('x')\n",
        lambda i: (
            f"\n\ndef g{i}(x):\n    return "
            + " + ".join(f"g{j}(x)" for j in [i - 1, *range(i + 1, i + 40)])
            + "\n"
        ),
        lambda i: f"\n\ndef mse(a, b):\n    return g{i - 1}(a)\n",
    )


def every_line_refused() -> str:
    """A refused line in every function: each refusal's owner found by a scan of the module."""
    return _fill(
        "import torch\n",
        lambda i: f"\n\ndef h{i}(x):\n    return eval('x')\n",
        lambda i: "\n\ndef mse(a, b):\n    return h1(a)\n",
    )


SHAPES = {"chained": chained, "wide": wide, "every line refused": every_line_refused}


@pytest.mark.unit
@pytest.mark.timeout(120)  # the quadratic charge took minutes: fail, never stall the tier
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_any_source_within_the_size_budget_is_read_and_charged_in_seconds(tmp_path, shape):
    source = SHAPES[shape]()
    assert parsed.MAX_BYTES - 2_000 < len(source.encode()) <= parsed.MAX_BYTES
    (tmp_path / "losses.py").write_text(source)
    subset.check("import torch\n")  # the member snapshot read before the clock starts
    started = time.process_time()
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    seconds = time.process_time() - started
    assert verdict.refusal is not None and verdict.refusal.what == "eval"
    assert "mse" in verdict.exercises, "the refused line reaches mse"
    assert seconds <= SECONDS, f"{shape}: {len(source) >> 10} kB read and charged in {seconds:.1f} s of CPU"


@pytest.mark.unit
def test_charging_runs_inside_the_reading_clock():
    source = chained()
    refusals = subset.check(source)
    assert refusals
    with pytest.raises(parsed.OverBudget, match="took more than"):
        subset_charge.charged(source, refusals, {}, parsed.Clock(0.0))


@pytest.mark.unit
def test_a_refusal_past_the_clock_is_one_line_for_the_topic(tmp_path, monkeypatch):
    (tmp_path / "losses.py").write_text(chained())
    monkeypatch.setattr(subset_charge, "charged", _over_budget)
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.refusal is not None and verdict.exercises == frozenset()
    assert verdict.refusal.what.startswith("reading losses.py took more than")


def _over_budget(source: str, refusals: list[Refusal], local: object, clock: parsed.Clock) -> None:
    raise parsed.OverBudget("reading losses.py took more than 20 s of CPU")
