"""What the suites import, from one place: ``from grader.checks import check, expect_close, gen``.

Each name's home is in :data:`_HOMES`; the modules ``inputs`` and ``probes`` (the shared probes
shipped into the worker) import as submodules. Nothing here imports the engine (pyproject's import
contracts). A name is imported when first read (PEP 562): the trusted side imports
``grader.checks.verdict.scoring`` without paying for torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "check": "grader.checks.judging.mark",
    "gen": "grader.checks.inputs",
    "torch_ops": "grader.checks.inputs",
    "manual_seed": "grader.sandboxed.probe_kit",
    "N_": "grader.base.i18n",
    "Traced": "grader.checks.hints.departures",
    "ONE_AXIS": "grader.checks.hints.conv_steps",
    "expect_shapes": "grader.checks.hints.departures",  # a suite's label that reaches a message, marked for the catalogue
    "expect_logits": "grader.checks.judging.outputs",
    "expect_batch_independent_in_eval": "grader.checks.judging.outputs",
    # a hint keyed to the cause it is for, and the predicates it is keyed with
    **{
        name: "grader.checks.hints.relations"
        for name in (
            "Keyed",
            "Shaped",
            "equals",
            "overflowed",
            "reduction_mistakes",
            "underflowed",
            "wrong_where",
        )
    },
    **{
        name: "grader.checks.hints.variants"
        for name in (
            "INDEX_FROM_ONE",
            "argument_ignored",
            "known",
            "unchanged",
        )
    },
    **{name: "grader.checks.verdict.untouched" for name in ("expect_inputs_untouched", "expect_unchanged")},
    **{
        name: "grader.checks.judging.data"
        for name in ("dataset_path", "held_out_split", "load_diabetes", "load_digits")
    },
    # the failure and its words, and a value described as a message shows it
    **{name: "grader.checks.verdict.failed" for name in ("CheckFailed", "expect", "fail", "mistake_cause")},
    "describe": "grader.checks.verdict.described",
    # the judges that read a probe's answer
    **{
        name: "grader.checks.judging.judge"
        for name in (
            "binary_accuracy",
            "expect_cheap",
            "expect_close",
            "expect_float",
            "expect_learned",
            "expect_module_on_second_device",
            "expect_no_twin",
            "expect_none_borrowed",
            "expect_runs_on_cuda",
            "expect_same_device",
            "expect_tensor",
            "expect_vectorised",
            "multiclass_accuracy",
            "with_curve",
        )
    },
}
__all__ = sorted(_HOMES)

# The author's contract (docs/authors.md, "What a pack may import"): the modules of grader/ a
# pack's suite and domains may import, and the names of each; nothing else of grader/ is theirs
# to lean on (tests/grader/test_packs.py holds the packs and the scaffold to it).
PACK_API: dict[str, frozenset[str]] = {
    "grader.checks": frozenset(
        {*__all__, "battery", "probes", "inputs", "derived_clauses", "strategies", "families"}
    ),
    "grader.checks.domains": frozenset(
        {
            "BF16",
            "Case",
            "DIMENSIONS",
            "EXTREME32",
            "F16",
            "F64",
            "LOOP_ARGUMENTS",
            "TAIL64",
            "declare",
            "fed",
            "gen",
            "module_case",
            "named_function",
            "rand",
            "randn",
            "seeded_generator",
            "shown",
        }
    ),
    # a topic's held-out sets (held_out_<topic>.py): a declaration and the training it may use
    "grader.checks.held_out": frozenset({"HeldOut", "trained_on_digits"}),
    # the probes' kit, as the worker holds it (what a probe may call on the submission's values)
    "grader.sandboxed": frozenset({"probe_kit"}),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
