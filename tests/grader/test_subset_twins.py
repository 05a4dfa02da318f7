"""Off-limits functions read from the source (grader/engine/subset/twins.py): a door to an
exercise's twin is shut by the name the code writes, whatever op it ends in and however it is
reached (an alias, a captured name, ``getattr`` with a literal, an in-place method, a helper);
nothing else is charged: another exercise's code, the learner's own functions, and every correct
module of the corpus, the solutions and the fair-code snippets."""

from __future__ import annotations

import importlib.util
import json
import tempfile
from functools import cache
from pathlib import Path

import pytest
from fair_code import FAIR
from helpers import REPO, run_grade

from grader.base.topics import available_topics, exercises, parameters
from grader.engine.subset import submission as subset
from grader.engine.subset import twins as subset_twins
from grader.engine.subset.charge import reachable

# (topic, exercise, snippet appended to the reference solution): each computes the exercise
# correctly through a function its docstring puts off limits
DOORS = {
    # an attention layer's weights are a softmax (attacks118c's 99: weights = softmax(x) with its projections set)
    "an attention layer for softmax": (
        "losses",
        "softmax",
        "def softmax(x, dim=-1):\n    m = nn.MultiheadAttention(1, 1)\n    return m(x, x, x)[1]\n",
    ),
    "the attention layer's functional form for log_softmax": (
        "losses",
        "log_softmax",
        "def log_softmax(x, dim=-1):\n    return F.multi_head_attention_forward(x, x, x, 1, 1, None, None, None, None, False, 0.0, None, None)[1].log()\n",
    ),
    # kernels that compute the exercise's function inside (attacks a122's 104 and 110)
    "mish for tanh": (
        "mlp",
        "tanh",
        "def tanh(x):\n    z = torch.log(torch.expm1(x.abs().clamp_min(1e-6)))\n"
        "    return torch.sign(x) * F.mish(z) / z\n",
    ),
    "embedding_bag for matmul": (
        "tensors",
        "matmul",
        "def matmul(a, b):\n    n, k = a.shape\n    idx = torch.arange(k).repeat(n)\n"
        "    return F.embedding_bag(idx, b, torch.arange(0, n * k, k), mode='sum', per_sample_weights=a.flatten())\n",
    ),
    "losses against 0 for norms": (
        "tensors",
        "norms",
        "def norms(x):\n    z = torch.zeros_like(x)\n"
        "    return F.l1_loss(x, z, reduction='sum'), F.mse_loss(x, z, reduction='sum').sqrt()\n",
    ),
    "kl_div for entropy": (
        "losses",
        "entropy",
        "def entropy(p):\n    return -F.kl_div(torch.zeros_like(p), p, reduction='none').sum(-1)\n",
    ),
    "gelu's tanh approximation for tanh": (
        "mlp",
        "tanh",
        "def tanh(x):\n    u = x / 0.7978845608\n    return 2 * F.gelu(u, approximate='tanh') / u - 1\n",
    ),
    "hardswish for hard_sigmoid_from_relus": (
        "mlp",
        "hard_sigmoid_from_relus",
        "def hard_sigmoid_from_relus(x):\n    y = 6 * x + 3\n    return torch.where(y == 0, 0.0, F.hardswish(y) / y)\n",
    ),
    "glu for sigmoid": (
        "losses",
        "sigmoid",
        "def sigmoid(x):\n    return F.glu(torch.stack([torch.ones_like(x), x], -1), -1).squeeze(-1)\n",
    ),
    "silu for sigmoid": (
        "losses",
        "sigmoid",
        "def sigmoid(x):\n    return torch.where(x == 0, 0.5, F.silu(x) / x)\n",
    ),
    "in-place sigmoid_": ("losses", "sigmoid", "def sigmoid(x):\n    return x.clone().sigmoid_()\n"),
    "smooth_l1(beta=0) for l1": (
        "losses",
        "l1",
        "def l1(y_hat, y, reduction='mean'):\n    return F.smooth_l1_loss(y_hat, y, reduction=reduction, beta=0.0)\n",
    ),
    "huber(delta=1e30) for mse": (
        "losses",
        "mse",
        "def mse(y_hat, y, reduction='mean'):\n    return 2 * F.huber_loss(y_hat, y, reduction=reduction, delta=1e30)\n",
    ),
    "logcumsumexp for softmax": (
        "losses",
        "softmax",
        "def softmax(x, dim=-1):\n    return torch.exp(x - x.logcumsumexp(dim).narrow(dim, x.shape[dim] - 1, 1))\n",
    ),
    "cross_entropy in log_softmax": (
        "losses",
        "log_softmax",
        "def log_softmax(x, dim=-1):\n    n, c = x.shape\n    eye = torch.eye(c, dtype=x.dtype)[None].expand(n, -1, -1)\n    return -F.cross_entropy(x[:, :, None].expand(-1, -1, c), eye, reduction='none')\n",
    ),
    "distributions for entropy": (
        "losses",
        "entropy",
        "def entropy(p):\n    return torch.distributions.Categorical(probs=p).entropy()\n",
    ),
    "distributions for kl_div": (
        "losses",
        "kl_div",
        "from torch import distributions as D\n\n\ndef kl_div(p, q):\n    return D.kl_divergence(D.Categorical(probs=p), D.Categorical(probs=q))\n",
    ),
    "addmm_ for matmul": (
        "tensors",
        "matmul",
        "def matmul(a, b):\n    return a.new_zeros(a.shape[0], b.shape[1]).addmm_(a, b)\n",
    ),
    "addbmm for matmul": (
        "tensors",
        "matmul",
        "def matmul(a, b):\n    return torch.addbmm(a.new_zeros(a.shape[0], b.shape[1]), a[None], b[None])\n",
    ),
    "conv1d for matmul": (
        "tensors",
        "matmul",
        "def matmul(a, b):\n    return F.conv1d(a[None].transpose(1, 2)[..., None].squeeze(-1), b.T[:, :, None]).squeeze(0).T\n",
    ),
    "@= for matmul": (
        "tensors",
        "matmul",
        "def matmul(a, b):\n    c = a.clone()\n    c @= b\n    return c\n",
    ),
    "cdist for norms": (
        "tensors",
        "norms",
        "def norms(x):\n    z = x.new_zeros(1, x.numel())\n    return torch.cdist(x.reshape(1, -1), z, p=1)[0, 0], torch.cdist(x.reshape(1, -1), z)[0, 0]\n",
    ),
    "pairwise_distance for pairwise_sq_dists": (
        "tensors",
        "pairwise_sq_dists",
        "def pairwise_sq_dists(a, b):\n    return F.pairwise_distance(a[:, None], b[None], eps=0.0) ** 2\n",
    ),
    "nn.init for xavier_uniform_": (
        "mlp",
        "xavier_uniform_",
        "def xavier_uniform_(tensor):\n    return nn.init.xavier_uniform_(tensor)\n",
    ),
    "dist for norms": (
        "tensors",
        "norms",
        "def norms(x):\n    z = torch.zeros_like(x)\n    return torch.dist(x, z, 1), torch.dist(x, z)\n",
    ),
    "_foreach_norm for norms": (
        "tensors",
        "norms",
        "def norms(x):\n    flat = [x.reshape(-1)]\n"
        "    return torch._foreach_norm(flat, 1)[0], torch._foreach_norm(flat, 2)[0]\n",
    ),
    # numpy's namesake of an off-limits torch function: the same computation by another library
    "numpy's lstsq for closed_form": (
        "optim",
        "closed_form_linear_regression",
        "import numpy as np\n\n\ndef closed_form_linear_regression(X, y):\n    w = np.linalg.lstsq(X.cpu().numpy(), y.cpu().numpy(), rcond=None)[0]\n"
        "    return torch.as_tensor(w, dtype=X.dtype, device=X.device)\n",
    ),
    "numpy's inv for closed_form": (
        "optim",
        "closed_form_linear_regression",
        "import numpy\n\n\ndef closed_form_linear_regression(X, y):\n    a = X.cpu().numpy()\n"
        "    return torch.as_tensor(numpy.linalg.inv(a.T @ a) @ a.T @ y.cpu().numpy(), dtype=X.dtype)\n",
    ),
    "leaky_relu at slope 0 for relu": ("mlp", "relu", "def relu(x):\n    return F.leaky_relu(x, 0.0)\n"),
    # seal7, as first met: torch's other activations at the setting that makes them ReLU, a loss
    # that is the squared error, a deprecated name forwarding to the off-limits function
    "rrelu at 0 for relu": ("mlp", "relu", "def relu(x):\n    return F.rrelu(x, 0.0, 0.0, training=False)\n"),
    "prelu at 0 for relu": (
        "mlp",
        "relu",
        "def relu(x):\n    return F.prelu(x, torch.zeros(1, dtype=x.dtype))\n",
    ),
    "elu at alpha 0 for relu": ("mlp", "relu", "def relu(x):\n    return F.elu(x, alpha=0.0)\n"),
    "hardtanh from 0 to inf for relu": (
        "mlp",
        "relu",
        "def relu(x):\n    return F.hardtanh(x, 0.0, float('inf'))\n",
    ),
    # seal8, as first met: the standard library's norm and namesake, a distribution's softmax,
    # another inverse, embedding's sibling, softplus at a sharpness without end
    "math.hypot for norms": (
        "tensors",
        "norms",
        "import math\n\n\ndef norms(x):\n    v = x.flatten().tolist()\n"
        "    return torch.tensor(math.fsum(abs(t) for t in v)), torch.tensor(math.hypot(*v))\n",
    ),
    "math.tanh for tanh": (
        "mlp",
        "tanh",
        "import math\n\n\ndef tanh(x):\n    return x.detach().cpu().clone().apply_(math.tanh).to(x.device)\n",
    ),
    "a Categorical's log_prob for cross_entropy": (
        "losses",
        "cross_entropy",
        "def cross_entropy(logits, target):\n"
        "    return -torch.distributions.Categorical(logits=logits).log_prob(target).mean()\n",
    ),
    "cholesky_inverse for closed_form": (
        "optim",
        "closed_form_linear_regression",
        "def closed_form_linear_regression(X, y):\n"
        "    return torch.cholesky_inverse(torch.linalg.cholesky(X.T @ X)) @ X.T @ y\n",
    ),
    "embedding_bag for embedding_lookup": (
        "rnn",
        "embedding_lookup",
        "def embedding_lookup(weight, idx):\n"
        "    flat = F.embedding_bag(idx.reshape(-1, 1), weight, mode='sum')\n"
        "    return flat.reshape(*idx.shape, -1)\n",
    ),
    "softplus without end for relu": (
        "mlp",
        "relu",
        "def relu(x):\n    return F.softplus(x, beta=1e10, threshold=0)\n",
    ),
    # seal11, as first met: a norm as a decomposition's one value, a loss equal to another
    "svdvals for norms": (
        "tensors",
        "norms",
        "def norms(x):\n    return x.abs().sum(), torch.linalg.svdvals(x.reshape(1, -1))[0]\n",
    ),
    "multilabel_soft_margin_loss for bce_with_logits": (
        "losses",
        "bce_with_logits",
        "def bce_with_logits(logits, y):\n"
        "    return F.multilabel_soft_margin_loss(logits.reshape(1, -1), y.reshape(1, -1))\n",
    ),
    # seal10, as first met: σ as a softmax's first value over the pair (x, 0), a batch of dot
    # products for matmul
    "softmax over (x, 0) for sigmoid": (
        "losses",
        "sigmoid",
        "def sigmoid(x):\n    return torch.softmax(torch.stack([x, torch.zeros_like(x)]), dim=0)[0]\n",
    ),
    "log_softmax in the Sigmoid Function": (
        "autograd",
        "Sigmoid",
        "class Sigmoid(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        s = F.log_softmax(torch.stack([x, torch.zeros_like(x)]), 0)[0].exp()\n"
        "        ctx.save_for_backward(s)\n        return s\n\n"
        "    @staticmethod\n    def backward(ctx, g):\n        (s,) = ctx.saved_tensors\n        return g * s * (1 - s)\n",
    ),
    "vecdot for matmul": (
        "tensors",
        "matmul",
        "def matmul(a, b):\n    return torch.linalg.vecdot(a[:, None, :], b.T[None, :, :])\n",
    ),
    # seal9, as first met: a distance inside a loss, σ as part of another function's value,
    # tanh through complex tan, another initialiser at the same bound
    "triplet_margin_loss for pairwise_sq_dists": (
        "tensors",
        "pairwise_sq_dists",
        "def pairwise_sq_dists(a, b):\n    n, m = a.shape[0], b.shape[0]\n"
        "    x = a[:, None, :].expand(n, m, -1).reshape(n * m, -1)\n"
        "    y = b[None, :, :].expand(n, m, -1).reshape(n * m, -1)\n"
        "    d = F.triplet_margin_loss(x, y, x, margin=1e-12, eps=0.0, reduction='none') - 1e-12\n"
        "    return (d**2).reshape(n, m)\n",
    ),
    "logsigmoid in the Sigmoid Function": (
        "autograd",
        "Sigmoid",
        "class Sigmoid(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        s = F.logsigmoid(x).exp()\n        ctx.save_for_backward(s)\n        return s\n\n"
        "    @staticmethod\n    def backward(ctx, g):\n        (s,) = ctx.saved_tensors\n        return g * s * (1 - s)\n",
    ),
    "complex tan for tanh": ("mlp", "tanh", "def tanh(x):\n    return torch.tan(1j * x).imag.to(x.dtype)\n"),
    "kaiming_uniform_ for xavier_uniform_": (
        "mlp",
        "xavier_uniform_",
        "import math\n\n\ndef xavier_uniform_(tensor):\n    fan_out, fan_in = tensor.shape[0], tensor[0].numel()\n"
        "    return nn.init.kaiming_uniform_(tensor, a=math.sqrt(fan_out / fan_in))\n",
    ),
    "gaussian_nll_loss for mse": (
        "losses",
        "mse",
        "def mse(y_hat, y, reduction='mean'):\n"
        "    return 2 * F.gaussian_nll_loss(y_hat, y, torch.ones_like(y), reduction=reduction)\n",
    ),
    "nn.init's deprecated name for xavier_uniform_": (
        "mlp",
        "xavier_uniform_",
        "def xavier_uniform_(tensor):\n    with torch.no_grad():\n        return nn.init.xavier_uniform(tensor)\n",
    ),
    # another name of the twin, found by the ops it dispatches to on the twin's own inputs
    # (attacks116 13, 14, 42: the source reader saw none, the recorder only while it watched)
    "torch.special.softmax for softmax": (
        "losses",
        "softmax",
        "def softmax(x, dim=-1):\n    return torch.special.softmax(x, dim)\n",
    ),
    "F.softmin of -x for softmax": (
        "losses",
        "softmax",
        "def softmax(x, dim=-1):\n    return F.softmin(-x, dim)\n",
    ),
    "torch.special.log_softmax for log_softmax": (
        "losses",
        "log_softmax",
        "def log_softmax(x, dim=-1):\n    return torch.special.log_softmax(x, dim)\n",
    ),
    "torch.spmm for matmul": (
        "tensors",
        "matmul",
        "def matmul(a, b):\n    return torch.spmm(a, b)\n",
    ),
    "torch.linalg.multi_dot for matmul": (
        "tensors",
        "matmul",
        "def matmul(a, b):\n    return torch.linalg.multi_dot([a, b])\n",
    ),
    # a torch.nn module computing the off-limits function
    "nn.KLDivLoss for kl_div": (
        "losses",
        "kl_div",
        "def kl_div(p, q):\n    return nn.KLDivLoss(reduction='none')(q.log(), p).sum(-1)\n",
    ),
    "nn.ReLU6 (Hardtanh's forward) for hard_sigmoid_from_relus": (
        "mlp",
        "hard_sigmoid_from_relus",
        "def hard_sigmoid_from_relus(x):\n    return nn.ReLU6()(6 * x + 3) / 6\n",
    ),
    # a constant branch that does run, or a "constant" rebound elsewhere
    "a branch under not DEBUG": (
        "losses",
        "sigmoid",
        "DEBUG = False\n\n\ndef sigmoid(x):\n    if not DEBUG:\n        return torch.sigmoid(x)\n    return x\n",
    ),
    "a DEBUG rebound by a global statement": (
        "losses",
        "sigmoid",
        "DEBUG = False\n\n\ndef turn_on():\n    global DEBUG\n    DEBUG = True\n\n\nturn_on()\n\n\n"
        "def sigmoid(x):\n    if DEBUG:\n        return torch.sigmoid(x)\n    return x\n",
    ),
    # the ways to name one
    "from-import under another name": (
        "losses",
        "sigmoid",
        "from torch.nn.functional import glu as g\n\n\ndef sigmoid(x):\n    return g(torch.stack([torch.ones_like(x), x], -1))[..., 0]\n",
    ),
    "getattr with a literal": (
        "losses",
        "sigmoid",
        "def sigmoid(x):\n    return getattr(torch, 'sigmoid')(x)\n",
    ),
    "captured at module level": (
        "losses",
        "softmax",
        "_lcse = torch.logcumsumexp\n\n\ndef softmax(x, dim=-1):\n    return torch.exp(x - _lcse(x, dim).narrow(dim, x.shape[dim] - 1, 1))\n",
    ),
    "through a helper": (
        "losses",
        "mse",
        "def _two_huber(a, b, r):\n    return 2 * F.huber_loss(a, b, reduction=r, delta=1e30)\n\n\ndef mse(y_hat, y, reduction='mean'):\n    return _two_huber(y_hat, y, reduction)\n",
    ),
    "torch.Tensor's method by its path": (
        "losses",
        "sigmoid",
        "def sigmoid(x):\n    return torch.Tensor.sigmoid(x)\n",
    ),
    "a module's long path": (
        "losses",
        "mse",
        "def mse(y_hat, y, reduction='mean'):\n    return torch.nn.modules.loss.MSELoss(reduction=reduction)(y_hat, y)\n",
    ),
}
# the solutions' exercises that call another exercise's definition (charged for its twin too)
CALLERS = {
    "log_softmax": ("cross_entropy",),
    "relu": ("hard_sigmoid_from_relus",),
}  # a caller whose own list names it too
IMPORTS = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
# written with a name another exercise may use, or the learner's own: never charged here
NOT_CHARGED = {
    # a __main__ demo runs nothing when graded: its calls change no name (honest h122's 49: a demo
    # comparing batch_norm with F.batch_norm joined torch to its twin, batch_norm 0/12)
    "a __main__ demo comparing the exercise with its twin": (
        "resnet",
        "batch_norm",
        "def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
        "    mu, var = x.mean((0, 2, 3), keepdim=True), x.var((0, 2, 3), unbiased=False, keepdim=True)\n"
        "    return gamma.view(1, -1, 1, 1) * (x - mu) / torch.sqrt(var + eps) + beta.view(1, -1, 1, 1)\n\n\n"
        'if __name__ == "__main__":\n    x = torch.randn(8, 3, 5, 5)\n    g, b = torch.ones(3), torch.zeros(3)\n'
        "    rm, rv = torch.zeros(3), torch.ones(3)\n    y = batch_norm(x, g, b, rm, rv, True)\n"
        "    print((y - F.batch_norm(x, rm, rv, g, b, True)).abs().max())\n"
        "    net = SmallResNet()\n    print(net(torch.randn(2, 1, 8, 8)).shape)\n",
        "batch_norm",
    ),
    # a branch that cannot run (seal5: a DEBUG = False branch cost log_softmax 16 of 16)
    "a branch under a constant that is never rebound": (
        "losses",
        "log_softmax",
        "DEBUG = False\n\n\ndef log_softmax(x, dim=-1):\n    if DEBUG:\n        return torch.log_softmax(x, dim)\n"
        "    z = x - x.amax(dim, keepdim=True)\n    return z - z.exp().sum(dim, keepdim=True).log()\n",
        "log_softmax",
    ),
    "a branch under a literal False": (
        "losses",
        "sigmoid",
        "def sigmoid(x):\n    if False:\n        return torch.sigmoid(x)\n    return torch.where(x >= 0, 1 / (1 + (-x).exp()), x.exp() / (1 + x.exp()))\n",
        "sigmoid",
    ),
    "another exercise's twin": (
        "losses",
        "huber",
        "def huber(y_hat, y, delta=1.0):\n    return F.huber_loss(y_hat, y, delta=delta)\n",
        "mse",
    ),
    # the tutorial's custom Function: its clamp is relu's allowed body, not hard_sigmoid_from_relus's
    "relu's own autograd Function, called by hard_sigmoid_from_relus": (
        "mlp",
        "relu",
        "class MyReLU(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, input):\n"
        "        ctx.save_for_backward(input)\n        return input.clamp(min=0)\n\n"
        "    @staticmethod\n    def backward(ctx, grad_output):\n        (input,) = ctx.saved_tensors\n"
        "        grad_input = grad_output.clone()\n        grad_input[input < 0] = 0\n        return grad_input\n\n\n"
        "def relu(x):\n    return MyReLU.apply(x)\n",
        "hard_sigmoid_from_relus",
    ),
    # relu is MyReLU.apply by its definition: a call of MyReLU.apply with relu's arguments is relu's
    "relu's own autograd Function, called as relu by hard_sigmoid_from_relus": (
        "mlp",
        "relu",
        "class MyReLU(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, input):\n"
        "        ctx.save_for_backward(input)\n        return input.clamp(min=0)\n\n"
        "    @staticmethod\n    def backward(ctx, grad_output):\n        (input,) = ctx.saved_tensors\n"
        "        return grad_output * (input > 0)\n\n\n"
        "def relu(x):\n    return MyReLU.apply(x)\n\n\n"
        "def hard_sigmoid_from_relus(x):\n    return MyReLU.apply(x + 0.5) - MyReLU.apply(x - 0.5)\n",
        "hard_sigmoid_from_relus",
    ),
    "the learner's own sigmoid in bce_with_logits": (
        "losses",
        "bce_with_logits",
        "def bce_with_logits(logits, y):\n    p = sigmoid(logits)\n    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).mean()\n",
        "bce_with_logits",
    ),
    "a name in a string": (
        "losses",
        "mse",
        "def mse(y_hat, y, reduction='mean'):\n    '''not F.mse_loss'''\n    d = (y_hat - y) ** 2\n    return d if reduction == 'none' else getattr(d, reduction)()\n",
        "mse",
    ),
    "an attribute read through another": (
        "tensors",
        "norms",
        "def norms(x):\n    a = x.abs()\n    return a.sum(), (x * x).sum().sqrt()\n",
        "norms",
    ),
    # names resolved by the learner's bindings, not by their spelling
    "a NamedTuple field named like a twin": (
        "tensors",
        "matmul",
        "from typing import NamedTuple\n\n\nclass Dims(NamedTuple):\n    outer: int\n    inner: int\n\n\n"
        "def _dims(a, b) -> Dims:\n    return Dims(a.shape[0], a.shape[1])\n\n\n"
        "def _agree(d, b):\n    return d.inner == b.shape[0]\n\n\n"
        "def matmul(a, b):\n    d = _dims(a, b)\n    assert _agree(d, b) and d.inner == b.shape[0]\n"
        "    return (a[:, :, None] * b[None, :, :]).sum(dim=1)\n",
        "matmul",
    ),
    "an own staticmethod named like the twin": (
        "losses",
        "sigmoid",
        "class _Stable:\n    @staticmethod\n    def sigmoid(x):\n        e = torch.exp(-x.abs())\n"
        "        return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))\n\n\n"
        "def sigmoid(x):\n    return _Stable.sigmoid(x)\n",
        "sigmoid",
    ),
    "an own class named F": (
        "losses",
        "sigmoid",
        "class F:\n    @staticmethod\n    def sigmoid(x):\n        e = torch.exp(-x.abs())\n"
        "        return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))\n\n\n"
        "def sigmoid(x):\n    return F.sigmoid(x)\n",
        "sigmoid",
    ),
    "an own layer's backward()": (
        "autograd",
        "linear_grad",
        "class _Square:\n    def forward(self, w, x, y):\n        self.x, self.r = x, w * x - y\n"
        "        return (self.r ** 2).mean()\n\n    def backward(self):\n"
        "        return (2 * self.x * self.r).mean()\n\n\n"
        "def linear_grad(w, x, y):\n    layer = _Square()\n    layer.forward(w, x, y)\n    return layer.backward()\n",
        "linear_grad",
    ),
    "F.logsigmoid in a helper method only bce_with_logits calls": (
        "losses",
        "bce_with_logits",
        "class _Logistic:\n    @staticmethod\n    def prob(x):\n        e = torch.exp(-x.abs())\n"
        "        return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))\n\n"
        "    @staticmethod\n    def log_prob(x):\n        return F.logsigmoid(x)\n\n\n"
        "def sigmoid(x):\n    return _Logistic.prob(x)\n\n\n"
        "def bce_with_logits(logits, y):\n"
        "    return -(y * _Logistic.log_prob(logits) + (1 - y) * _Logistic.log_prob(-logits)).mean()\n",
        "sigmoid",
    ),
}


