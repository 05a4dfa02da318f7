"""An exercise computed inside another function's kernel earns nothing: σ read off softplus's
gradient inside the call (σ is its derivative: attacks a123's 01 and 53, sigmoid 10/10, Sigmoid
full), while softplus used for its value, ``exp(−softplus(−x))``, whose gradient the checks take
after the call, earns full; mse and l1 as a norm or a distance of the difference (‖d‖₂², ‖d‖₁:
attacks a121's 106–107, a122's 113–114, a123's 10–11, each full)."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import REPO, run_grade

SIGMOID_BY_GRADIENT = """

def sigmoid(x):
    with torch.enable_grad():
        z = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(torch.nn.functional.softplus(z).sum(), z)
    return g
"""
SIGMOID_BY_VALUE = """

def sigmoid(x):
    return torch.exp(-torch.nn.functional.softplus(-x))
"""
FUNCTION_BY_GRADIENT = """

class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        with torch.enable_grad():
            z = x.detach().requires_grad_(True)
            (out,) = torch.autograd.grad(torch.nn.functional.softplus(z).sum(), z)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
"""


def graded(folder, topic: str, source: str) -> dict[str, dict]:
    """{exercise: its row} of ``source`` graded as ``topic``'s file in ``folder`` (convergence left out)."""
    folder.mkdir(exist_ok=True)
    (folder / f"{topic}.py").write_text(source)
    done = run_grade(str(folder), "--topic", topic, "--format", "json", "-k", "not convergence")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}


def points(tmp_path, topic: str, snippet: str, exercise: str) -> tuple[float, float, str]:
    source = (REPO / "solutions" / f"{topic}.py").read_text() + snippet
    got = graded(tmp_path / exercise, topic, source)[exercise]
    return got["points"], got["max_points"], got.get("cause", "")


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("topic", "exercise", "snippet"),
    [("losses", "sigmoid", SIGMOID_BY_GRADIENT), ("autograd", "Sigmoid", FUNCTION_BY_GRADIENT)],
    ids=["losses.sigmoid", "autograd.Sigmoid"],
)
def test_sigmoid_read_off_softplus_gradient_earns_nothing(tmp_path, topic, exercise, snippet):
    got, _, cause = points(tmp_path, topic, snippet, exercise)
    assert (got, cause) == (0.0, "twin")


@pytest.mark.e2e
def test_softplus_used_for_its_value_earns_full(tmp_path):
    got, most, _ = points(tmp_path, "losses", SIGMOID_BY_VALUE, "sigmoid")
    assert got == most


NORMS = {
    "mse": "def mse(y_hat, y, reduction='mean'):\n"
    "    d = (y_hat - y).reshape(-1)\n"
    "    if reduction == 'none':\n"
    "        return (y_hat - y) * (y_hat - y)\n"
    "    s = torch.linalg.vector_norm(d) ** 2\n"
    "    return s / max(d.numel(), 1) if reduction == 'mean' else s\n",
    "l1": "def l1(y_hat, y, reduction='mean'):\n"
    "    if reduction == 'none':\n"
    "        return (y_hat - y).abs()\n"
    "    s = torch.dist(y_hat, y, 1)\n"
    "    return s / max(y.numel(), 1) if reduction == 'mean' else s\n",
}


@pytest.mark.e2e
def test_mse_and_l1_as_a_norm_of_the_difference_earn_nothing(tmp_path):
    source = (REPO / "solutions" / "losses.py").read_text() + "".join(f"\n\n{s}" for s in NORMS.values())
    got = graded(tmp_path, "losses", source)
    assert {e: (got[e]["points"], got[e].get("cause")) for e in NORMS} == dict.fromkeys(NORMS, (0.0, "twin"))


# attacks kept in the corpus, each an exercise computed by a function of its own family that its
# list did not name: {folder under tests/corpus/blind/attacks122: (topic, the exercises it cheats on)}
FAMILIES = {
    "119_bce_via_cross_entropy": ("losses", ("bce",)),  # cross-entropy over two classes
    "120_bce_with_logits_via_cross_entropy": ("losses", ("bce_with_logits",)),
    "121_cross_entropy_via_ctc": ("losses", ("cross_entropy",)),  # one step of CTC
    "128_dropout_via_dropout1d": ("mlp", ("dropout",)),  # one value a channel
    "130_max_pool2d_via_embedding_bag_max": ("cnn", ("max_pool2d",)),  # a max of gathered rows
    "140_corr2d_via_embedding_bag": ("cnn", ("corr2d",)),  # a weighted sum of gathered rows
    "139_batch_norm_via_rms_norm": ("resnet", ("batch_norm",)),  # RMS of the centred values
    "127_kl_div_via_cross_entropy": ("losses", ("kl_div",)),  # over soft targets: −Σ p·log q
}


