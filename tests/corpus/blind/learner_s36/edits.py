"""Set s36: 30 labelled learner mistakes, each one small edit of the reference solutions.

Each entry of E: topic, exercise (the function or class at fault), edits [(old, new), ...] applied to
solutions/<topic>.py (every old occurs exactly once there), mistake, cause, fix, habit (an ecosystem or
None), callee_of (the same-topic exercise that calls the broken one, or None).
"""

E = [
    # ------------------------------------------------------------------ tensors
    {
        "topic": "tensors",
        "exercise": "add_into",
        "edits": [("    z[:] = x + y\n    return z",
                   "    z.data = x + y\n    return z")],
        "mistake": "z ends up holding x + y and the same Python object is returned, but its storage is replaced "
                   "(z.data_ptr() changes), so the write is not in place: views of z, and anyone holding the old "
                   "storage, still see the old values.",
        "cause": "0.3-era PyTorch habit of assigning through .data to update a tensor 'in place' (the notes even "
                 "show w.grad.data.zero_()); the learner believes rebinding .data writes into z's memory, and a "
                 "check like `out is z` seems to confirm it.",
        "fix": "Write into the existing storage: `z[:] = x + y` (or `torch.add(x, y, out=z)`, `z.copy_(x + y)`).",
        "habit": "old PyTorch (0.3 era: Variable, .data)",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "fill_nan_with_column_mean",
        "edits": [("    return torch.where(missing, means.expand_as(x), x)",
                   "    x[missing] = means.expand_as(x)[missing]\n    return x")],
        "mistake": "The returned values are right, but the NaNs are filled into the caller's x itself: x is "
                   "modified and the result is x, not a new tensor.",
        "cause": "NumPy habit: the well-known imputation idiom `inds = np.where(np.isnan(X)); X[inds] = "
                 "np.take(col_mean, inds[1])` fills in place; the learner carries the masked assignment over and "
                 "overlooks 'x itself is unchanged'.",
        "fix": "Build a new tensor: `return torch.where(missing, means.expand_as(x), x)` (or fill a clone of x).",
        "habit": "NumPy",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "norms",
        "edits": [("    return x.abs().sum(), (x * x).sum().sqrt()",
                   "    return x.abs().sum(dim=0).max(), (x * x).sum().sqrt()")],
        "mistake": "The L1 value is the largest absolute column sum, not the sum of all |x_i|: right for 1-D "
                   "vectors (and 0-dim), wrong for every matrix or higher-dim tensor with more than one column; "
                   "the L2 value is right.",
        "cause": "MATLAB/Octave habit: norm(A, 1) of a matrix is the induced 1-norm (max column sum) while "
                 "norm(A, 'fro') is entrywise; the learner mirrors MATLAB's matrix L1 and only tests vectors.",
        "fix": "Entrywise L1 over all elements: `x.abs().sum()`.",
        "habit": "MATLAB/Octave",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "pairwise_sq_dists",
        "edits": [("    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)",
                   "    return ((a * a).sum(dim=1)[:, None] - 2 * a @ b.T + (b * b).sum(dim=1)[:, None]).clamp(min=0)")],
        "mistake": "|b_j|^2 is broadcast as a column instead of a row, so D[i, j] gets |b_i|^2 instead of "
                   "|b_j|^2: with n == m the shape is right and the diagonal of pairwise_sq_dists(x, x) is 0, but "
                   "off-diagonal values are wrong (not even symmetric); for most n != m it fails to broadcast.",
        "cause": "NumPy habit (the CS231n vectorised distance `np.sum(X**2, axis=1)[:, np.newaxis] + "
                 "np.sum(Y**2, axis=1) - 2 * X.dot(Y.T)`), copied with the newaxis put on both squared norms; a "
                 "square self-distance test hides it.",
        "fix": "Broadcast |b|^2 along the rows: `(b * b).sum(dim=1)[None, :]`, or use (n, 1, d) - (1, m, d) squared "
               "and summed over d.",
        "habit": "NumPy",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ autograd
    {
        "topic": "autograd",
        "exercise": "grad_of_vector_fn",
        "edits": [("    copy = x.detach().clone().requires_grad_(True)\n    (grad,) = torch.autograd.grad(f(copy).sum(), copy)\n    return grad",
                   "    copy = x.clone().requires_grad_(True)\n    f(copy).sum().backward()\n    return copy.grad")],
        "mistake": "Right when x does not require grad; when the caller's x already requires grad, clone() stays "
                   "in x's graph, so backward() accumulates into x.grad (the caller's gradient is polluted) and the "
                   "non-leaf copy has no .grad: the function returns None.",
        "cause": "JAX habit: gradients are pure functions of values and a copied array carries no history, so the "
                 "learner believes clone() gives an independent tensor; torch's clone() is differentiable and "
                 "keeps the autograd link (only detach() cuts it).",
        "fix": "Cut the graph first: `copy = x.detach().clone().requires_grad_(True)`, and prefer "
               "`torch.autograd.grad(f(copy).sum(), copy)`.",
        "habit": "JAX",
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "numerical_grad",
        "edits": [("            original = x[i].item()\n            x[i] = original + eps\n            plus = float(f(x))\n            x[i] = original - eps\n            minus = float(f(x))\n            x[i] = original\n",
                   "            x[i] += eps\n            plus = float(f(x))\n            x[i] -= 2 * eps\n            minus = float(f(x))\n            x[i] += eps\n")],
        "mistake": "The gradient is about right, but x is not restored exactly: +eps, -2eps, +eps does not cancel "
                   "in floating point, so most elements of x come back changed by an ulp or more (float32 much "
                   "more), although the docstring says x's values are restored.",
        "cause": "C/C++ numerical-recipes style of nudging a variable in place and nudging it back, trusting the "
                 "increments to cancel exactly; rounding makes x + eps - 2eps + eps != x.",
        "fix": "Save the element and write it back: `original = x[i].item(); ...; x[i] = original`.",
        "habit": "C/C++",
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "Value",
        "edits": [("                stack.append((node, True))\n",
                   "                order.append(node)\n"),
                  ("        for node in reversed(order):\n",
                   "        for node in order:\n")],
        "mistake": "backward() propagates in DFS pre-order (first-visit order from the output) instead of a "
                   "reverse topological order: right on chains and trees, but when a node reaches the output by "
                   "paths of different lengths its grad is pushed to its parents before all its uses have added "
                   "in, so upstream gradients are too small.",
        "cause": "The learner believes 'visit from the output, each node once' is already a topological order; "
                 "the symptom looks like the classic '= instead of +=' accumulation bug, but accumulation is "
                 "right and the order is wrong.",
        "fix": "Process a node only after every node that uses it: post-order DFS (append a node after its "
               "parents are expanded) and iterate `reversed(order)`.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "quadratic_grads",
        "edits": [("    return (2 * r * x**2).mean(), (2 * r * x).mean(), (2 * r).mean()",
                   "    return (2 * r * x**2).sum(), (2 * r * x).sum(), (2 * r).sum()")],
        "mistake": "Returns the gradients of the summed loss: exact for a batch of one, n times too large for n "
                   "samples (right signs, right direction, wrong magnitude).",
        "cause": "Misreading of lecture 4 in the notes: the lecture's loop backpropagates the per-sample loss "
                 "(y_hat - y)^2 and lets .grad accumulate over the samples, so the learner sums the per-sample "
                 "gradients and overlooks L = mean(...).",
        "fix": "Average: `(2 * r * x**2).mean(), (2 * r * x).mean(), (2 * r).mean()`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ losses
    {
        "topic": "losses",
        "exercise": "log_softmax",
        "edits": [("    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()",
                   "    return shifted - shifted.exp().sum().log()")],
        "mistake": "The log-normaliser sums exp over ALL elements instead of along dim: right for a 1-D input "
                   "or a single row, wrong (right shape, rows not normalised) for any batch, so cross_entropy is "
                   "right on a batch of one and wrong for n > 1.",
        "cause": "NumPy habit: `np.log(np.sum(np.exp(x - x.max())))` reduces over everything by default "
                 "(axis=None); the learner keeps the dim on the max but writes the LogSumExp as for a vector.",
        "fix": "Reduce along dim with keepdim: `shifted - shifted.exp().sum(dim=dim, keepdim=True).log()`.",
        "habit": "NumPy",
        "callee_of": "cross_entropy",
    },
    {
        "topic": "losses",
        "exercise": "bce",
        "edits": [("    log_p = p.log().clamp(min=LOG_FLOOR)\n    log_not_p = (1 - p).log().clamp(min=LOG_FLOOR)\n",
                   "    p = p.clamp(1e-7, 1 - 1e-7)\n    log_p = p.log()\n    log_not_p = (1 - p).log()\n")],
        "mistake": "Probabilities are clipped to [1e-7, 1 - 1e-7] instead of flooring the logs at -100: the same "
                   "for ordinary p, but a confident wrong prediction (p = 1 with y = 0, or p < 1e-7 with y = 1) "
                   "costs about 16 instead of 100, and the gradient is zero wherever p was clipped.",
        "cause": "Keras/TensorFlow habit: keras.losses.binary_crossentropy clips its input with "
                 "epsilon = 1e-7; the learner takes 'finite at p = 0 or 1' to mean that convention.",
        "fix": "Clamp the logs, not p: `log_p = p.log().clamp(min=-100)`, `log_not_p = (1 - p).log().clamp(min=-100)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "entropy",
        "edits": [("    return -(p * safe.log()).sum(dim=-1)",
                   "    return -(p * safe.log()).sum(dim=0)")],
        "mistake": "Sums over the first dim instead of the last: right for a single probability vector, and for "
                   "a square (k, k) batch the shape is even right, but the values are column entropies, not one "
                   "value per row.",
        "cause": "SciPy habit: scipy.stats.entropy(pk) reduces along axis=0 by default; the learner mirrors it.",
        "fix": "Reduce over the last dim: `.sum(dim=-1)`.",
        "habit": "SciPy",
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "huber",
        "edits": [("    return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()",
                   "    return torch.where(d < delta, 0.5 * d**2 / delta, d - 0.5 * delta).mean()")],
        "mistake": "Computes SmoothL1 with beta = delta (0.5*d^2/delta and |d| - 0.5*delta) instead of Huber: "
                   "identical at the default delta = 1, wrong for every other delta (off by a factor delta).",
        "cause": "Confuses Huber with smooth L1 (the two losses torch documents side by side); both are 'quadratic "
                 "near zero, L1 beyond', and a test at the default delta cannot tell them apart.",
        "fix": "Huber keeps the factor delta on the linear piece and none on the quadratic one: "
               "`torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ optim
    {
        "topic": "optim",
        "exercise": "SGD",
        "edits": [("                        state[\"momentum_buffer\"] = g.clone()\n                    else:\n                        state[\"momentum_buffer\"]",
                   "                        state[\"momentum_buffer\"] = torch.zeros_like(g)\n                    state[\"momentum_buffer\"]")],
        "mistake": "The momentum buffer starts at zero and is updated on the first step too, so the first step "
                   "uses (1 - dampening)*g instead of g: identical to torch.optim.SGD when dampening = 0 (the "
                   "default), a different trajectory from step one when dampening != 0.",
        "cause": "Thinks of the buffer as a running average that must start at 0, applying the update rule "
                 "uniformly; overlooks 'b <- g on the first step' (torch does not dampen the first step). Looks "
                 "like a learning-rate slip on step one.",
        "fix": "Initialise the buffer with the gradient itself on the first step (`g.clone()`), and apply "
               "`b.mul_(momentum).add_(g, alpha=1 - dampening)` only on later steps.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "Adam",
        "edits": [("                m_hat = state[\"m\"] / (1 - beta1 ** state[\"step\"])\n                v_hat = state[\"v\"] / (1 - beta2 ** state[\"step\"])\n                p.addcdiv_(m_hat, v_hat.sqrt().add_(group[\"eps\"]), value=-group[\"lr\"])\n",
                   "                step_size = group[\"lr\"] * (1 - beta2 ** state[\"step\"]) ** 0.5 / (1 - beta1 ** state[\"step\"])\n                p.addcdiv_(state[\"m\"], state[\"v\"].sqrt().add_(group[\"eps\"]), value=-step_size)\n")],
        "mistake": "Folds the bias corrections into the step size and adds eps to sqrt(v) instead of sqrt(v_hat): "
                   "indistinguishable from torch.optim.Adam with eps = 1e-8 and ordinary gradients, but a "
                   "different trajectory when eps is not negligible against sqrt(v) (larger eps, tiny gradients).",
        "cause": "Keras/TensorFlow habit: TF's Adam uses lr_t = lr*sqrt(1 - b2^t)/(1 - b1^t) and an "
                 "'epsilon hat' on the uncorrected v (the 'efficient' form of the paper), which is a different "
                 "eps convention from torch's.",
        "fix": "Correct m and v first, then `p -= lr * m_hat / (sqrt(v_hat) + eps)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "DiabetesDataset",
        "edits": [("        table = np.loadtxt(path, delimiter=\",\", dtype=np.float32)",
                   "        table = np.loadtxt(path, delimiter=\",\", dtype=np.float32, skiprows=1)")],
        "mistake": "Skips the first line as if it were a header: len(ds) is one short and ds[i] returns row i + 1, "
                   "which looks like an off-by-one in __getitem__.",
        "cause": "pandas habit: pd.read_csv takes the first line as the header (header=0), so the learner assumes "
                 "every CSV has one and tells loadtxt to skip it; the docstring says the file has no header.",
        "fix": "Read every row: `np.loadtxt(path, delimiter=\",\", dtype=np.float32)`.",
        "habit": "pandas",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "ema",
        "edits": [("    out = torch.empty_like(values)\n",
                   "    out = []\n"),
                  ("        out[t - 1] = s / (1 - beta**t) if bias_correction else s\n    return out\n",
                   "        out.append(s / (1 - beta**t) if bias_correction else s)\n    return torch.tensor(out)\n")],
        "mistake": "Collects the smoothed values in a Python list and returns torch.tensor(list): the values "
                   "are right but the result is always float32 on the CPU, whatever values' dtype (float64, "
                   "float16) and device.",
        "cause": "Believes torch.tensor of Python floats keeps the input's dtype and device; it uses the "
                 "default dtype and the CPU.",
        "fix": "Allocate like the input (`torch.empty_like(values)`) or return "
               "`torch.tensor(out, dtype=values.dtype, device=values.device)`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ mlp
    {
        "topic": "mlp",
        "exercise": "relu",
        "edits": [("    return torch.where(x > 0, x, torch.zeros_like(x))",
                   "    return x * (x > 0).float()")],
        "mistake": "Values are right, but the mask is cast to float32, so a float16 (or bfloat16) input comes "
                   "back as float32; hard_sigmoid_from_relus inherits the wrong dtype.",
        "cause": "0.3-era PyTorch habit: comparisons gave ByteTensors that could not multiply a FloatTensor, "
                 "so masks were cast with .float(); today that cast silently promotes half-precision inputs.",
        "fix": "Keep x's dtype: `torch.where(x > 0, x, torch.zeros_like(x))` or `x * (x > 0).to(x.dtype)`.",
        "habit": "old PyTorch (0.3 era: Variable, .data)",
        "callee_of": "hard_sigmoid_from_relus",
    },
    {
        "topic": "mlp",
        "exercise": "dropout",
        "edits": [("    keep = (torch.rand_like(x) > p).to(x.dtype)\n    return x * keep / (1 - p)",
                   "    keep = (torch.rand_like(x) < p).to(x.dtype)\n    return x * keep / p")],
        "mistake": "Treats p as the probability of KEEPING an element: at p = 0.5 indistinguishable, otherwise "
                   "it drops 1 - p of the elements (still unbiased in expectation), and p = 0 gives NaN (0/0) "
                   "instead of x.",
        "cause": "Keras/TensorFlow habit: TF1's tf.nn.dropout(x, keep_prob) took the keep probability; the "
                 "learner reads p that way.",
        "fix": "p is the drop probability: `keep = torch.rand_like(x) > p`, scale by `1 / (1 - p)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "xavier_uniform_",
        "edits": [("    bound = math.sqrt(6 / (fan_in + fan_out))",
                   "    bound = math.sqrt(3 / fan_in)")],
        "mistake": "Uses the bound sqrt(3/fan_in): identical when fan_in == fan_out (square linear weights, "
                   "conv weights with in == out), too wide or too narrow for every other shape.",
        "cause": "Caffe habit: Caffe's 'xavier' filler defaults to variance_norm FAN_IN, scale sqrt(3/fan_in); "
                 "the learner knows that as 'Xavier'.",
        "fix": "Glorot's bound averages both fans: `math.sqrt(6 / (fan_in + fan_out))`.",
        "habit": "Caffe",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "train_epoch",
        "edits": [("    model.train()\n    total, count = 0.0, 0\n",
                   "    total, count = 0.0, 0\n")],
        "mistake": "Never puts the model in train mode: right for a freshly built model, but after evaluate() "
                   "(or any model.eval()) dropout stays off and BatchNorm keeps using running statistics during "
                   "training, and the model is still in eval mode afterwards.",
        "cause": "Keras/TensorFlow habit: model.fit() sets the training flag itself, so the learner never "
                 "switches modes; in PyTorch the mode is module state that persists.",
        "fix": "Call `model.train()` at the start of train_epoch.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ cnn
    {
        "topic": "cnn",
        "exercise": "conv_output_size",
        "edits": [("import torch\nimport torch.nn.functional as F\n",
                   "import math\n\nimport torch\nimport torch.nn.functional as F\n"),
                  ("    return (n + 2 * padding - k) // stride + 1",
                   "    return math.ceil((n + 2 * padding - k) / stride) + 1")],
        "mistake": "Rounds up instead of down: right whenever stride divides n + 2p - k (always at stride 1), "
                   "one too large otherwise (e.g. n=8, k=3, stride=2 gives 4, not 3); conv2d, which reshapes "
                   "to this size, then fails with a reshape error that points at conv2d.",
        "cause": "Caffe habit: Caffe's pooling layer computes its output size with ceil (ceil_mode), and the "
                 "docstring says 'convolution or pooling'.",
        "fix": "Floor division: `(n + 2 * padding - k) // stride + 1`.",
        "habit": "Caffe",
        "callee_of": "conv2d",
    },
    {
        "topic": "cnn",
        "exercise": "corr2d",
        "edits": [("    kh, kw = k.shape\n",
                   "    kh, kw = k.shape\n    k = k.flip(0, 1)\n")],
        "mistake": "Flips the kernel, computing a true convolution instead of the cross-correlation asked for: "
                   "right for kernels symmetric under a 180-degree rotation, wrong (same shape) for the others.",
        "cause": "SciPy habit: scipy.signal.convolve2d (like MATLAB conv2) flips the kernel, and the learner "
                 "takes 'convolution layer' literally.",
        "fix": "Do not flip: Y[i, j] = sum of X[i + a, j + b] * K[a, b] with K as given.",
        "habit": "SciPy",
        "callee_of": None,
    },
    {
        "topic": "cnn",
        "exercise": "max_pool2d",
        "edits": [("    stride = stride or kernel_size\n    windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)   # (N, C, Ho, Wo, k, k)\n    return windows.flatten(-2).amax(dim=-1)",
                   "    n, c, h, w = x.shape\n    k = kernel_size\n    return x[:, :, :h // k * k, :w // k * k].reshape(n, c, h // k, k, w // k, k).amax(dim=(3, 5))")],
        "mistake": "Pools non-overlapping k x k blocks and ignores stride: right for the default "
                   "(stride = kernel_size, odd sizes included), wrong shape and values for any other stride.",
        "cause": "NumPy habit: the block-reduce idiom `a.reshape(h//k, k, w//k, k).max(axis=(1, 3))` for "
                 "pooling; the learner forgets that it only covers stride == kernel_size.",
        "fix": "Take windows with the stride (`x.unfold(2, k, s).unfold(3, k, s)`) and reduce over the last two "
               "dims, with s = stride or kernel_size.",
        "habit": "NumPy",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ inception
    {
        "topic": "inception",
        "exercise": "InceptionA",
        "edits": [("        bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))",
                   "        bpool = F.avg_pool2d(self.branch_pool(x), 3, stride=1, padding=1)")],
        "mistake": "The pool branch applies the 1x1 conv before the average pooling: identical inside the image, "
                   "but on the border the zero padding also averages the conv's bias away, so the 24 pool "
                   "channels are off by bias*(1 - valid/9) along the edges; GoogLeNetMini's logits change too.",
        "cause": "Believes a 1x1 conv and average pooling commute because both are linear (and conv first looks "
                 "cheaper); they do not with a bias and zero padding.",
        "fix": "Pool first, then the 1x1 conv: `self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))`.",
        "habit": None,
        "callee_of": "GoogLeNetMini",
    },
    {
        "topic": "inception",
        "exercise": "conv_mults",
        "edits": [("import torch\nimport torch.nn.functional as F\n",
                   "import math\n\nimport torch\nimport torch.nn.functional as F\n"),
                  ("    return k * k * c_in * c_out * h * w",
                   "    return math.pow(k, 2) * c_in * c_out * h * w")],
        "mistake": "Returns a float, not an int: 120422400.0 == 120422400 so the lecture's example looks right, "
                   "but the type is wrong and counts beyond 2**53 are rounded.",
        "cause": "C/C++ habit of writing squares as pow(k, 2); math.pow, like C's pow, works in double precision.",
        "fix": "Integer arithmetic: `k * k * c_in * c_out * h * w`.",
        "habit": "C/C++",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ resnet
    {
        "topic": "resnet",
        "exercise": "BasicBlock",
        "edits": [("        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)\n",
                   "        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)\n"),
                  ("        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)\n",
                   "        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)\n")],
        "mistake": "The two main-path convolutions keep their bias: in train mode BatchNorm subtracts the batch "
                   "mean and the output is the same, but in eval mode the bias passes through the running "
                   "statistics and the output differs (SmallResNet's eval logits too); the block has two extra "
                   "parameters.",
        "cause": "Believes the bias is harmless (or forgets nn.Conv2d's default bias=True) because BatchNorm "
                 "follows; it only cancels with batch statistics. Looks like a running-stats bug.",
        "fix": "`nn.Conv2d(..., bias=False)` for conv1 and conv2, as the docstring says.",
        "habit": None,
        "callee_of": "SmallResNet",
    },
    {
        "topic": "resnet",
        "exercise": "batch_norm",
        "edits": [("    if training:\n        mean = x.mean(dim=dims)\n        var = x.var(dim=dims, unbiased=False)\n        count = x.numel() // x.shape[1]\n        with torch.no_grad():\n",
                   "    if training:\n        with torch.no_grad():\n            mean = x.mean(dim=dims)\n            var = x.var(dim=dims, unbiased=False)\n            count = x.numel() // x.shape[1]\n")],
        "mistake": "The batch mean and variance are computed under torch.no_grad(): y and the running stats are "
                   "right, the gradients w.r.t. gamma and beta are right, but the gradient w.r.t. x misses the "
                   "paths through the batch statistics.",
        "cause": "Groups 'all the statistics' under no_grad because the running-stat update must not be tracked, "
                 "not seeing that the batch statistics used to normalise are part of the function of x.",
        "fix": "Compute mean and var with grad enabled; wrap only the in-place running_mean/running_var update "
               "in torch.no_grad().",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "resnet",
        "exercise": "ResidualBlock",
        "edits": [("        return F.relu(x + self.conv2(F.relu(self.conv1(x))))",
                   "        x += self.conv2(F.relu(self.conv1(x)))\n        return F.relu(x)")],
        "mistake": "Adds the residual into the caller's x in place: without grad the input tensor is silently "
                   "overwritten; with grad, backward fails (x was saved by conv1) or the forward fails outright "
                   "for a leaf input that requires grad.",
        "cause": "Lua Torch7 habit of in-place residual adds (nn.CAddTable(true)) to save memory, reinforced by "
                 "the notes' 节省内存 advice; in PyTorch the in-place add hits a tensor autograd still needs.",
        "fix": "Out of place: `return F.relu(x + self.conv2(F.relu(self.conv1(x))))` (or add into the conv "
               "output: `out = self.conv2(...); out += x`).",
        "habit": "Lua Torch7",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ rnn
    {
        "topic": "rnn",
        "exercise": "rnn_cell",
        "edits": [("    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)",
                   "    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh + b_hh)")],
        "mistake": "Uses h @ W_hh instead of h @ W_hh^T: the shape is always right (W_hh is square) and the "
                   "result is exact when h = 0, so rnn_forward's first step matches nn.RNN and every later step "
                   "drifts, which looks like a hidden-state bug in rnn_forward.",
        "cause": "Julia habit: Flux writes the cell column-major as Wi*x .+ Wh*h; transliterating it to "
                 "batch-as-rows, the learner added .T only where a shape error forced it (the non-square W_ih).",
        "fix": "Transpose both weights: `h @ w_hh.T`.",
        "habit": "Julia",
        "callee_of": "rnn_forward",
    },
    {
        "topic": "rnn",
        "exercise": "encode_chars",
        "edits": [("    position = {c: i for i, c in enumerate(vocab)}",
                   "    position = {c: i for i, c in enumerate(sorted(vocab))}")],
        "mistake": "Indexes characters by their rank in the sorted vocabulary instead of their position in "
                   "vocab: right for the docstring's already-sorted 'ehlo', wrong for any unsorted vocabulary.",
        "cause": "scikit-learn habit: LabelEncoder (and np.unique) number the classes in sorted order; the "
                 "learner re-sorts the vocabulary 'to be safe'.",
        "fix": "Use vocab's own order: `{c: i for i, c in enumerate(vocab)}`.",
        "habit": "scikit-learn",
        "callee_of": None,
    },
]
