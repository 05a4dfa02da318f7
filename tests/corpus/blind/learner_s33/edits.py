"""Set s33: thirty learner mistakes, each one exercise of solutions/<topic>.py made wrong.

Each entry's edits are literal (old, new) replacements; every `old` occurs exactly once in
solutions/<topic>.py. make.py applies them and writes b33_NN_<topic>.py and labels.json.
"""

E = [
    # ------------------------------------------------------------------ tensors
    {
        "topic": "tensors",
        "exercise": "add_into",
        "edits": [("    z[:] = x + y\n", "    z.data = x + y\n")],
        "mistake": "z ends up holding x + y but in NEW storage: z.data_ptr() changes, so any view or alias of z "
                   "taken before the call (e.g. zv = z[:2]) still shows the old values; the write is not in place.",
        "cause": "0.3-era habit of writing through `.data` to get around autograd: assigning `z.data = ...` looks "
                 "like an in-place write, but it rebinds z's storage to the new tensor instead of copying into it.",
        "fix": "Copy into the existing memory: `z[:] = x + y` (or `torch.add(x, y, out=z)`, `z.copy_(x + y)`).",
        "habit": "old PyTorch",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "row_normalize",
        "edits": [("    return x / x.sum(dim=1, keepdim=True)\n", "    return x / x.sum(dim=1)\n")],
        "mistake": "The row sums come back with shape (n,), which broadcasts along the LAST axis: for a square x "
                   "every column j is divided by row j's sum, so rows do not sum to 1 (right shape, wrong values); "
                   "for n != d it raises.",
        "cause": "In MATLAB/Octave `sum(x, 2)` keeps the reduced dimension (an n-by-1 column), so `x ./ sum(x, 2)` "
                 "just works; the learner expected torch's reduction to keep the axis the same way.",
        "fix": "`x / x.sum(dim=1, keepdim=True)` (or `x.sum(dim=1)[:, None]`).",
        "habit": "MATLAB/Octave",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "fill_nan_with_column_mean",
        "edits": [("    numbers = torch.where(missing, torch.zeros_like(x), x)\n"
                   "    means = numbers.sum(dim=0) / (~missing).sum(dim=0)\n",
                   "    means = x.mean(dim=0)\n")],
        "mistake": "Every column that holds a NaN gets a NaN mean, so the NaNs are 'filled' with NaN and stay; "
                   "only NaN-free columns come out right.",
        "cause": "The notes do this in pandas (`inputs.fillna(inputs.mean())`), where `mean()` skips NaN by "
                 "default (skipna=True); torch's `mean` propagates NaN.",
        "fix": "Average over the numbers only: `torch.nanmean(x, dim=0)` or `where(isnan, 0, x).sum(0) / (~isnan).sum(0)`.",
        "habit": "pandas",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ autograd
    {
        "topic": "autograd",
        "exercise": "grad_of_vector_fn",
        "edits": [("    copy = x.detach().clone().requires_grad_(True)\n"
                   "    (grad,) = torch.autograd.grad(f(copy).sum(), copy)\n"
                   "    return grad\n",
                   "    copy = x.clone().requires_grad_(True)\n"
                   "    f(copy).sum().backward()\n"
                   "    return copy.grad\n")],
        "mistake": "Correct while x does not require grad; when the caller's x requires grad, `clone()` stays in x's "
                   "graph, so backward writes the gradient into the caller's x.grad (accumulating) and the function "
                   "returns None (copy is not a leaf).",
        "cause": "Took 'work on a copy' to mean `clone()`; did not know that clone is differentiable and keeps the "
                 "link to x - only `detach()` cuts it.",
        "fix": "`copy = x.detach().clone().requires_grad_(True)` and take the gradient of f(copy).sum() w.r.t. copy.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "Sigmoid",
        "edits": [("        return grad_output * out * (1 - out)\n", "        return out * (1 - out)\n")],
        "mistake": "backward returns the local derivative σ(1 − σ) and ignores grad_output: gradients are right only "
                   "when the upstream gradient is all ones (y.sum().backward()); for 3·σ(x), a weighted sum or any "
                   "op after the sigmoid they are wrong.",
        "cause": "Believed a Function's backward returns 'the derivative of the function' rather than the "
                 "vector-Jacobian product with the incoming gradient.",
        "fix": "`return grad_output * out * (1 - out)`.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "numerical_grad",
        "edits": [("            plus = float(f(x))\n", "            plus = f(x)\n"),
                  ("            minus = float(f(x))\n", "            minus = f(x)\n")],
        "mistake": "f's 0-dim results are kept as tensors; when f returns a view of x (e.g. f = lambda t: t[1], "
                   "allowed by the docstring) `plus` and `minus` both change as x is perturbed and restored, so the "
                   "difference is 0 and the gradient comes out all zeros instead of one-hot.",
        "cause": "JAX habit: arrays are immutable, so a value returned by f is a snapshot that can never change "
                 "afterwards; in torch a returned tensor can alias x, which is mutated in place here.",
        "fix": "Take the value at once: `plus = float(f(x))`, `minus = float(f(x))` (or `.item()` / `.clone()`).",
        "habit": "JAX",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ losses
    {
        "topic": "losses",
        "exercise": "sigmoid",
        "edits": [("    e_pos = torch.exp(-torch.where(positive, x, torch.zeros_like(x)))\n",
                   "    e_pos = torch.exp(-x)\n"),
                  ("    e_neg = torch.exp(torch.where(positive, torch.zeros_like(x), x))\n",
                   "    e_neg = torch.exp(x)\n")],
        "mistake": "Values are right everywhere (torch.where picks the finite branch), but both branches are computed "
                   "on all of x, so exp overflows to inf in the unselected branch and the gradient is NaN for "
                   "|x| >= ~89 (float32) / ~710 (float64).",
        "cause": "Followed the hint 'for x < 0 use e^x / (1 + e^x)' by computing both formulas and selecting with "
                 "torch.where, not knowing that where's backward multiplies 0 by the inf/NaN of the discarded branch.",
        "fix": "Feed each exp only the values it may see: `exp(-where(x >= 0, x, 0))` and `exp(where(x >= 0, 0, x))`, "
               "or use exp(-|x|) for both forms.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "bce",
        "edits": [("    log_p = p.log().clamp(min=LOG_FLOOR)\n"
                   "    log_not_p = (1 - p).log().clamp(min=LOG_FLOOR)\n",
                   "    p = p.clamp(1e-7, 1 - 1e-7)\n"
                   "    log_p = p.log()\n"
                   "    log_not_p = (1 - p).log()\n")],
        "mistake": "Probabilities are clipped to [1e-7, 1 − 1e-7] instead of flooring the logs at −100: a confident "
                   "wrong prediction (p = 0, y = 1) costs 16.1 instead of 100, values differ for any p below 1e-7 or "
                   "above 1 − 1e-7, and the gradient there is 0.",
        "cause": "Keras' binary_crossentropy clips the probabilities with epsilon = 1e-7 before the log; the learner "
                 "reproduced that convention instead of F.binary_cross_entropy's log floor.",
        "fix": "Clamp the logs, not p: `p.log().clamp(min=-100)` and `(1 - p).log().clamp(min=-100)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "huber",
        "edits": [("delta * (d - 0.5 * delta)", "d - 0.5 * delta")],
        "mistake": "The linear piece is |d| − δ/2 instead of δ·(|d| − δ/2): identical at the default δ = 1, but for any "
                   "other δ the loss is wrong beyond the threshold (and jumps at |d| = δ).",
        "cause": "The notes' robust loss reads 'use L1 when |y − y'| > 1', i.e. |d| − 1/2; the learner generalised "
                 "the threshold to δ but kept the slope-1 L1 piece.",
        "fix": "`torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()`.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "log_softmax",
        "edits": [("    shifted = x - x.amax(dim=dim, keepdim=True).detach()\n",
                   "    shifted = x - x.max().detach()\n")],
        "mistake": "Shifts by the maximum of the WHOLE tensor instead of each slice along dim: mathematically the "
                   "same, but a row far below the global max (logits ±1000 in one batch) underflows to exp = 0, "
                   "log 0 = −inf, and log_softmax / cross_entropy become ±inf.",
        "cause": "NumPy/SciPy habit: `x - np.max(x)` (logsumexp with axis=None) is the textbook stabilisation for a "
                 "single vector; reducing without an axis reduces everything.",
        "fix": "`x - x.amax(dim=dim, keepdim=True)`.",
        "habit": "NumPy",
        "callee_of": "cross_entropy",
    },
    # ------------------------------------------------------------------ optim
    {
        "topic": "optim",
        "exercise": "SGD",
        "edits": [("                                      weight_decay=weight_decay, nesterov=nesterov))\n",
                   "                                      weight_decay=weight_decay, nesterov=nesterov))\n"
                   "        self.buffers: dict = {}\n"),
                  ("                    state = self.state[p]\n                    if \"momentum_buffer\"",
                   "                    state = self.buffers.setdefault(p, {})\n                    if \"momentum_buffer\"")],
        "mistake": "Steps equal torch's SGD, but the momentum buffers live in a private dict, not in self.state: "
                   "state_dict() carries no momentum, and an SGD restored with load_state_dict restarts from b = g, "
                   "diverging from torch.optim.SGD restored the same way.",
        "cause": "Kept per-parameter memory in an attribute of its own, not knowing that Optimizer.state is what "
                 "state_dict()/load_state_dict() serialise.",
        "fix": "`state = self.state[p]` and keep 'momentum_buffer' there.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "Adam",
        "edits": [("                m_hat = state[\"m\"] / (1 - beta1 ** state[\"step\"])\n"
                   "                v_hat = state[\"v\"] / (1 - beta2 ** state[\"step\"])\n"
                   "                p.addcdiv_(m_hat, v_hat.sqrt().add_(group[\"eps\"]), value=-group[\"lr\"])\n",
                   "                step_size = group[\"lr\"] * (1 - beta2 ** state[\"step\"]) ** 0.5 / (1 - beta1 ** state[\"step\"])\n"
                   "                p.addcdiv_(state[\"m\"], state[\"v\"].sqrt().add_(group[\"eps\"]), value=-step_size)\n")],
        "mistake": "eps is added to √v (uncorrected) instead of √v̂, so the effective epsilon is 1/√(1 − β₂ᵗ) times "
                   "larger (about 30× at step 1): trajectories match torch.optim.Adam for large gradients and tiny eps "
                   "but differ when gradients are small or eps is not negligible.",
        "cause": "TensorFlow/Keras Adam folds the bias corrections into the step size "
                 "(lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), then m / (√v + ε̂)); the learner ported that form.",
        "fix": "`m̂ = m/(1 − β₁ᵗ)`, `v̂ = v/(1 − β₂ᵗ)`, `p -= lr·m̂/(√v̂ + eps)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "minibatch_indices",
        "edits": [("    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)\n",
                   "    order = torch.from_numpy(np.random.permutation(n)) if shuffle else torch.arange(n)\n")],
        "mistake": "Shuffles with NumPy's global RNG: the `generator` argument is ignored, the order is not "
                   "`torch.randperm(n, generator=generator)`, and torch.manual_seed does not make it reproducible.",
        "cause": "NumPy habit for an epoch's order: `np.random.permutation(n)`; assumed any RNG is as good.",
        "fix": "`torch.randperm(n, generator=generator)`.",
        "habit": "NumPy",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "sgd_fit",
        "edits": [("    for _ in range(epochs):\n"
                   "        for i in torch.randperm(len(x), generator=generator).tolist():\n",
                   "    order = torch.randperm(len(x), generator=generator).tolist()\n"
                   "    for _ in range(epochs):\n"
                   "        for i in order:\n")],
        "mistake": "The permutation is drawn once, before the first epoch, and reused: epoch 1 matches, from epoch 2 "
                   "on the visiting order (and so w and the recorded MSEs) differ from a fresh randperm per epoch.",
        "cause": "Thought of shuffling as a one-off preprocessing step ('shuffle the data, then train'), not as a "
                 "new order each epoch.",
        "fix": "Draw `torch.randperm(len(x), generator=generator)` inside the epoch loop.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "DiabetesDataset",
        "edits": [("np.loadtxt(path, delimiter=\",\", dtype=np.float32)",
                   "np.loadtxt(path, delimiter=\",\", dtype=np.float32, skiprows=1)")],
        "mistake": "Skips the first row as if it were a header: len(ds) is one short and ds[i] returns row i + 1; "
                   "the first person is lost.",
        "cause": "R's read.csv (header = TRUE by default) and pandas' read_csv treat the first line as column "
                 "names; the learner assumed every CSV starts with a header.",
        "fix": "The file has no header: `np.loadtxt(path, delimiter=',', dtype=np.float32)`.",
        "habit": "R",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ mlp
    {
        "topic": "mlp",
        "exercise": "relu",
        "edits": [("    return torch.where(x > 0, x, torch.zeros_like(x))\n", "    return x * (x > 0).float()\n")],
        "mistake": "Values are right, but `(x > 0).float()` is float32, so a float16 (or bfloat16) input is promoted "
                   "and relu - and hard_sigmoid_from_relus built on it - returns float32 instead of x's dtype.",
        "cause": "0.3-era PyTorch: comparisons gave a ByteTensor that could not be multiplied with a FloatTensor, "
                 "so masks were always cast with `.float()`.",
        "fix": "Keep x's dtype: `torch.where(x > 0, x, torch.zeros_like(x))`, or `x * (x > 0)` / `.to(x.dtype)`.",
        "habit": "old PyTorch",
        "callee_of": "hard_sigmoid_from_relus",
    },
    {
        "topic": "mlp",
        "exercise": "dropout",
        "edits": [("    keep = (torch.rand_like(x) > p).to(x.dtype)\n    return x * keep / (1 - p)\n",
                   "    keep = (torch.rand_like(x) < p).to(x.dtype)\n    return x * keep / p\n")],
        "mistake": "p is treated as the KEEP probability: elements survive with probability p and are scaled by 1/p. "
                   "Indistinguishable at p = 0.5 and unbiased in expectation, but dropout(x, 0.2) zeroes ~80% of x.",
        "cause": "TensorFlow 1's `tf.nn.dropout(x, keep_prob)` took the keep probability; the learner read p the "
                 "same way.",
        "fix": "p is the drop probability: `keep = torch.rand_like(x) > p`, scale by 1/(1 − p).",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "xavier_uniform_",
        "edits": [("    receptive = math.prod(tensor.shape[2:])\n"
                   "    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive\n",
                   "    receptive = math.prod(tensor.shape[:-2])\n"
                   "    fan_in, fan_out = tensor.shape[-2] * receptive, tensor.shape[-1] * receptive\n")],
        "mistake": "Fans taken from the last two axes with the rest as receptive field: right for a Linear weight "
                   "(fan_in + fan_out is symmetric) but wrong for a conv weight (out, in, kh, kw), whose bound comes "
                   "out much smaller (e.g. 0.088 instead of 0.167 for (16, 8, 3, 3)).",
        "cause": "JAX/Flax habit: kernels are laid out (..., in, out) (HWIO) and "
                 "`jax.nn.initializers.glorot_uniform` defaults to in_axis=-2, out_axis=-1.",
        "fix": "torch layout (out, in, *kernel): receptive = prod(shape[2:]), fan_in = shape[1]·receptive, "
               "fan_out = shape[0]·receptive.",
        "habit": "JAX",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "DiabetesNet",
        "edits": [("nn.Linear(in_features, 6), nn.Sigmoid(), nn.Linear(6, 4), nn.Sigmoid(),",
                   "nn.Linear(in_features, 6), nn.ReLU(), nn.Linear(6, 4), nn.ReLU(),")],
        "mistake": "The two hidden layers use ReLU and only the last one a sigmoid: outputs are still probabilities "
                   "of shape (n, 1), but not the network the docstring pins (a sigmoid after every layer).",
        "cause": "The notes say ReLU is 'usually used together with Sigmoid' and 'can replace sigmoid when you do "
                 "not want it'; the learner read that as the lecture's design for 8→6→4→1.",
        "fix": "`nn.Sigmoid()` after each of the three Linear layers.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "MLP",
        "edits": [("                layers.append(ACTIVATIONS[activation]())\n"
                   "                if dropout > 0:\n"
                   "                    layers.append(nn.Dropout(dropout))\n",
                   "                if dropout > 0:\n"
                   "                    layers.append(nn.Dropout(dropout))\n"
                   "                layers.append(ACTIVATIONS[activation]())\n")],
        "mistake": "Dropout is applied to the Linear output BEFORE the activation. With ReLU that changes nothing, "
                   "but in train mode with tanh/sigmoid the values differ (a dropped sigmoid unit gives 0.5, not 0; "
                   "tanh(x/(1−p)) ≠ tanh(x)/(1−p)).",
        "cause": "The notes say dropout is applied 'to the output of the hidden fully-connected layer'; the learner "
                 "took that to mean the Linear layer's output, before its activation.",
        "fix": "Linear → activation → Dropout for every hidden layer.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "train_epoch",
        "edits": [("    model.train()\n    total, count = 0.0, 0\n", "    total, count = 0.0, 0\n")],
        "mistake": "Never calls model.train(): a model left in eval mode (e.g. by evaluate) trains with dropout off "
                   "and BatchNorm using/not updating its running statistics, and stays in eval mode after the call.",
        "cause": "Believed modules are in train mode once and for all after construction, so switching is only "
                 "needed for evaluation.",
        "fix": "`model.train()` at the start of every epoch.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ cnn
    {
        "topic": "cnn",
        "exercise": "conv_output_size",
        "edits": [("    return (n + 2 * padding - k) // stride + 1\n",
                   "    return -(-(n + 2 * padding - k) // stride) + 1\n")],
        "mistake": "Rounds (n + 2p − k)/s UP: right whenever stride divides n + 2p − k, one too large otherwise "
                   "(5, k=2, s=2 gives 3, not 2), so conv2d, which reshapes to this size, raises on such inputs.",
        "cause": "Caffe's pooling layer computes its output size with ceil; the learner carried that formula over "
                 "to 'a convolution or pooling'.",
        "fix": "Floor division: `(n + 2 * padding - k) // stride + 1`.",
        "habit": "Caffe",
        "callee_of": "conv2d",
    },
    {
        "topic": "cnn",
        "exercise": "corr2d",
        "edits": [("(x[i:i + kh, j:j + kw] * k).sum()", "(x[i:i + kh, j:j + kw] * k.flip(0, 1)).sum()")],
        "mistake": "Flips the kernel, computing a true convolution: right for symmetric kernels, wrong for any other "
                   "(e.g. the [1, −1] edge detector gives the negated edges).",
        "cause": "scipy.signal.convolve2d (and MATLAB's conv2) flip the kernel; the learner assumed 'convolution' "
                 "means that operation.",
        "fix": "Cross-correlation: `(x[i:i + kh, j:j + kw] * k).sum()` with k as given.",
        "habit": "SciPy",
        "callee_of": None,
    },
    {
        "topic": "cnn",
        "exercise": "max_pool2d",
        "edits": [("    stride = stride or kernel_size\n", "    stride = stride or 2\n")],
        "mistake": "With stride omitted the windows move by 2 instead of kernel_size: right for the usual 2×2 pool, "
                   "overlapping windows and a larger output for max_pool2d(x, 3) or 4.",
        "cause": "The notes say of MaxPooling '此时默认步长（stride）等于2' (written for a 2×2 window); the learner "
                 "took the default stride to be the constant 2.",
        "fix": "`stride = stride or kernel_size` (stride defaults to kernel_size).",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ inception
    {
        "topic": "inception",
        "exercise": "InceptionA",
        "edits": [("        bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))\n",
                   "        bpool = F.avg_pool2d(self.branch_pool(x), 3, stride=1, padding=1)\n")],
        "mistake": "The pool branch runs the 1×1 conv first and pools afterwards. Both are linear, so the interior "
                   "agrees, but on the border the zero-padded average scales the conv's bias (by 4/9 or 6/9): "
                   "values differ on every edge pixel, and GoogLeNetMini's logits with them.",
        "cause": "The notes say the fourth branch has three lines of operations that the figure cuts off "
                 "('图上显示不全'); the learner guessed the order conv → pool.",
        "fix": "avg_pool(3, stride 1, padding 1) first, then the 1×1 conv → 24.",
        "habit": None,
        "callee_of": "GoogLeNetMini",
    },
    {
        "topic": "inception",
        "exercise": "conv_mults",
        "edits": [("import torch\n", "import numpy as np\nimport torch\n"),
                  ("    return k * k * c_in * c_out * h * w\n", "    return np.prod([k, k, c_in, c_out, h, w])\n")],
        "mistake": "Returns a numpy.int64, not a Python int, and large counts (beyond 2^63) silently wrap around to "
                   "wrong (even negative) values.",
        "cause": "NumPy habit of multiplying a list of sizes with np.prod, whose result is a fixed-width int64 scalar.",
        "fix": "Plain Python integers: `k * k * c_in * c_out * h * w` (or `math.prod`).",
        "habit": "NumPy",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ resnet
    {
        "topic": "resnet",
        "exercise": "BasicBlock",
        "edits": [("        main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))\n",
                   "        main = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))\n")],
        "mistake": "A ReLU after bn2, before the shortcut is added: relu(relu(main) + shortcut) instead of "
                   "relu(main + shortcut); the residual branch can no longer subtract, and SmallResNet's outputs "
                   "change with it.",
        "cause": "The notes describe a residual block as 'two conv layers, each followed by BatchNorm and ReLU', "
                 "so the learner put a ReLU after the second BN as well.",
        "fix": "`main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))`, ReLU only after the sum.",
        "habit": None,
        "callee_of": "SmallResNet",
    },
    {
        "topic": "resnet",
        "exercise": "batch_norm",
        "edits": [("        var = x.var(dim=dims, unbiased=False)\n", "        var = x.var(dim=dims)\n")],
        "mistake": "Normalises with the unbiased variance (n − 1), so training outputs are too small by √((m−1)/m) "
                   "(noticeable for small batches), and running_var gets the n/(n − 1) correction twice.",
        "cause": "NumPy's `var` defaults to ddof=0 (the biased variance); the learner assumed torch's `var()` "
                 "does too, but it defaults to the unbiased estimator.",
        "fix": "`x.var(dim=dims, unbiased=False)` (correction=0) for normalising; unbiased only for running_var.",
        "habit": "NumPy",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ rnn
    {
        "topic": "rnn",
        "exercise": "rnn_cell",
        "edits": [("b_ih + h @ w_hh.T + b_hh", "b_ih + h @ w_hh + b_hh")],
        "mistake": "Uses W_hh untransposed (h·W_hh instead of h·W_hhᵀ): the shapes always fit (square), and with h = 0 "
                   "the result is right, so the first step of rnn_forward agrees with nn.RNN and later steps differ.",
        "cause": "JAX/Flax habit: kernels are stored (in, out) and applied as `x @ kernel`; the learner added `.T` "
                 "only where a shape error forced it (W_ih) and left the square W_hh as is.",
        "fix": "`h @ w_hh.T` (torch stores weights (out, in)).",
        "habit": "JAX",
        "callee_of": "rnn_forward",
    },
    {
        "topic": "rnn",
        "exercise": "HelloRNN",
        "edits": [("        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)\n",
                   "        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)\n")],
        "mistake": "The (seq, batch) input is read as (batch, seq): shapes still come out (seq, batch, vocab), but "
                   "the recurrence runs across the batch instead of along the sequence - with batch 1 each "
                   "character is processed alone and the logits at step t ignore earlier characters.",
        "cause": "Keras/TensorFlow RNNs take batch-major input (batch, timesteps, features); the learner set "
                 "batch_first=True to get that familiar layout.",
        "fix": "Default seq-first nn.RNN (batch_first=False), as forward's input is (seq_len, batch).",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
]