def solution(topic: str) -> str:
    return (REPO / "solutions" / f"{topic}.py").read_text()


@cache
def rules(topic: str) -> dict:
    path = REPO / "tests" / "suites" / f"suite_{topic}.py"
    spec = importlib.util.spec_from_file_location(f"_twins_{topic}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return subset_twins.declared(module.OFF_LIMITS)


def charged(topic: str, source: str) -> dict:
    read = reachable(source, rules(topic), exercises(topic), rules(topic), parameters(topic))
    return {} if read is None else subset_twins.written_in(*read, rules(topic))


def charged_in_files(sources: dict[str, str], own: str, topic: str) -> dict:
    """:func:`charged` on the topic's file ``own``, the helper files of ``sources`` it calls read too."""
    read = reachable(sources[own], rules(topic), exercises(topic), rules(topic))
    return {} if read is None else subset_twins.written_in(*read, rules(topic), helpers=sources)


@pytest.mark.unit
@pytest.mark.parametrize("door", sorted(DOORS))
def test_each_door_to_a_twin_is_read_from_the_source(door):
    topic, exercise, snippet = DOORS[door]
    found = charged(topic, solution(topic) + "\n" + IMPORTS + "\n\n" + snippet)
    assert exercise in found, found
    assert found[exercise].line > solution(topic).count("\n"), found  # the snippet's line
    # another exercise is charged only where its reachable code calls this one (cross_entropy log_softmax)
    assert set(found) <= {exercise, *CALLERS.get(exercise, ())}, found


@pytest.mark.unit
@pytest.mark.parametrize("case", sorted(NOT_CHARGED))
def test_what_an_exercise_does_not_reach_is_not_charged(case):
    topic, _, snippet, exercise = NOT_CHARGED[case]
    found = charged(topic, solution(topic) + "\n" + IMPORTS + "\n\n" + snippet)
    assert exercise not in found, found


@pytest.mark.engine
def test_no_correct_module_is_charged():
    """Every solution, correct corpus module and fair-code snippet (the fair side)."""
    charged_ones = []
    for topic in available_topics():
        for path in [
            REPO / "solutions" / f"{topic}.py",
            *sorted((REPO / "tests" / "corpus" / topic / "correct").glob("*.py")),
        ]:
            if found := charged(topic, path.read_text()):
                charged_ones.append(f"{path.relative_to(REPO)}: {found}")
    for name, (topic, _, snippet) in FAIR.items():
        if found := charged(topic, solution(topic) + "\n" + snippet):
            charged_ones.append(f"fair code {name!r}: {found}")
    assert not charged_ones, "\n".join(charged_ones)


@pytest.mark.e2e
@pytest.mark.parametrize("topic", ["losses", "tensors"])
def test_a_correct_answer_through_a_door_earns_nothing(tmp_path, topic):
    """Graded: each door's exercise earns 0 with the twin named where it is written, while the
    recorder alone let most through (seen: mse, sigmoid, softmax, matmul, norms and
    pairwise_sq_dists full)."""
    doors = {e: s for name, (t, e, s) in sorted(DOORS.items()) if t == topic and "for" in name}
    source = solution(topic) + "\n" + IMPORTS + "".join(f"\n\n{s}" for s in doors.values())
    (tmp_path / f"{topic}.py").write_text(source)
    done = run_grade(str(tmp_path), "--topic", topic, "--format", "json", "-k", "not convergence")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    got = {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}
    assert {e: got[e]["points"] for e in doors} == dict.fromkeys(doors, 0.0)
    assert all(got[e]["cause"].startswith("twin") for e in doors), {e: got[e]["cause"] for e in doors}


@pytest.mark.unit
def test_a_twin_the_recorder_saw_is_told_by_the_call_written_not_the_ops_it_ends_in():
    from grader.checks.verdict.scoring import TestResult, TopicResult

    said = "cross_entropy: expected a hand-written computation, got F.log_softmax called in …; F.nll_loss called in …"
    seen = TestResult("ce", "value", "failed", 0.0, 1.0, said, exercises=("cross_entropy",), cause="twin")
    other = TestResult("mse", "value", "failed", 0.0, 1.0, "wrong values", exercises=("mse",), cause="value")
    result = TopicResult("losses", [seen, other])
    written = {"cross_entropy": subset_twins.Written("cross_entropy", "F.cross_entropy", 12)}
    subset_twins.charge(result, written, "losses.py")
    assert "F.cross_entropy written in losses.py, line 12" in seen.message
    assert "nll_loss" not in seen.message and "log_softmax" not in seen.message
    assert other.message == "wrong values"


@pytest.mark.unit
def test_a_twin_through_another_exercises_definition_is_charged_to_the_caller():
    """cross_entropy through the learner's own log_softmax, which calls F.log_softmax: both pay,
    each for its own list (it once left the other exercise's definition out: 11 points against 0)."""
    snippet = (
        "def log_softmax(x, dim=-1):\n    return F.log_softmax(x, dim)\n\n\n"
        "def cross_entropy(logits, target):\n    logp = log_softmax(logits, 1)\n"
        "    if target.dim() == 1:\n        return -logp.gather(1, target[:, None]).mean()\n"
        "    return -(target * logp).sum(1).mean()\n"
    )
    found = charged("losses", solution("losses") + "\n" + IMPORTS + "\n\n" + snippet)
    assert {"log_softmax", "cross_entropy"} <= set(found), found
    assert found["cross_entropy"].name == "F.log_softmax", found


@pytest.mark.unit
def test_another_exercises_code_is_charged_only_with_the_callers_own_list():
    """The learner's own log_softmax uses torch.logsumexp (off limits in log_softmax, not in
    cross_entropy): cross_entropy, which calls it, is not charged for it."""
    snippet = (
        "def log_softmax(x, dim=-1):\n    return x - torch.logsumexp(x, dim, keepdim=True)\n\n\n"
        "def cross_entropy(logits, target):\n    logp = log_softmax(logits, 1)\n"
        "    if target.dim() == 1:\n        return -logp.gather(1, target[:, None]).mean()\n"
        "    return -(target * logp).sum(1).mean()\n"
    )
    found = charged("losses", solution("losses") + "\n" + IMPORTS + "\n\n" + snippet)
    assert "log_softmax" in found and "cross_entropy" not in found, found


@pytest.mark.unit
def test_a_twin_of_both_past_another_exercises_definition_is_charged_to_the_caller():
    """log_softmax's own helper class calls F.log_softmax, off limits in both: cross_entropy,
    which reaches it only through log_softmax, pays too (what a callee's body may use is what its
    own list allows, at any depth)."""
    snippet = (
        "class _Log:\n    @staticmethod\n    def run(x, dim):\n        return F.log_softmax(x, dim)\n\n\n"
        "def log_softmax(x, dim=-1):\n    return _Log.run(x, dim)\n\n\n"
        "def cross_entropy(logits, target):\n    logp = log_softmax(logits, 1)\n"
        "    return -logp.gather(1, target[:, None]).mean()\n"
    )
    found = charged("losses", solution("losses") + "\n" + IMPORTS + "\n\n" + snippet)
    assert {"log_softmax", "cross_entropy"} <= set(found), found


# another exercise called with an argument its stub does not declare: that code is the caller's own
# (attacks118b's 09, 37, 50: the twin behind a keyword of the callee, allowed in its own list)
BEYOND_THE_CONTRACT = {
    "relu(x, _band=True)": (
        "mlp",
        "hard_sigmoid_from_relus",
        "def relu(x, _band=False):\n    return torch.clamp(x + 0.5, 0, 1) if _band else (x + x.abs()) / 2\n\n\n"
        "def hard_sigmoid_from_relus(x):\n    return relu(x, _band=True)\n",
    ),
    "log_softmax(x, 1, target=t)": (
        "losses",
        "cross_entropy",
        "def log_softmax(x, dim=-1, target=None):\n    ls = x - x.logsumexp(dim, keepdim=True)\n"
        "    return ls if target is None else F.nll_loss(ls, target)\n\n\n"
        "def cross_entropy(logits, target):\n    return log_softmax(logits, 1, target=target)\n",
    ),
}


@pytest.mark.unit
@pytest.mark.parametrize("case", sorted(BEYOND_THE_CONTRACT))
def test_another_exercise_called_beyond_its_stubs_parameters_is_the_callers_code(case):
    topic, exercise, snippet = BEYOND_THE_CONTRACT[case]
    found = charged(topic, solution(topic) + "\n" + IMPORTS + "\n\n" + snippet)
    assert exercise in found, found


@pytest.mark.unit
def test_a_callee_called_otherwise_than_by_another_exercises_definition_is_the_callers():
    """relu is ``_clamp(x)``; hard_sigmoid_from_relus calls ``_clamp`` with a bound of its own: not
    relu's call, so clamp is its own (a shared helper is another exercise's only as that one calls it)."""
    snippet = (
        "def _clamp(x, hi=None):\n    return torch.clamp(x, 0, hi)\n\n\n"
        "def relu(x):\n    return _clamp(x)\n\n\n"
        "def hard_sigmoid_from_relus(x):\n    return _clamp(x + 0.5, 1.0) + 0 * _clamp(x)\n"
    )
    found = charged("mlp", solution("mlp") + "\n" + IMPORTS + "\n\n" + snippet)
    assert "hard_sigmoid_from_relus" in found and "relu" not in found, found


@pytest.mark.unit
def test_an_alias_is_reported_by_its_own_name():
    snippet = (
        "def softmax(x, dim=-1):\n    return torch.exp(x - torch.special.logsumexp(x, dim, keepdim=True))\n"
    )
    found = charged("losses", solution("losses") + "\n" + IMPORTS + "\n\n" + snippet)
    assert found["softmax"].name == "torch.special.logsumexp", found


# each computes its exercise through its twin, reached by a name computed at run time
COMPUTED = {
    "losses": (
        "def sigmoid(x):\n    return getattr(torch, 'sigmoid' + '_')(x.clone())\n",
        {"sigmoid"},
    ),
    "tensors": (
        "def matmul(a, b):\n    z = a.new_zeros(1, a.shape[0], b.shape[1])\n"
        "    return getattr(z, 'baddbmm' + '_')(a[None], b[None])[0]\n\n\n"
        "def norms(x):\n    z = torch.zeros_like(x)\n    d = getattr(torch, 'di' + 'st')\n"
        "    return d(x, z, 1), d(x, z)\n",
        {"matmul", "norms"},
    ),
    # a table of functions filled at import by built names, called in the exercise (seal6: 5/5)
    "mlp": (
        "INIT = {k: getattr(nn.init, k + '_') for k in ('xavier_uniform', 'zeros')}\n\n\n"
        "def xavier_uniform_(tensor):\n    return INIT['xavier_uniform'](tensor)\n",
        {"xavier_uniform_"},
    ),
}


@pytest.mark.e2e
@pytest.mark.parametrize("topic", sorted(COMPUTED))
def test_a_twin_reached_by_a_computed_name_earns_nothing(tmp_path, topic):
    """What the source cannot name, the run decides: the twin's in-place form or a name built
    at run time (seen: sigmoid, matmul and norms full)."""
    snippet, doors = COMPUTED[topic]
    (tmp_path / f"{topic}.py").write_text(solution(topic) + "\n" + IMPORTS + "\n\n" + snippet)
    done = run_grade(str(tmp_path), "--topic", topic, "--format", "json", "-k", "not convergence")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    got = {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}
    assert {e: got[e]["points"] for e in doors} == dict.fromkeys(doors, 0.0), {
        e: (got[e]["points"], got[e].get("cause")) for e in doors
    }


@pytest.mark.e2e
def test_a_twin_installed_from_a_helper_file_earns_nothing(tmp_path):
    """A helper file no exercise calls puts entropy on the topic's module, computed by
    torch.distributions, over a stub (seen: 1.5 of 8.5 points); the helper's own file calls it
    from entropy the same way."""
    stub = "\n\ndef entropy(p):\n    raise NotImplementedError\n"
    (tmp_path / "losses.py").write_text(solution("losses") + stub + "\n\nimport helper  # noqa: E402\n")
    (tmp_path / "helper.py").write_text(
        "import torch\n\nimport losses\n\n\ndef _entropy(p):\n"
        "    return torch.distributions.Categorical(probs=p).entropy()\n\n\n"
        "losses.entropy = _entropy\n"
    )
    done = run_grade(str(tmp_path), "--topic", "losses", "--format", "json", "-k", "entropy")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    got = {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}
    assert got["entropy"]["points"] == 0.0, got["entropy"]


@pytest.mark.unit
def test_a_helper_files_code_an_exercise_calls_is_read_for_its_twin(tmp_path):
    """entropy calls a function of the submission's helper file that computes it with
    torch.distributions: charged as if written in the topic's file."""
    source = solution("losses") + "\n\nfrom helper import plogp\n\n\ndef entropy(p):\n    return plogp(p)\n"
    (tmp_path / "losses.py").write_text(source)
    (tmp_path / "helper.py").write_text(
        "import torch\n\n\ndef plogp(p):\n    return torch.distributions.Categorical(probs=p).entropy()\n"
    )

    found = charged_in_files(subset.sources_of(tmp_path, "losses", False), "losses.py", "losses")
    assert found.get("entropy") is not None and found["entropy"].file == "helper.py", found


@pytest.mark.e2e
def test_the_twin_through_another_exercises_definition_earns_nothing(tmp_path):
    """Graded: cross_entropy through the learner's log_softmax calling F.log_softmax (seen: 11 points)."""
    snippet = (
        "def log_softmax(x, dim=-1):\n    return F.log_softmax(x, dim)\n\n\n"
        "def cross_entropy(logits, target):\n    logp = log_softmax(logits, 1)\n"
        "    if target.dim() == 1:\n        return -logp.gather(1, target[:, None]).mean()\n"
        "    return -(target * logp).sum(1).mean()\n"
    )
    (tmp_path / "losses.py").write_text(solution("losses") + "\n" + IMPORTS + "\n\n" + snippet)
    done = run_grade(str(tmp_path), "--topic", "losses", "--format", "json", "-k", "cross_entropy")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    got = {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}
    assert got["cross_entropy"]["points"] == 0.0 and got["cross_entropy"]["cause"].startswith("twin"), got


@pytest.mark.e2e
def test_one_exercise_graded_alone_is_charged_as_in_its_file_and_reads_only_its_own():
    """``grade FILE --exercise X`` reads the how of X's checks only (the warm learner's figure):
    a twin in X costs it alone as in the whole file's run, a loop in another exercise costs it
    nothing there."""
    source = solution("tensors") + "\n" + IMPORTS + "\n\ndef matmul(a, b):\n    return torch.mm(a, b)\n"
    source += "\n\ndef row_normalize(x):\n    return torch.stack([r / r.sum() for r in x])\n"
    points = {}
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "tensors.py").write_text(source)
        for chosen in ("matmul", "row_normalize", "accuracy"):
            done = run_grade(f"{folder}/tensors.py", "--exercise", chosen, "--format", "json")
            assert done.returncode in (0, 1), done.stderr[-2000:]
            (exercise,) = json.loads(done.stdout)["topics"][0]["exercises"]
            points[chosen] = (
                exercise["points"],
                exercise["max_points"],
                exercise.get("cause", "").split(":")[0],
            )
    assert points["matmul"][0] == 0.0 and points["matmul"][2] == "twin", points
    assert points["row_normalize"][0] < points["row_normalize"][1], points  # its loop: the vectorised clause
    assert points["accuracy"][0] == points["accuracy"][1], points


