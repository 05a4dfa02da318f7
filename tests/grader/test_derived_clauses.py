"""The clauses a pack's declarations state, derived into checks (grader/checks/derived_clauses.py):
the attention pack (tests/packs/attention) catches each kind of mistake below by declaration
alone, and keeps honest variants full. Each mistake is one edit of the reference; none is a blind
file's text (those are graded by the lead's batch, /work/blind/attention)."""

from __future__ import annotations

import json

import pytest
from helpers import REPO, run_grade

from grader import packs

ATTENTION = REPO / "tests" / "packs" / "attention"
SOLUTION = (ATTENTION / "solutions" / "attention.py").read_text()

FILL = 'scores = scores.masked_fill(~mask, float("-inf"))'
SOFTMAX = "weights = torch.softmax(scores, dim=-1)"
ORDER = (
    "        self.q_proj = nn.Linear(embed_dim, embed_dim)\n"
    "        self.k_proj = nn.Linear(embed_dim, embed_dim)\n"
)

# (kind, the exercise it breaks, edits {old: new} of the reference)
MISTAKES = [
    ("device argument ignored", "causal_mask", {"dtype=torch.bool, device=device": "dtype=torch.bool"}),
    (
        "creation order",
        "MultiHeadAttention",
        {ORDER: ORDER.replace("q_proj", "@").replace("k_proj", "q_proj").replace("@", "k_proj")},
    ),
    (
        "a Python loop (vectorised)",
        "scaled_dot_product_attention",
        {
            SOFTMAX: "weights = torch.stack([torch.softmax(scores[..., i, :], dim=-1) "
            "for i in range(scores.shape[-2])], dim=-2)"
        },
    ),
    (
        "mask after softmax, renormalised (large magnitudes)",
        "scaled_dot_product_attention",
        {
            FILL: "pass",
            SOFTMAX: f"{SOFTMAX}\n    if mask is not None:\n"
            "        weights = weights * mask\n        weights = weights / weights.sum(-1, keepdim=True)",
        },
    ),
    (
        "a finite fill (large magnitudes)",
        "scaled_dot_product_attention",
        {FILL: FILL.replace('float("-inf")', "-1e3")},
    ),
    (
        "a mask given a batch axis (no leading dimension)",
        "scaled_dot_product_attention",
        {"masked_fill(~mask,": "masked_fill(~mask.unsqueeze(0),"},
    ),
    (
        "a fill made on the CPU (device of every argument)",
        "scaled_dot_product_attention",
        {FILL: "scores = torch.where(mask, scores, torch.ones(scores.shape) * float('-inf'))"},
    ),
]

# honest variants: what the docstrings allow
HONEST = [
    ("a fill far below every score", {FILL: FILL.replace('float("-inf")', "-1e30")}),
    (
        "the fill as an additive bias",
        {FILL: "scores = scores + torch.zeros_like(scores).masked_fill(~mask, float('-inf'))"},
    ),
]


def edited(edits: dict[str, str]) -> str:
    source = SOLUTION
    for old, new in edits.items():
        assert old in source, old
        source = source.replace(old, new)
    return source


def graded(tmp_path, source: str) -> dict:
    (tmp_path / "attention.py").write_text(source)
    done = run_grade(
        str(tmp_path / "attention.py"), "--format", "json", env={packs.PACKS_ENV: "tests/packs/attention"}
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.e2e
@pytest.mark.parametrize("kind, exercise, edits", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_the_attention_pack_catches_each_kind_by_declaration(tmp_path, kind, exercise, edits):
    report = graded(tmp_path, edited(edits))
    assert report["score"] < report["max_score"], kind
    failed = [t for t in report["topics"][0]["tests"] if t["status"] != "passed"]
    assert failed and all(exercise in (t.get("exercises") or [exercise]) for t in failed), failed


@pytest.mark.e2e
@pytest.mark.parametrize("kind, edits", HONEST, ids=[h[0] for h in HONEST])
def test_honest_variants_stay_full(tmp_path, kind, edits):
    report = graded(tmp_path, edited(edits))
    assert report["score"] == report["max_score"], [
        t for t in report["topics"][0]["tests"] if t["status"] != "passed"
    ]
