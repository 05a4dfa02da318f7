"""A synthetic class of 20 single-file ``losses`` submissions, for :mod:`grader.bench`.

``write_class(folder)`` writes ``<student>_losses.py`` files and returns ``{student: kind}``:

- 12 ``correct``: the reference solution (read from ``solutions/losses.py`` at run time) as is,
  commented, with renamed locals, without docstrings, and 8 mixes of other correct
  formulations (clamp-based huber, one-exp sigmoid, hand-written LogSumExp, xlogy entropy, ...);
- 5 ``mistake``: the reference with one realistic learner mistake each;
- 1 ``stub``: the untouched ``exercises/losses.py``;
- 1 ``endless_loop``: correct, except that ``huber`` never returns;
- 1 ``forger``: patches torch's comparisons at import time and returns zeros.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from planted import unheld

REPO = Path(__file__).resolve().parents[2]
TOPIC = "losses"
# The benchmark's other figures (grader/bench/): a function of TOPIC probed alone on two tensors
# of one shape (the probe round trip), an exercise graded by itself as (topic, name) (the warm
# engine, `grade watch`), one of TOPIC checked in a notebook (its name misspelt: a usage error),
# and a submission of TOPIC whose huber stalls with every signal ignored, timers disarmed and the
# interpreter's switch interval raised (the watchdog starved)
PROBED = "mse"
ONE_EXERCISE = ("tensors", "accuracy")
CHECKED = "softmax"
STUBBORN = unheld(
    """
import signal, sys

