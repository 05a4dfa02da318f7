"""An allowed object is allowed by every module path that names it (``from torch import func``,
``from torch.optim.optimizer import Optimizer``), the two-argument ``super(Cls, self)`` as the
zero-argument one; a spelling that stays refused names the one that works. Torch's own SGD, copied
as torch long wrote it, is graded full."""

from __future__ import annotations

import pytest
import torch  # noqa: F401  (a refusal names the public name among the modules imported: torch's, when grading)
from helpers import REPO, grade_json

from grader.engine.subset import submission as subset

# Spellings of allowed objects that were refused (each names the very object an allowed spelling does).
SPELLINGS = {
    "from torch import func": "from torch import func\n\ndef d(f, x):\n    return func.grad(f)(x)\n",
    "import torch.func": "import torch.func\n\ndef d(f, x):\n    return torch.func.vmap(f)(x)\n",
    "import torch.func as a name": "import torch.func as tf\n\ndef d(f, x):\n    return tf.grad(f)(x)\n",
    # the other transforms are autograd as grad is (honest h122's 13: vjp's pullback of ones)
    "torch.func.vjp": (
        "import torch\n\ndef d(f, x):\n    out, back = torch.func.vjp(f, x)\n    return back(torch.ones_like(out))[0]\n"
    ),
    "torch.func.jacrev": "from torch.func import jacrev\n\ndef d(f, x):\n    return jacrev(f)(x)\n",
    "torch.optim.optimizer.Optimizer": (
        "from torch.optim.optimizer import Optimizer\n\nclass SGD(Optimizer):\n"
        "    def __init__(self, params, lr):\n        Optimizer.__init__(self, params, dict(lr=lr))\n"
    ),
    "a layer by its defining module": (
        "import torch\nfrom torch.nn.modules.activation import ReLU\n\n"
        "def net():\n    return torch.nn.modules.linear.Linear(2, 2), ReLU()\n"
    ),
    "super(Cls, self)": (
        "import torch\n\nclass SGD(torch.optim.Optimizer):\n    def __init__(self, params, lr):\n"
        "        super(SGD, self).__init__(params, dict(lr=lr))\n\n    def __setstate__(self, state):\n"
        "        super(SGD, self).__setstate__(state)\n"
    ),
}
# Spellings that stay refused, and the spelling the refusal names instead.
STILL_REFUSED = {
    "torch.func as a value": ("from torch import func\n\nf = func\n", "torch.func.grad"),
    "a member of torch.func not allowed": (
        "from torch import func\n\ndef f(m, p, x):\n    return func.functional_call(m, p, x)\n",
        "torch.autograd.grad",
    ),
    "super(Other, self)": (
        "import torch\n\nclass Base(torch.optim.Optimizer):\n    pass\n\nclass SGD(Base):\n"
        "    def __setstate__(self, state):\n        super(Base, self).__setstate__(state)\n",
        "super().__setstate__",
    ),
    "super(Cls, self) of a rebound name": (
        "import torch\n\nclass SGD(torch.optim.Optimizer):\n    def __setstate__(self, state):\n"
        "        super(SGD, self).__setstate__(state)\n\nSGD = torch.optim.Adam\n",
        "super().__setstate__",
    ),
    "a module by another path": (
        "import torch.nn.modules.linear as L\n\nm = L.Linear(2, 2)\n",
        "from torch.nn.modules.linear import",
    ),
    # a private path names the public one of the same object, or says that none gives it
    "a class by a private module": ("from torch._tensor import Tensor\n\nT = Tensor\n", "use torch.Tensor"),
    "a function by a private module": (
        "import torch\n\ndef g(x):\n    return torch._C._nn.gelu(x)\n",
        "use torch.nn.functional.gelu",
    ),
    "a private module of no public name": (
        "import torch._prims_common as utils\n",
        "torch._prims_common is private (its name starts with _) and no public name gives the same object",
    ),
}


@pytest.mark.unit
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_an_allowed_object_is_allowed_by_every_path_that_names_it(spelling):
    assert subset.check(SPELLINGS[spelling]) == [], spelling