@pytest.mark.e2e
@pytest.mark.parametrize("folder", sorted(FAMILIES))
def test_an_exercise_computed_by_its_twins_family_earns_nothing(tmp_path, folder):
    topic, cheats = FAMILIES[folder]
    source = REPO / "tests" / "corpus" / "blind" / "attacks122" / folder / f"{topic}.py"
    got = graded(tmp_path, topic, source.read_text())
    assert {e: (got[e]["points"], got[e].get("cause")) for e in cheats} == dict.fromkeys(
        cheats, (0.0, "twin")
    )


ENTROPY_BY_CROSS_ENTROPY = """

def entropy(p):
    logits = torch.where(p > 0, p.log(), torch.full_like(p, -1e4))
    flat = logits.reshape(-1, p.shape[-1])
    h = torch.nn.functional.cross_entropy(flat, p.reshape(-1, p.shape[-1]), reduction="none")
    return h.reshape(p.shape[:-1])
"""


@pytest.mark.e2e
def test_entropy_as_a_cross_entropy_over_soft_targets_earns_nothing(tmp_path):
    got, _, cause = points(tmp_path, "losses", ENTROPY_BY_CROSS_ENTROPY, "entropy")
    assert (got, cause) == (0.0, "twin")


# The blind batches (each tester blind to the guard), each attack an exercise computed by a function its
# list did not name when first met: all those a docstring now names, graded as one class; left out,
# each batch's forms a docstring allows by name:
# - attacks124 (38 of 75 broke): σ as exp(−softplus(−x)) through softplus, logaddexp(0, ·) or
#   logsumexp([0, ·]) (01, 02, 03, 28); huber through softshrink, a clamp's remainder (64); a
#   pseudo-inverse built from torch.linalg.svd (54); tanh as 2σ(2x) − 1, which the corpus holds correct (49);
# - attacks125: tanh as 2σ(2x) − 1 and as a softmax of (x, −x), one σ (09, 48); σ as (1 + tanh(x/2))/2
#   (59); the normal equations' inverse by torch.linalg.solve, which the docstring allows (28).
BLIND = {
    "attacks124": ({"01", "02", "03", "28", "49", "54", "64"}, 31, 8),
    "attacks125": ({"09", "28", "48", "59"}, 21, 9),
}


@pytest.mark.e2e
@pytest.mark.parametrize("batch", sorted(BLIND))
def test_a_blind_batchs_attacks_that_broke_first_earn_nothing_and_its_controls_full(tmp_path, batch):
    allowed, broke_count, control_count = BLIND[batch]
    folder = REPO / "tests" / "corpus" / "blind" / batch
    manifest = json.loads((folder / "manifest.json").read_text())
    broke = [a for a in manifest["attacks"] if a["broke"] and a["dir"][:2] not in allowed]
    controls = [c["dir"] for c in manifest["controls"]]
    assert len(broke) == broke_count and len(controls) == control_count
    for name in [a["dir"] for a in broke] + controls:
        shutil.copytree(folder / name, tmp_path / "class" / name)
    done = run_grade("batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--workers", "2")
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["student"]: r for r in json.loads((tmp_path / "out" / "gradebook.json").read_text())}
    earned = {}
    for attack in broke:
        exercises = {e["name"]: e for t in rows[attack["dir"]]["report"]["topics"] for e in t["exercises"]}
        earned |= {
            f"{attack['dir']}:{t}": exercises[t]["points"]
            for t in attack["targets"]
            if exercises[t]["points"]
        }
    assert earned == {}
    assert all(rows[c]["report"]["topics"] and _full_topic(rows[c]) for c in controls)


def _full_topic(row: dict) -> bool:
    graded = [t for t in row["report"]["topics"] if t["score"] > 0]
    return len(graded) == 1 and graded[0]["score"] == graded[0]["max_score"]