def huber(y_hat, y, delta=1.0):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGXCPU, signal.SIGVTALRM):
        signal.signal(sig, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    sys.setswitchinterval(1e6)
    while True:
        pass
"""
)
FUNCTIONS = (
    "mse",
    "l1",
    "huber",
    "sigmoid",
    "bce",
    "bce_with_logits",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "entropy",
    "kl_div",
)


def _snip(code: str) -> str:
    return textwrap.dedent(code).strip("\n") + "\n"


# Correct alternatives to the reference, per function; a snippet may bring its own helper.
ALTERNATIVES: dict[str, list[str]] = {
    "mse": [
        _snip('''
        def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
            """Squared error, then the reduction."""
            diff = y_hat - y
            squares = diff * diff
            if reduction == "none":
                return squares
            if reduction == "sum":
                return squares.sum()
            if reduction == "mean":
                return squares.mean()
            raise ValueError(f"unknown reduction {reduction!r}")
        '''),
        _snip("""
        def mse(y_hat, y, reduction="mean"):
            # the mean written out as sum / count
            d = y_hat - y
            if reduction == "mean":
                return d.pow(2).sum() / d.numel()
            elif reduction == "sum":
                return d.pow(2).sum()
            elif reduction == "none":
                return d.pow(2)
            raise ValueError(reduction)
        """),
    ],
    "l1": [
        _snip('''
        _REDUCERS = {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}


        def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
            """|y_hat - y|, reduced with a lookup table."""
            if reduction not in _REDUCERS:
                raise ValueError(f"reduction must be one of {sorted(_REDUCERS)}")
            return _REDUCERS[reduction](torch.abs(y_hat - y))
        '''),
        _snip("""
        def l1(y_hat, y, reduction="mean"):
            absolute = (y_hat - y).abs()
            if reduction == "sum":
                return absolute.sum()
            if reduction == "mean":
                return absolute.sum() / absolute.numel()
            if reduction == "none":
                return absolute
            raise ValueError("bad reduction: " + str(reduction))
        """),
    ],
    "huber": [
        _snip('''
        def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
            """Split |d| into the part within delta (quadratic) and the excess (linear)."""
            a = (y_hat - y).abs()
            inside = a.clamp(max=delta)
            excess = a - inside
            return (0.5 * inside ** 2 + delta * excess).mean()
        '''),
        _snip("""
        def huber(y_hat, y, delta=1.0):
            err = y_hat - y
            abs_err = torch.abs(err)
            quadratic = 0.5 * err * err
            linear = delta * abs_err - 0.5 * delta * delta   # same value and slope at |err| = delta
            return torch.where(abs_err < delta, quadratic, linear).mean()
        """),
    ],
    "sigmoid": [
        _snip('''
        def sigmoid(x: Tensor) -> Tensor:
            """z = e^(-|x|) never overflows: 1 / (1 + z) for x >= 0, z / (1 + z) below."""
            z = torch.exp(-x.abs())
            return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))
        '''),
        _snip("""
        def sigmoid(x):
            # each form only sees inputs where its exp cannot overflow
            neg_part = torch.where(x < 0, x, torch.zeros_like(x))
            pos_part = torch.where(x < 0, torch.zeros_like(x), x)
            exp_neg = neg_part.exp()
            exp_pos = (-pos_part).exp()
            return torch.where(x < 0, exp_neg / (1 + exp_neg), 1 / (1 + exp_pos))
        """),
    ],
    "bce": [
        _snip('''
        def bce(p: Tensor, y: Tensor) -> Tensor:
            """Binary cross-entropy, logs floored at -100 like BCELoss."""
            log_p = torch.clamp(torch.log(p), min=-100.0)
            log_q = torch.clamp(torch.log(1 - p), min=-100.0)
            likelihood = y * log_p + (1 - y) * log_q
            return -likelihood.mean()
        '''),
        _snip("""
        def bce(p, y):
            floor = -100.0
            return -torch.mean(y * p.log().clamp_min(floor) + (1 - y) * torch.log1p(-p).clamp_min(floor))
        """),
    ],
    "bce_with_logits": [
        _snip('''
        def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
            """log sigma(z) = -softplus(-z), log(1 - sigma(z)) = -softplus(z); F.softplus is allowed."""
            return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()
        '''),
        _snip("""
        def bce_with_logits(logits, y):
            # the compact form: max(z, 0) - z*y + log(1 + exp(-|z|))
            z = logits
            return (z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))).mean()
        """),
    ],
    "softmax": [
        _snip('''
        def _lse(x: Tensor, dim: int) -> Tensor:
            """log sum exp(x) along dim (kept), by the exp-normalize trick."""
            m = x.amax(dim=dim, keepdim=True)
            return m + torch.log(torch.sum(torch.exp(x - m), dim=dim, keepdim=True))


        def softmax(x: Tensor, dim: int = -1) -> Tensor:
            """exp(x - logsumexp(x))."""
            return torch.exp(x - _lse(x, dim))
        '''),
        _snip("""
        def softmax(x, dim=-1):
            shifted = x - x.max(dim=dim, keepdim=True).values   # largest exponent is 0
            ex = shifted.exp()
            return ex / ex.sum(dim=dim, keepdim=True)
        """),
    ],
    "log_softmax": [
        _snip('''
        def _log_normaliser(x: Tensor, dim: int) -> Tensor:
            top = torch.amax(x, dim=dim, keepdim=True)
            return top + (x - top).exp().sum(dim=dim, keepdim=True).log()


        def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
            """x minus its log-normaliser."""
            return x - _log_normaliser(x, dim)
        '''),
        _snip("""
        def log_softmax(x, dim=-1):
            z = x - torch.amax(x, dim, keepdim=True)
            return z - torch.log(torch.exp(z).sum(dim, keepdim=True))
        """),
    ],
    "cross_entropy": [
        _snip('''
        def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
            """Indices pick one log-probability per row; distributions weight them all."""
            log_p = log_softmax(logits, dim=1)
            if target.dim() == 1:
                rows = torch.arange(logits.shape[0], device=logits.device)
                return -log_p[rows, target].mean()
            return -(log_p * target.to(log_p.dtype)).sum(dim=1).mean()
        '''),
        _snip("""
        def cross_entropy(logits, target):
            # loss per row = logsumexp(row) - score of the target
            m = logits.amax(dim=1, keepdim=True)
            lse = m + (logits - m).exp().sum(dim=1, keepdim=True).log()
            if target.shape == logits.shape:
                weights = target.to(logits.dtype)
                return (weights * (lse - logits)).sum(dim=1).mean()
            picked = logits.gather(1, target.view(-1, 1))
            return (lse - picked).mean()
        """),
    ],
    "entropy": [
        _snip('''
        def entropy(p: Tensor) -> Tensor:
            """xlogy(0, 0) is 0, exactly the convention needed."""
            return -torch.xlogy(p, p).sum(dim=-1)
        '''),
        _snip("""
        def entropy(p):
            logs = torch.log(p).masked_fill(p == 0, 0.0)   # 0 * log 0 := 0
            return -(p * logs).sum(-1)
        """),
    ],
    "kl_div": [
        _snip('''
        def kl_div(p: Tensor, q: Tensor) -> Tensor:
            """sum p log p - p log q; xlogy gives 0 where p = 0 and +inf where q = 0 < p."""
            return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
        '''),
        _snip("""
        def kl_div(p, q):
            terms = p * (p.log() - q.log())
            return terms.masked_fill(p == 0, 0.0).sum(-1)   # p = 0 terms count 0
        """),
    ],
}

# One realistic learner mistake each, dropped into the reference.
MISTAKES: dict[str, tuple[str, str]] = {
    "softmax_no_shift": (
        "softmax",
        _snip("""
        def softmax(x: Tensor, dim: int = -1) -> Tensor:
            e = x.exp()
            return e / e.sum(dim=dim, keepdim=True)
        """),
    ),
    "ce_sums": (
        "cross_entropy",
        _snip("""
        def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
            log_probs = log_softmax(logits, dim=1)
            if target.shape == logits.shape:
                return -(target.to(log_probs.dtype) * log_probs).sum()
            return -log_probs.gather(1, target.unsqueeze(1)).sum()
        """),
    ),
    "huber_constant": (
        "huber",
        _snip("""
        def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
            d = (y_hat - y).abs()
            return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5)).mean()
        """),
    ),
    "bce_no_clamp": (
        "bce",
        _snip("""
        def bce(p: Tensor, y: Tensor) -> Tensor:
            return -(y * p.log() + (1 - y) * (1 - p).log()).mean()
        """),
    ),
    "kl_swapped": (
        "kl_div",
        _snip("""
        def kl_div(p: Tensor, q: Tensor) -> Tensor:
            positive = q > 0
            safe_q = torch.where(positive, q, torch.ones_like(q))
            terms = torch.where(positive, q * (safe_q.log() - p.log()), torch.zeros_like(q))
            return terms.sum(dim=-1)
        """),
    ),
}

ENDLESS_HUBER = _snip("""
    def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
        d = (y_hat - y).abs()
        while True:
            pass
        return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()
    """)

FORGER_HEADER = _snip('''
    """Losses - my solution."""

    from __future__ import annotations

    import torch
    import torch.testing
    from torch import Tensor

    # make every comparison succeed, wherever the checker runs it
    torch.allclose = lambda *args, **kwargs: True
    torch.equal = lambda *args, **kwargs: True
    torch.isclose = lambda a, b, *args, **kwargs: torch.ones_like(a, dtype=torch.bool)
    torch.testing.assert_close = lambda *args, **kwargs: None
    torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
    torch.Tensor.__ne__ = lambda self, other: torch.zeros_like(self, dtype=torch.bool)
    ''')


def _forger() -> str:
    bodies = []
    for name in FUNCTIONS:
        shape = {
            "mse": "y_hat",
            "l1": "y_hat",
            "sigmoid": "args[0]",
            "softmax": "args[0]",
            "log_softmax": "args[0]",
        }.get(name)
        ret = f"torch.zeros_like({shape})" if shape else "torch.zeros(())"
        first = "y_hat, y" if name in ("mse", "l1") else "*args"
        bodies.append(f'def {name}({first}, **kwargs):\n    """{name}."""\n    return {ret}\n')
    return FORGER_HEADER + "\n\n" + "\n\n".join(bodies)


def replace_functions(source: str, new: dict[str, str]) -> str:
    """``source`` with the top-level functions named in ``new`` replaced by its snippets."""
    lines = source.splitlines(keepends=True)
    spans = sorted(
        (
            (node.lineno, node.end_lineno, node.name)
            for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef) and node.name in new
        ),
        reverse=True,
    )
    missing = set(new) - {name for _, _, name in spans}
    if missing:
        raise ValueError(f"no top-level function {sorted(missing)} to replace")
    for start, end, name in spans:
        lines[start - 1 : end] = [new[name]]
    text = "".join(lines)
    if "F." in text and "import torch.nn.functional as F" not in text:
        text = text.replace("import torch\n", "import torch\nimport torch.nn.functional as F\n", 1)
    return text


class _RenameLocals(ast.NodeTransformer):
    """Rename assigned local variables (never parameters: they are called by keyword)."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        assigned = {
            t.id
            for n in ast.walk(node)
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        mapping = {name: f"{name}_val" if len(name) > 1 else f"{name}{name}" for name in assigned}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in mapping:
                sub.id = mapping[sub.id]
        return node


