"""Set s35: thirty realistic learner mistakes, each a small literal edit of one reference module.

Every entry of E turns solutions/<topic>.py into a module where exactly one exercise is wrong.
"""

E = [
    # ------------------------------------------------------------------ tensors (4)
    {
        "topic": "tensors",
        "exercise": "add_into",
        "edits": [("    z[:] = x + y\n", "    z.data = x + y\n")],
        "mistake": "z ends up holding x + y, but in a NEW storage: z.data_ptr() changes, and any view of z "
                   "taken before the call (or the caller's alias of the old storage) never sees the sum.",
        "cause": "Old-PyTorch (0.3, Variable era) habit, also the lecture's `w.data = w.data - lr * w.grad.data`: "
                 "assigning to `.data` looks like writing into the tensor, but it rebinds the tensor to a new buffer.",
        "fix": "Write into the existing memory: `z[:] = x + y` (or `torch.add(x, y, out=z)` / `z.copy_(x + y)`).",
        "habit": "old PyTorch",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "row_normalize",
        "edits": [("    return x / x.sum(dim=1, keepdim=True)\n", "    return x / x.sum(dim=1)\n")],
        "mistake": "For a square x (n == d) it silently divides column j by the sum of row j, so rows do not "
                   "sum to 1; for n != d it raises a broadcasting error.",
        "cause": "R habit: `x / rowSums(x)` is right in R because R recycles the vector down the columns "
                 "(column-major); torch broadcasts a (n,) vector along the LAST axis instead.",
        "fix": "Keep the reduced axis so it broadcasts per row: `x / x.sum(dim=1, keepdim=True)`.",
        "habit": "R",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "fill_nan_with_column_mean",
        "edits": [("    return torch.where(missing, means.expand_as(x), x)\n",
                   "    x[missing] = means.expand_as(x)[missing]\n    return x\n")],
        "mistake": "The returned values are right, but the function writes them into the caller's x: the input "
                   "loses its NaNs, and the result is x itself rather than a new tensor.",
        "cause": "pandas habit `df.fillna(df.mean(), inplace=True)`: filling missing values in place is the "
                 "idiom there, and the learner did not register the docstring's 'x itself is unchanged'.",
        "fix": "Build a new tensor: `return torch.where(missing, means.expand_as(x), x)` (or fill a clone).",
        "habit": "pandas",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "norms",
        "edits": [("    return x.abs().sum(), (x * x).sum().sqrt()\n",
                   "    return x.abs().sum(dim=0).max(), (x * x).sum().sqrt()\n")],
        "mistake": "For a 1-D x the L1 norm is right, but for a matrix (or any x with more than one dim) it returns "
                   "the largest absolute column sum instead of the sum of all |x_i| (e.g. 6 instead of 10 for [[1,-2],[3,4]]).",
        "cause": "MATLAB/Octave habit: `norm(A, 1)` of a matrix is the induced 1-norm, the maximum absolute column "
                 "sum; the learner reproduced it, although the docstring asks for the entrywise Σ|x_i|.",
        "fix": "Sum over every element: `x.abs().sum()`.",
        "habit": "MATLAB/Octave",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ autograd (3)
    {
        "topic": "autograd",
        "exercise": "numerical_grad",
        "edits": [("            x[i] = original - eps\n            minus = float(f(x))\n            x[i] = original\n",
                   "            x[i] -= 2 * eps\n            minus = float(f(x))\n            x[i] += eps\n")],
        "mistake": "After the call x is not restored bit for bit: stepping back by 2ε and forward by ε in x's own "
                   "dtype rounds twice, so for ordinary inputs (randn) a third to four fifths of the elements come "
                   "back off by an ulp, in float32 and float64 alike (the gradient itself looks fine).",
        "cause": "A tidy 'in-place' rewrite: moving x_i relative to where it is (−2ε, then +ε) looks equivalent to "
                 "writing original ± ε, but floating-point addition is not invertible.",
        "fix": "Write the exact values from the saved original: `x[i] = original - eps` and finally `x[i] = original`.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "Sigmoid",
        "edits": [("        return grad_output * out * (1 - out)\n", "        return out * (1 - out)\n")],
        "mistake": "backward returns σ'(x) and drops grad_output: the gradient is right only when the upstream "
                   "gradient is all ones (a plain `.sum().backward()`), wrong for `(3 * Sigmoid.apply(x)).sum()`, a "
                   "weighted sum or any later layer.",
        "cause": "The learner thinks backward should return 'the derivative of the function' (the local derivative, "
                 "as in a micrograd node) rather than the vector-Jacobian product with the incoming gradient.",
        "fix": "Chain the incoming gradient: `return grad_output * out * (1 - out)`.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "Value",
        "edits": [("    def __radd__(self, other: float) -> Value:\n        return self + other\n\n"
                   "    def __rmul__(self, other: float) -> Value:\n        return self * other\n\n"
                   "    def __rsub__(self, other: float) -> Value:\n        return self._wrap(other) - self\n",
                   "    __radd__ = __add__\n    __rmul__ = __mul__\n    __rsub__ = __sub__\n")],
        "mistake": "`1 - a` computes a − 1 (data and gradient have the wrong sign); `a - 1`, `2 * a`, `1 + a` are fine.",
        "cause": "A refactor: aliasing the reflected operators to the plain ones works for + and * (commutative), "
                 "and the learner extended it to − without noticing that __rsub__(a, 1) must mean 1 − a.",
        "fix": "Keep a real reflected subtraction: `def __rsub__(self, other): return self._wrap(other) - self`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ losses (4)
    {
        "topic": "losses",
        "exercise": "log_softmax",
        "edits": [("    shifted = x - x.amax(dim=dim, keepdim=True).detach()\n",
                   "    shifted = x - x.max().detach()\n")],
        "mistake": "Values are right for moderate logits, but when rows have very different scales (one row near "
                   "+1000, another near −1000) every exp of the low row underflows, its sum is 0 and its "
                   "log-probabilities come out as +inf (x − m − log 0); cross_entropy on such a batch returns −inf.",
        "cause": "Reading 'subtract the maximum' as subtracting one number: softmax is invariant to any constant "
                 "shift, so the learner used the tensor's global maximum instead of the maximum along `dim`.",
        "fix": "Shift each slice by its own maximum: `x - x.amax(dim=dim, keepdim=True)`.",
        "habit": None,
        "callee_of": "cross_entropy",
    },
    {
        "topic": "losses",
        "exercise": "bce",
        "edits": [("    log_p = p.log().clamp(min=LOG_FLOOR)\n    log_not_p = (1 - p).log().clamp(min=LOG_FLOOR)\n",
                   "    p = p.clamp(1e-15, 1 - 1e-15)\n    log_p = p.log()\n    log_not_p = (1 - p).log()\n")],
        "mistake": "At saturated probabilities it differs from F.binary_cross_entropy: in float32 1 − 1e-15 rounds to 1, "
                   "so p = 1 with y = 1 gives NaN (0·log 0) and p = 1 with y = 0 gives inf; p = 0 costs 34.5 "
                   "instead of the floored 100.",
        "cause": "scikit-learn habit: `log_loss` clips the probabilities to [eps, 1 − eps] (eps = 1e-15, its long-standing default) instead of "
                 "flooring each log at −100 as torch does.",
        "fix": "Floor the logs, not the probabilities: `p.log().clamp(min=-100)` and `(1 - p).log().clamp(min=-100)`.",
        "habit": "scikit-learn",
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "huber",
        "edits": [("    return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()\n",
                   "    return torch.where(d <= delta, 0.5 * d**2 / delta, d - 0.5 * delta).mean()\n")],
        "mistake": "Equal to F.huber_loss at the default delta = 1 only; for any other delta the loss is divided by "
                   "delta (e.g. delta = 2 gives half the expected value).",
        "cause": "Confuses the Huber loss with the smooth-L1 loss (Fast R-CNN, F.smooth_l1_loss with beta), whose "
                 "pieces 0.5·d²/β and |d| − 0.5·β coincide with Huber only when β = δ = 1.",
        "fix": "Huber keeps the quadratic unscaled and multiplies the linear part: "
               "`torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta))`.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "kl_div",
        "edits": [("    positive = p > 0\n    safe_p",
                   "    if torch.equal(p, q):\n        return torch.zeros(p.shape[:-1])\n    positive = p > 0\n    safe_p")],
        "mistake": "When p equals q the value 0 is right, but it is a new float32 CPU tensor with no graph: float64 "
                   "inputs get a float32 result, CUDA inputs a CPU result, and the gradient w.r.t. q (which is −1 per "
                   "element, not 0) cannot be taken at all.",
        "cause": "An 'optimisation': KL(p‖p) = 0 is a known special case, so the learner short-circuits it, "
                 "forgetting that the result must keep the inputs' dtype, device and differentiability.",
        "fix": "Drop the early return (the general formula already gives 0), or build it from the inputs, "
               "e.g. `(p * 0).sum(dim=-1)`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ optim (4)
    {
        "topic": "optim",
        "exercise": "SGD",
        "edits": [("                g = p.grad + group[\"weight_decay\"] * p if group[\"weight_decay\"] else p.grad\n"
                   "                if group[\"momentum\"]:\n                    state = self.state[p]\n"
                   "                    if \"momentum_buffer\" not in state:",
                   "                g = p.grad.add_(p, alpha=group[\"weight_decay\"]) if group[\"weight_decay\"] else p.grad\n"
                   "                if group[\"momentum\"]:\n                    state = self.state[p]\n"
                   "                    if \"momentum_buffer\" not in state:")],
        "mistake": "With weight_decay > 0 each step adds weight_decay·p into p.grad itself: after step() the "
                   "parameters' .grad no longer hold the loss gradient, and when gradients are accumulated over "
                   "steps without zero_grad the decay is counted again and again (trajectory leaves torch.optim.SGD's).",
        "cause": "A micro-optimisation: the in-place `add_` saves allocating a tensor per parameter, and with a "
                 "zero_grad every step the parameters still match torch, so the side effect goes unnoticed.",
        "fix": "Out of place: `g = p.grad + group['weight_decay'] * p` (or `p.grad.add(p, alpha=wd)`).",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "Adam",
        "edits": [("            beta1, beta2 = group[\"betas\"]\n",
                   "            beta1, beta2 = group[\"betas\"]\n            group[\"step\"] = group.get(\"step\", 0) + 1\n"),
                  ("                state[\"step\"] += 1\n", "                state[\"step\"] = group[\"step\"]\n")],
        "mistake": "The step count t used for bias correction is the optimizer's number of step() calls, not the "
                   "parameter's own: a parameter that first receives a gradient at call 3 is corrected with t = 3 "
                   "instead of 1, so its update (and stored 'step') differ from torch.optim.Adam.",
        "cause": "Keras/TensorFlow habit: Keras optimizers keep one `iterations` counter for all variables (TF1's "
                 "Adam one shared beta1_power); torch keeps t per parameter in self.state[p].",
        "fix": "Count per parameter: `state['step'] += 1` and use `state['step']` in the corrections.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "minibatch_indices",
        "edits": [("    yield from order.split(batch_size)\n",
                   "    for b in range(n // batch_size):\n"
                   "        yield order[b * batch_size:(b + 1) * batch_size]\n")],
        "mistake": "When batch_size does not divide n, the last, smaller batch is never produced: n % batch_size "
                   "samples are missing from every epoch (n=10, batch_size=4 yields only 8 indices).",
        "cause": "Java/C loop habit `for (int b = 0; b < n / batchSize; b++)`: the integer division truncates, and "
                 "the learner carried the loop bound over as `n // batch_size`.",
        "fix": "Round up (`range(-(-n // batch_size))`, the slice clips), or simply `yield from order.split(batch_size)`.",
        "habit": "Java",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "DiabetesDataset",
        "edits": [("        table = np.loadtxt(path, delimiter=\",\", dtype=np.float32)\n",
                   "        table = np.loadtxt(path, delimiter=\",\")\n")],
        "mistake": "Rows, shapes and values are right, but features and labels are float64 instead of float32; a "
                   "float32 model fed from a DataLoader over it fails with a dtype mismatch.",
        "cause": "NumPy habit: NumPy computes in float64 by default, and the learner dropped the `dtype=` of the "
                 "docstring's call as noise, not knowing torch.from_numpy keeps NumPy's dtype.",
        "fix": "Read as float32: `np.loadtxt(path, delimiter=',', dtype=np.float32)` (or `.float()` the tensors).",
        "habit": "NumPy",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ mlp (3)
    {
        "topic": "mlp",
        "exercise": "relu",
        "edits": [("    return torch.where(x > 0, x, torch.zeros_like(x))\n",
                   "    return torch.where(x > 0, x, torch.zeros(x.shape))\n")],
        "mistake": "The zeros are a float32 CPU tensor: a float16 input comes back float32, and a CUDA input fails "
                   "with a device mismatch; hard_sigmoid_from_relus, built on relu, inherits both.",
        "cause": "CuPy habit: `cupy.zeros(shape)` lands on the current GPU next to the data, so a shape-only "
                 "constructor never needed a device or dtype; torch.zeros(shape) is float32 on the CPU.",
        "fix": "Create the zeros like x: `torch.zeros_like(x)` (or `x.new_zeros(x.shape)`).",
        "habit": "CuPy",
        "callee_of": "hard_sigmoid_from_relus",
    },
    {
        "topic": "mlp",
        "exercise": "dropout",
        "edits": [("    keep = (torch.rand_like(x) > p).to(x.dtype)\n",
                   "    key = torch.Generator().manual_seed(0)\n"
                   "    keep = (torch.rand(x.shape, generator=key) > p).to(x.dtype)\n")],
        "mistake": "Every call drops the same elements: the mask ignores torch.manual_seed and repeats from call to "
                   "call (and is made on the CPU, so a CUDA x fails).",
        "cause": "JAX habit: randomness comes from an explicit key (`jax.random.PRNGKey(0)`), so the learner builds a "
                 "seeded generator inside the function instead of drawing from torch's global RNG.",
        "fix": "Draw from torch's RNG on x's device: `keep = (torch.rand_like(x) > p).to(x.dtype)`.",
        "habit": "JAX",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "train_epoch",
        "edits": [("    model.train()\n    total, count = 0.0, 0\n", "    total, count = 0.0, 0\n")],
        "mistake": "The model is never put in train mode: after an evaluate() (or a model.eval()) the epoch trains "
                   "with dropout off and BatchNorm on running stats, and model.training stays False.",
        "cause": "JAX/Flax habit: the mode is an argument of each call (`deterministic=` / `train=`), so there is "
                 "no module state to switch and the learner does not call model.train().",
        "fix": "Call `model.train()` at the start of the epoch.",
        "habit": "JAX",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ cnn (3)
    {
        "topic": "cnn",
        "exercise": "conv_output_size",
        "edits": [("import torch\nimport torch.nn.functional as F\n",
                   "import math\n\nimport torch\nimport torch.nn.functional as F\n"),
                  ("    return (n + 2 * padding - k) // stride + 1\n",
                   "    return math.ceil((n + 2 * padding - k) / stride) + 1\n")],
        "mistake": "Rounds up: whenever the stride does not divide n + 2p − k the size is one too large "
                   "(conv_output_size(6, 3, 0, 2) is 3, not 2), so conv2d with such a stride fails to reshape.",
        "cause": "Caffe habit: Caffe's pooling layer computes its output size with ceil (hence torch's "
                 "ceil_mode), and the docstring says 'convolution or pooling'.",
        "fix": "Floor: `(n + 2 * padding - k) // stride + 1`.",
        "habit": "Caffe",
        "callee_of": "conv2d",
    },
    {
        "topic": "cnn",
        "exercise": "corr2d",
        "edits": [("    kh, kw = k.shape\n    rows", "    kh, kw = k.shape\n    k = k.flip(0, 1)\n    rows")],
        "mistake": "Computes a true convolution (kernel rotated by 180°): right for symmetric kernels, wrong for "
                   "any asymmetric one such as [[1, -1]].",
        "cause": "SciPy habit: `scipy.signal.convolve2d` (like MATLAB's conv2) flips the kernel, so 'convolution' "
                 "means flipping to the learner; deep learning's convolution is a cross-correlation.",
        "fix": "Do not flip: Y[i, j] = Σ X[i + a, j + b]·K[a, b].",
        "habit": "SciPy",
        "callee_of": None,
    },
    {
        "topic": "cnn",
        "exercise": "max_pool2d",
        "edits": [("    stride = stride or kernel_size\n",
                   "    if kernel_size == 1:\n        return x\n    stride = stride or kernel_size\n")],
        "mistake": "For kernel_size 1 it returns x unchanged even when a stride > 1 is given, so "
                   "max_pool2d(x, 1, 2) keeps the full H×W instead of subsampling (and returns the input object itself).",
        "cause": "An early return for a 'trivial' case: the max over a 1×1 window is the element itself, so the "
                 "learner skips the work, forgetting that the stride still subsamples.",
        "fix": "Drop the shortcut (or return `x[:, :, ::stride, ::stride]` when kernel_size == 1).",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ inception (3)
    {
        "topic": "inception",
        "exercise": "InceptionA",
        "edits": [("        b5x5 = self.branch5x5_2(self.branch5x5_1(x))\n"
                   "        b3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))\n",
                   "        b5x5 = self.branch5x5_2(F.relu(self.branch5x5_1(x)))\n"
                   "        b3x3 = self.branch3x3_3(F.relu(self.branch3x3_2(F.relu(self.branch3x3_1(x)))))\n")],
        "mistake": "Adds ReLUs between the stacked convolutions of the 5×5 and 3×3 branches, so with the same "
                   "weights the module (and GoogLeNetMini built on it) produces different outputs.",
        "cause": "An 'improvement' from the GoogLeNet paper / d2l code, where every convolution is followed by a "
                 "ReLU and two linear convolutions in a row 'collapse into one'; the lecture's module has no activation inside.",
        "fix": "No activation inside the module: `self.branch5x5_2(self.branch5x5_1(x))`, "
               "`self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))`.",
        "habit": None,
        "callee_of": "GoogLeNetMini",
    },
    {
        "topic": "inception",
        "exercise": "conv_mults",
        "edits": [("import torch\nimport torch.nn.functional as F\n",
                   "import math\n\nimport torch\nimport torch.nn.functional as F\n"),
                  ("    return k * k * c_in * c_out * h * w\n",
                   "    return math.pow(k, 2) * c_in * c_out * h * w\n")],
        "mistake": "Returns a float (120422400.0) instead of an int, and for large products the float loses exact "
                   "integer precision.",
        "cause": "C/C++ habit: squares are written `pow(k, 2)` from <math.h>, which returns a double; Python's "
                 "math.pow does the same.",
        "fix": "Integer arithmetic: `k * k * c_in * c_out * h * w` (or `k ** 2 * ...`).",
        "habit": "C/C++",
        "callee_of": None,
    },
    {
        "topic": "inception",
        "exercise": "GoogLeNetMini",
        "edits": [("        self.fc = nn.Linear(flat, num_classes)\n", "        self.fc = nn.Linear(flat, 10)\n")],
        "mistake": "num_classes is ignored: the network always returns 10 logits, so GoogLeNetMini(num_classes=5) "
                   "outputs (n, 10).",
        "cause": "Copied the lecture's `nn.Linear(1408, 10)` for MNIST and replaced only the hard-coded 1408 by "
                 "the computed size, leaving the lecture's 10 classes.",
        "fix": "`self.fc = nn.Linear(flat, num_classes)`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ resnet (3)
    {
        "topic": "resnet",
        "exercise": "BasicBlock",
        "edits": [("        main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))\n",
                   "        main = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))\n")],
        "mistake": "A ReLU after the second BatchNorm, before the addition: the residual branch can no longer be "
                   "negative, so with the same weights the block and SmallResNet (built from it) give other outputs.",
        "cause": "Misreads the notes' '两个卷积层，每个卷积层后面跟着批量归一化和 ReLU 激活函数' (each conv followed by BN "
                 "and ReLU) as applying to the second conv too; the ReLU belongs after the sum.",
        "fix": "`main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))`, then `F.relu(main + shortcut(x))`.",
        "habit": None,
        "callee_of": "SmallResNet",
    },
    {
        "topic": "resnet",
        "exercise": "batch_norm",
        "edits": [("        var = x.var(dim=dims, unbiased=False)\n", "        var = x.var(dim=dims)\n")],
        "mistake": "Training mode normalises with the unbiased (n − 1) variance, so y is off by a factor "
                   "√((n−1)/n) against F.batch_norm, and running_var receives a doubly corrected variance.",
        "cause": "NumPy habit: `np.var` is the biased (ddof=0) variance by default, so `unbiased=False` looked "
                 "redundant and was removed; torch's var defaults to the unbiased one.",
        "fix": "`x.var(dim=dims, unbiased=False)` (or `correction=0`) for the normalisation.",
        "habit": "NumPy",
        "callee_of": None,
    },
    {
        "topic": "resnet",
        "exercise": "ResidualBlock",
        "edits": [("        return F.relu(x + self.conv2(F.relu(self.conv1(x))))\n",
                   "        x += self.conv2(F.relu(self.conv1(x)))\n        return F.relu(x)\n")],
        "mistake": "The skip addition is done in place on the caller's input: under no_grad the input tensor is "
                   "overwritten with x + F(x); with autograd a leaf input that requires grad raises, and a "
                   "preceding ReLU's saved output is corrupted.",
        "cause": "Applies the notes' 节省内存 advice ('或者类似于X+=Y') to save memory in the block's forward, not "
                 "realising x belongs to the caller.",
        "fix": "Out of place: `return F.relu(x + self.conv2(F.relu(self.conv1(x))))`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ rnn (3)
    {
        "topic": "rnn",
        "exercise": "rnn_cell",
        "edits": [("    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)\n",
                   "    return torch.tanh(x @ w_ih + b_ih + h @ w_hh + b_hh)\n")],
        "mistake": "Multiplies by the weights untransposed: whenever input_size == hidden (and always for w_hh) the "
                   "shapes fit and the result is silently wrong; rnn_forward's deeper layers, whose w_ih is square, "
                   "are always wrong.",
        "cause": "JAX/Flax habit: a Dense kernel is stored (in, out) and applied as `x @ kernel`; torch stores "
                 "weights (out, in) and computes x·Wᵀ.",
        "fix": "`torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)`.",
        "habit": "JAX",
        "callee_of": "rnn_forward",
    },
    {
        "topic": "rnn",
        "exercise": "gru_cell",
        "edits": [("    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)\n"
                   "    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)\n",
                   "    i_z, i_r, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)\n"
                   "    h_z, h_r, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)\n")],
        "mistake": "Reads the fused weights in the order (update, reset, new): the reset and update gates swap "
                   "roles, so h' differs from nn.GRUCell with the same weights.",
        "cause": "Keras/TensorFlow habit: a Keras GRU kernel is laid out [z, r, h] (update gate first); torch's is "
                 "(reset, update, new).",
        "fix": "`i_r, i_z, i_n = ...chunk(3, dim=1)` and `h_r, h_z, h_n = ...chunk(3, dim=1)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "rnn",
        "exercise": "HelloRNN",
        "edits": [("        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)\n",
                   "        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)\n")],
        "mistake": "The (seq_len, batch) input is read batch-first: the RNN recurs over the batch axis, so for "
                   "one sequence every character is processed alone (no memory of earlier ones). Shapes stay right, "
                   "but 'l' cannot map to both 'l' and 'o', and hello → ohlol is not learned.",
        "cause": "Keras/TensorFlow habit: recurrent layers take (batch, time, features), so the learner sets "
                 "batch_first=True by reflex although the docstring says seq-first.",
        "fix": "Seq-first, torch's default: `nn.RNN(embed_dim or vocab_size, hidden_size)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
]