@pytest.mark.unit
@pytest.mark.parametrize("spelling", sorted(STILL_REFUSED))
def test_a_spelling_that_stays_refused_names_the_one_that_works(spelling):
    source, instead = STILL_REFUSED[spelling]
    found = subset.check(source)
    assert found, spelling
    assert any(instead in r.instead for r in found), [(r.what, r.instead) for r in found]


# torch's own SGD as torch 1.x wrote it (torch/optim/sgd.py), its relative import made absolute.
TORCH_SGD = """
from torch.optim.optimizer import Optimizer, required


class SGD(Optimizer):
    def __init__(self, params, lr=required, momentum=0, dampening=0,
                 weight_decay=0, nesterov=False):
        if lr is not required and lr < 0.0:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if momentum < 0.0:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if weight_decay < 0.0:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))

        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super(SGD, self).__init__(params, defaults)

    def __setstate__(self, state):
        super(SGD, self).__setstate__(state)
        for group in self.param_groups:
            group.setdefault('nesterov', False)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()

        for group in self.param_groups:
            weight_decay = group['weight_decay']
            momentum = group['momentum']
            dampening = group['dampening']
            nesterov = group['nesterov']

            for p in group['params']:
                if p.grad is None:
                    continue
                d_p = p.grad
                if weight_decay != 0:
                    d_p = d_p.add(p, alpha=weight_decay)
                if momentum != 0:
                    param_state = self.state[p]
                    if 'momentum_buffer' not in param_state:
                        buf = param_state['momentum_buffer'] = torch.clone(d_p).detach()
                    else:
                        buf = param_state['momentum_buffer']
                        buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                    if nesterov:
                        d_p = d_p.add(buf, alpha=momentum)
                    else:
                        d_p = buf

                p.add_(d_p, alpha=-group['lr'])

        return loss

"""


@pytest.mark.e2e
def test_torchs_own_sgd_copied_as_found_scores_full(tmp_path):
    solution = (REPO / "solutions" / "optim.py").read_text()
    start, end = solution.index("class SGD("), solution.index("class Adam(")
    (tmp_path / "optim.py").write_text(solution[:start] + TORCH_SGD.lstrip() + "\n\n" + solution[end:])
    _, report = grade_json(str(tmp_path), "--topic", "optim", "--exercise", "SGD", "--timeout", "20")
    checks = report["topics"][0]["tests"]
    missed = [(c["id"], c.get("message")) for c in checks if c["status"] not in ("passed", "skipped")]
    assert report["score"] == report["max_score"] > 0, missed


@pytest.mark.engine  # imports every reviewed module (~3 s)
def test_the_aliases_snapshot_is_current():
    from grader.authoring import subset_review
    from grader.engine.subset import aliases as subset_aliases

    assert subset_review.aliases() == subset_aliases.aliases(), (
        "run python -m grader.authoring.subset_review aliases"
    )


@pytest.mark.unit
def test_the_wrappers_snapshot_is_current():
    """The torch.nn modules computing a torch function, as torch's source reads now."""
    from grader.engine.subset import wrappers as subset_wrappers

    snapshot = {(f, m) for f, modules in subset_wrappers.wrappers().items() for m in modules}
    assert subset_wrappers.read() <= snapshot, "run python -m grader.authoring.subset_review wrappers"
    assert "torch.nn.KLDivLoss" in subset_wrappers.wrappers()["torch.nn.functional.kl_div"]


@pytest.mark.engine
def test_the_wrappers_snapshot_is_current_with_what_torch_dispatches():
    """The snapshot whole: also the functions that dispatch to a function's ops on its own inputs
    (measured in a child interpreter, about half a minute)."""
    from grader.engine.subset import wrappers as subset_wrappers

    snapshot = {(f, m) for f, modules in subset_wrappers.wrappers().items() for m in modules}
    assert subset_wrappers.find() == snapshot, "run python -m grader.authoring.subset_review wrappers"
    assert "torch.special.softmax" in subset_wrappers.wrappers()["torch.nn.functional.softmax"]