# a helper package's __init__ passing the twin on (attacks118b's 39, 43, 49): read through to it
PASSED_ON = {
    "from .deep import C": (
        "from .deep import C\n",
        "import torch.nn.functional as G\nC = G.cross_entropy\n",
    ),
    "from pkgm.deep import C": (
        "from pkgm.deep import C\n",
        "import torch.nn.functional as G\nC = G.cross_entropy\n",
    ),
    "an import of the twin itself": (
        "from .deep import C\n",
        "from torch.nn.functional import cross_entropy as C\n",
    ),
}


@pytest.mark.unit
@pytest.mark.parametrize("case", sorted(PASSED_ON))
def test_a_twin_a_helper_packages_init_passes_on_is_read(case):
    init, deep = PASSED_ON[case]
    own = "from pkgm import C\n\n\ndef cross_entropy(logits, target):\n    return C(logits, target)\n"
    sources = {"losses.py": own, "pkgm/__init__.py": init, "pkgm/deep.py": deep}
    sources = {
        name: subset.absolute(name, text) for name, text in sources.items()
    }  # as sources_of reads them
    found = subset_twins.twins(
        sources, "losses.py", own, rules("losses"), {"cross_entropy"}, exercises("losses")
    )
    assert "cross_entropy" in found, found


@pytest.mark.unit
def test_a_helper_packages_init_passes_on_only_the_names_read():
    """honest124's 08: softmax reads ``shifted`` from a package whose __init__ passes it on in one
    import line with a softplus written with ``torch.logaddexp``, which softmax's list names: only
    the name read is followed (softmax and log_softmax had been charged, 0/16 each)."""
    init = "from .stable import shifted, softplus_stable\n"
    stable = (
        "import torch\n\n\ndef shifted(x, dim):\n    return x - x.amax(dim, keepdim=True)\n\n\n"
        "def softplus_stable(z):\n    return torch.logaddexp(torch.zeros_like(z), z)\n"
    )
    own = "import pkgm\n\n\ndef softmax(x, dim=-1):\n    z = pkgm.shifted(x, dim)\n    return z.exp() / z.exp().sum(dim, keepdim=True)\n"
    sources = {"losses.py": own, "pkgm/__init__.py": init, "pkgm/stable.py": stable}
    sources = {name: subset.absolute(name, text) for name, text in sources.items()}
    found = subset_twins.twins(sources, "losses.py", own, rules("losses"), {"softmax"}, exercises("losses"))
    assert found == {}
    reads_it = own.replace("pkgm.shifted(x, dim)", "pkgm.softplus_stable(x)")
    found = subset_twins.twins(
        sources, "losses.py", reads_it, rules("losses"), {"softmax"}, exercises("losses")
    )
    assert "softmax" in found, found
