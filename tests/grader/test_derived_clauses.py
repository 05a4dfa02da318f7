"""The clauses a pack's declarations state, derived into checks (grader/checks/derived_clauses.py):
the attention pack (tests/packs/attention) catches each kind of mistake below by declaration
alone, and keeps honest variants full. Each mistake is one edit of the reference; none is a blind
file's text (those are graded by the lead's batch, /work/blind/attention)."""

from __future__ import annotations

import json

import pytest
import torch
from helpers import REPO, run_grade

from grader.base import packs
from grader.checks.domains import randn

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


# ---------------------------------------------------------------- any pack: the derivation alone
@pytest.fixture
def declared(monkeypatch):
    """A topic of no pack declaring each derived dimension over a few cases of its own."""
    from grader.checks import domains
    from grader.checks.cases import derived_cases

    monkeypatch.setattr(domains, "REGISTRY", dict(domains.REGISTRY))
    monkeypatch.setattr(derived_cases, "REGISTRY", domains.REGISTRY)
    mask = torch.tensor([[True, False, True], [True, True, False]])

    @domains.declare("any", "attend", "default magnitude extremes leading")
    def _attend():
        return [
            domains.Case(
                "default", "attend", (domains.randn(1, 2, 2, 4), domains.randn(2, 2, 3, 4)), {"mask": mask}
            ),
            domains.Case(
                "magnitude", "attend", (domains.randn(3, 2, 2, 4) * 50, domains.randn(4, 2, 3, 4) * 9)
            ),
            domains.Case("default", "attend", (domains.randn(5, 2, 4), domains.randn(6, 3, 4))),
        ]

    @domains.declare("any", "Block", "edge creation")
    def _block():
        return [
            domains.module_case("edge", "Block", ((4,), {}), (domains.randn(7, 2, 4),), [(2, 4)]),
            domains.module_case("edge", "Block", ((4,), {}), (domains.randn(8, 3, 4),), [(3, 4)]),
            domains.module_case("edge", "Block", ((6,), {}), (domains.randn(9, 1, 6),), [(1, 6)]),
        ]

    derived_cases.derive({("any", "attend"), ("any", "Block")})
    return domains.REGISTRY, mask


@pytest.mark.unit
def test_creation_judges_one_seeded_build_per_constructor(declared):
    registry, _ = declared
    derived = [c for c in registry[("any", "Block")].cases() if c.dim == "creation"]
    assert [c.ctor for c in derived] == [((4,), {}), ((6,), {})]
    assert all(c.shapes is None and not c.fill for c in derived)


@pytest.mark.unit
def test_extremes_put_each_masked_case_at_the_magnitude_cases_bounds(declared):
    registry, mask = declared
    derived = [c for c in registry[("any", "attend")].cases() if c.dim == "extremes"]
    assert len(derived) == 2 and all(torch.equal(c.kwargs["mask"], mask) and not c.wrt for c in derived)
    q_bound = float((randn(3, 2, 2, 4) * 50).abs().max())
    for case, first in zip(derived, (1.0, -1.0)):
        q, k = case.args
        assert torch.all(q == q_bound)  # the first float argument constant
        k_bound = float((randn(4, 2, 3, 4) * 9).abs().max())
        assert torch.all(k[:, 0] == first * k_bound) and torch.equal(k[:, 1], -k[:, 0])  # rows alternate


@pytest.mark.unit
def test_leading_takes_the_first_index_of_the_largest_rank_only(declared):
    registry, mask = declared
    derived = [c for c in registry[("any", "attend")].cases() if c.dim == "leading"]
    # the batched default, the magnitude case and both extremes; not the case already unbatched
    assert len(derived) == 4 and all(c.args[0].dim() == 2 for c in derived)
    assert torch.equal(derived[0].kwargs["mask"], mask)  # a mask of lower rank kept as it is