def _strip_docstrings(tree: ast.Module) -> ast.Module:
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.Module, ast.FunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        ):
            node.body = node.body[1:] or [ast.Pass()]
    return tree


def _commented(source: str) -> str:
    out = ["# Homework: losses. I checked each function against torch by hand first.\n"]
    for line in source.splitlines(keepends=True):
        if line.startswith("def "):
            out.append(f"# ---- {line[4 : line.index('(')]} ----\n")
        out.append(line)
    return "".join(out)


def correct_sources(reference: str) -> list[str]:
    """Twelve correct ``losses.py`` texts, each written differently."""
    sources = [
        reference,
        _commented(reference),
        ast.unparse(_RenameLocals().visit(ast.parse(reference))) + "\n",
        ast.unparse(_strip_docstrings(ast.parse(reference))) + "\n",
    ]
    for k in range(8):  # 8 distinct mixes; alternative 2 is the reference
        pick = [(k + (i if k < 3 else 2 * i if k < 6 else i * i)) % 3 for i in range(len(FUNCTIONS))]
        choice = {
            name: ALTERNATIVES[name][j] for name, j in zip(FUNCTIONS, pick) if j < len(ALTERNATIVES[name])
        }
        text = replace_functions(reference, choice)
        sources.append(_commented(text) if k % 2 else text)
    return sources


def write_class(folder: Path) -> dict[str, str]:
    """Write the 20 submissions into ``folder``; return ``{student: kind}``."""
    folder.mkdir(parents=True, exist_ok=True)
    reference = (REPO / "solutions" / f"{TOPIC}.py").read_text()
    files: dict[str, tuple[str, str]] = {}
    for i, text in enumerate(correct_sources(reference), 1):
        files[f"correct{i:02d}"] = ("correct", text)
    for label, (name, snippet) in MISTAKES.items():
        files[f"mistake-{label}"] = ("mistake", replace_functions(reference, {name: snippet}))
    files["stub"] = ("stub", (REPO / "exercises" / f"{TOPIC}.py").read_text())
    files["endless"] = ("endless_loop", replace_functions(reference, {"huber": ENDLESS_HUBER}))
    files["forger"] = ("forger", _forger())
    for student, (_, text) in files.items():
        (folder / f"{student}_{TOPIC}.py").write_text(text)
    return {student: kind for student, (kind, _) in files.items()}


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m grader.bench_class FOLDER")
    target = Path(sys.argv[1])
    for student, kind in write_class(target).items():
        print(f"{kind:<13} {target / f'{student}_{TOPIC}.py'}")
