"""Set s34: 30 learner mistakes, each a literal edit of the reference solutions/<topic>.py.

Every entry breaks exactly one exercise. `make.py` applies the edits and writes the files and
labels.json; `prove.py` shows, in plain torch, that each edited exercise misbehaves.
"""

E = [
    # ------------------------------------------------------------------ tensors
    {
        "topic": "tensors",
        "exercise": "add_into",
        "edits": [("    z[:] = x + y\n    return z", "    z.data = x + y\n    return z")],
        "mistake": "Swaps z's storage instead of writing into it: the returned z has the right values, but "
                   "z.data_ptr() changes, and when z is a view (a row of a larger buffer) the buffer never "
                   "receives x + y.",
        "cause": "0.3-era PyTorch code assigned to `.data` to replace a Variable's contents; the learner "
                 "believes `z.data = ...` writes into z's existing memory.",
        "fix": "`z[:] = x + y` (or `z.copy_(x + y)`, `torch.add(x, y, out=z)`).",
        "habit": "old PyTorch (0.3)",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "row_normalize",
        "edits": [("    return x / x.sum(dim=1, keepdim=True)", "    return x / x.sum(dim=1)")],
        "mistake": "Divides by the (n,) row sums, which broadcast along the last axis: for a square x "
                   "column j is divided by row j's sum, so rows do not sum to 1; for n != d it raises a "
                   "broadcasting error.",
        "cause": "In Lua Torch7 `x:sum(2)` keeps the reduced dimension (an n x 1 result), so the learner "
                 "expects `x.sum(dim=1)` to be a column that divides each row.",
        "fix": "`x / x.sum(dim=1, keepdim=True)`.",
        "habit": "Lua Torch7",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "fill_nan_with_column_mean",
        "edits": [("    return torch.where(missing, means.expand_as(x), x)",
                   "    x[missing] = means.expand_as(x)[missing]\n    return x")],
        "mistake": "Fills the NaNs inside the caller's tensor and returns it: the values are right, but x "
                   "itself is modified (its NaNs are gone) and the result is x, not a new tensor.",
        "cause": "pandas habit of repairing the frame in place (`df.fillna(df.mean(), inplace=True)`, "
                 "`df.loc[mask, col] = ...`): filling missing values is seen as editing the data.",
        "fix": "Return a new tensor: `torch.where(missing, means.expand_as(x), x)` (or fill a clone).",
        "habit": "pandas",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "flatten_batch",
        "edits": [("    return x.view(x.shape[0], -1)", "    return x.reshape(-1, x.shape[0]).T")],
        "mistake": "Right shape (N, C*H*W), but for N > 1 each row mixes elements of different samples "
                   "(row-major data regrouped as if column-major); correct only for N = 1.",
        "cause": "Julia/Flux habit: arrays are column-major with the batch last (WHCN), so `reshape(x, :, N)` "
                 "gives features x batch; the learner writes that reshape and transposes to put the batch "
                 "first, not knowing torch reshapes in row-major order.",
        "fix": "`x.view(x.shape[0], -1)` (or `x.flatten(1)`).",
        "habit": "Julia",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ autograd
    {
        "topic": "autograd",
        "exercise": "grad_of_vector_fn",
        "edits": [("    copy = x.detach().clone().requires_grad_(True)\n"
                   "    (grad,) = torch.autograd.grad(f(copy).sum(), copy)\n"
                   "    return grad",
                   "    copy = x.clone().requires_grad_(True)\n"
                   "    f(copy).sum().backward()\n"
                   "    return copy.grad")],
        "mistake": "When x already requires grad, `x.clone()` stays in x's graph: the copy is a non-leaf, "
                   "`copy.grad` is None (and is returned), and backward accumulates the gradient into the "
                   "caller's x.grad. Correct only when x does not require grad.",
        "cause": "NumPy habit: `a.copy()` is a fully independent array, so `clone()` is believed to cut the "
                 "autograd history as well.",
        "fix": "`copy = x.detach().clone().requires_grad_(True)`, then `torch.autograd.grad` (or backward "
               "and `copy.grad`).",
        "habit": "NumPy",
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "Sigmoid",
        "edits": [("        ctx.save_for_backward(out)", "        ctx.save_for_backward(x)"),
                  ("        (out,) = ctx.saved_tensors\n        return grad_output * out * (1 - out)",
                   "        (x,) = ctx.saved_tensors\n        e = torch.exp(-x)\n"
                   "        return grad_output * e / (1 + e) ** 2")],
        "mistake": "Forward values are right, but backward uses the textbook e^(-x)/(1+e^(-x))^2 of the saved "
                   "INPUT: for x <= -89 in float32 (<= -710 in float64) e^(-x) overflows and the gradient "
                   "is NaN instead of ~0; the output is not what is saved for backward.",
        "cause": "Copies sigma'(x) from a derivative table and thinks backward needs x; the stability care of "
                 "forward is not carried into backward.",
        "fix": "Save `out` in forward; backward returns `grad_output * out * (1 - out)`.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "numerical_grad",
        "edits": [("    grad = torch.zeros_like(x)", "    grad = torch.zeros(x.shape)")],
        "mistake": "The gradient buffer is float32 whatever x's dtype: for float64 x the result is float32 "
                   "and every central difference is rounded to ~1e-7 relative.",
        "cause": "MATLAB/Octave habit: `zeros(size(x))` is double precision by default, so no type is "
                 "passed; torch.zeros defaults to float32.",
        "fix": "`torch.zeros_like(x)` (or pass dtype=x.dtype, device=x.device).",
        "habit": "MATLAB/Octave",
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "Value",
        "edits": [("        self.data = float(data)", "        self.data = data")],
        "mistake": "`Value(2).data` is the int 2, not 2.0, and Values built only from ints keep int data "
                   "(`Value(2) * 3`, `Value(2).relu()`), though the docstring promises a Python float.",
        "cause": "Java habit: assigning an int to a field declared `double` converts it; the learner trusts "
                 "the `data: float` annotation to do the same.",
        "fix": "`self.data = float(data)`.",
        "habit": "Java",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ losses
    {
        "topic": "losses",
        "exercise": "log_softmax",
        "edits": [("    shifted = x - x.amax(dim=dim, keepdim=True).detach()\n    return shifted - shifted.exp()",
                   "    shifted = x - x.max()\n    return shifted - shifted.exp()")],
        "mistake": "Shifts by the global maximum of the whole tensor instead of each slice's maximum along "
                   "dim: a row far below the global max underflows (its exp-sum is 0), and log_softmax gives "
                   "+inf there; cross_entropy on such logits is not finite.",
        "cause": "NumPy habit from the 1-D snippet `f -= np.max(f)`: max without an axis is right for one "
                 "vector, but for a batch it is one shift for all rows.",
        "fix": "`shifted = x - x.amax(dim=dim, keepdim=True)`.",
        "habit": "NumPy",
        "callee_of": "cross_entropy",
    },
    {
        "topic": "losses",
        "exercise": "entropy",
        "edits": [("    return -(p * safe.log()).sum(dim=-1)", "    return -(p * safe.log()).sum(dim=0)")],
        "mistake": "Sums over the first axis: for a batch (n, k) it returns k numbers instead of one entropy "
                   "per row (wrong values when square); correct only for a single 1-D distribution.",
        "cause": "scipy.stats.entropy reduces along axis=0 by default (distributions in columns); the learner "
                 "keeps that convention.",
        "fix": "`.sum(dim=-1)`.",
        "habit": "SciPy",
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "huber",
        "edits": [("    return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()",
                   "    return torch.where(d <= 1, 0.5 * d**2, d - 0.5).mean()")],
        "mistake": "Ignores delta: the switch is always at |d| = 1 with slope 1 (smooth L1, beta = 1), so the "
                   "value equals F.huber_loss only for the default delta = 1.",
        "cause": "The notes say 当真实值和预测值相差的绝对值大于1的时候使用L1loss (use L1 when the difference "
                 "exceeds 1); the learner takes 1 as part of the definition, not as the value of delta.",
        "fix": "`torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()`.",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "bce",
        "edits": [("    return -(y * log_p + (1 - y) * log_not_p).mean()",
                   "    return -torch.where(y == 1, log_p, log_not_p).mean()")],
        "mistake": "Picks log p where y == 1 and log(1 - p) elsewhere: soft labels (y = 0.3) count as 0, so "
                   "the value is wrong for soft labels and nothing depends on y; right for hard 0/1 labels.",
        "cause": "Reads BCE as 'minus the log-probability of the true class' (as when indexing for "
                 "cross-entropy) and overlooks the docstring's soft labels.",
        "fix": "`-(y * log_p + (1 - y) * log_not_p).mean()`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ optim
    {
        "topic": "optim",
        "exercise": "SGD",
        "edits": [("                g = p.grad + group[\"weight_decay\"] * p if group[\"weight_decay\"] else p.grad\n"
                   "                if group[\"momentum\"]:",
                   "                g = (p.grad + group[\"weight_decay\"] * p if group[\"weight_decay\"] else p.grad) * group[\"lr\"]\n"
                   "                if group[\"momentum\"]:"),
                  ("                p.add_(g, alpha=-group[\"lr\"])", "                p.sub_(g)")],
        "mistake": "Folds lr into the momentum buffer (b <- m*b + lr*g, p <- p - b): with a constant lr the "
                   "trajectory matches torch, but the stored momentum_buffer is lr times torch's, and after "
                   "the lr is changed (a scheduler, a param-group edit) the old velocity keeps the old lr, so "
                   "the steps differ from torch.optim.SGD.",
        "cause": "Caffe's SGDSolver keeps history = momentum*history + local_rate*diff and subtracts the "
                 "history; the learner takes it for the same update.",
        "fix": "Keep lr outside the buffer: b <- momentum*b + (1 - dampening)*g, then `p.add_(g, alpha=-lr)`.",
        "habit": "Caffe",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "Adam",
        "edits": [("            beta1, beta2 = group[\"betas\"]\n",
                   "            beta1, beta2 = group[\"betas\"]\n"
                   "            group[\"t\"] = group.get(\"t\", 0) + 1\n"),
                  ("                m_hat = state[\"m\"] / (1 - beta1 ** state[\"step\"])\n"
                   "                v_hat = state[\"v\"] / (1 - beta2 ** state[\"step\"])",
                   "                m_hat = state[\"m\"] / (1 - beta1 ** group[\"t\"])\n"
                   "                v_hat = state[\"v\"] / (1 - beta2 ** group[\"t\"])")],
        "mistake": "Bias correction uses one step counter per param group, advanced on every step() call, not "
                   "each parameter's own t: a parameter that had no gradient in earlier steps (frozen, unused "
                   "branch) gets its first update with t > 1 and a wrong step size.",
        "cause": "JAX/optax habit: ScaleByAdamState keeps a single `count` for the whole parameter tree, so "
                 "the learner keeps one global step.",
        "fix": "Count steps per parameter in self.state[p] and use that t in 1 - beta1^t and 1 - beta2^t.",
        "habit": "JAX",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "minibatch_indices",
        "edits": [("    yield from order.split(batch_size)",
                   "    for i in range(n // batch_size):\n"
                   "        yield order[i * batch_size:(i + 1) * batch_size]")],
        "mistake": "Yields only n // batch_size full batches: when batch_size does not divide n, the last "
                   "n % batch_size samples are never yielded (and for n < batch_size nothing at all).",
        "cause": "C habit: the batch count is `n / batch_size` in integer arithmetic, a floor; the partial "
                 "last batch is forgotten.",
        "fix": "`yield from order.split(batch_size)` (or loop over `range(0, n, batch_size)`).",
        "habit": "C",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "DiabetesDataset",
        "edits": [("        self.labels = torch.from_numpy(table[:, [-1]])",
                   "        self.labels = torch.from_numpy(table[:, -1])")],
        "mistake": "Each label is 0-dim instead of shape (1,): `ds[i][1].shape` is (), and a DataLoader batch "
                   "of labels is (n,) instead of (n, 1), which broadcasts against the model's (n, 1) output.",
        "cause": "The notes gloss `[-1]` only as 'the last one' ([-1]表示读出来的是最后一行矩阵); the learner "
                 "takes `-1` and `[-1]` as the same selection and drops the brackets.",
        "fix": "`table[:, [-1]]` (or `table[:, -1:]`).",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ mlp
    {
        "topic": "mlp",
        "exercise": "relu",
        "edits": [("    return torch.where(x > 0, x, torch.zeros_like(x))", "    return x * (x > 0).float()")],
        "mistake": "Values are right, but the mask is float32, so float16 (or bfloat16) inputs are promoted: "
                   "relu, and hard_sigmoid_from_relus built on it, return float32 for half-precision x.",
        "cause": "In PyTorch 0.3 a ByteTensor mask could not multiply a FloatTensor, so `(x > 0).float()` "
                 "was the idiom; with type promotion it now up-casts half inputs.",
        "fix": "`torch.where(x > 0, x, torch.zeros_like(x))` or `x * (x > 0).to(x.dtype)`.",
        "habit": "old PyTorch (0.3)",
        "callee_of": "hard_sigmoid_from_relus",
    },
    {
        "topic": "mlp",
        "exercise": "dropout",
        "edits": [("    keep = (torch.rand_like(x) > p).to(x.dtype)",
                   "    key = torch.Generator(device=x.device).manual_seed(0)\n"
                   "    keep = (torch.rand(x.shape, generator=key, device=x.device) > p).to(x.dtype)")],
        "mistake": "Draws the mask from a fresh generator seeded 0 on every call: every call drops the same "
                   "positions, and the output ignores torch.manual_seed.",
        "cause": "JAX habit: randomness comes from an explicit key, and the learner makes the key "
                 "(PRNGKey(0)) inside the function instead of using torch's global RNG.",
        "fix": "`keep = (torch.rand_like(x) > p).to(x.dtype)`.",
        "habit": "JAX",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "xavier_uniform_",
        "edits": [("    receptive = math.prod(tensor.shape[2:])\n"
                   "    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive",
                   "    receptive = math.prod(tensor.shape[:-2])\n"
                   "    fan_in, fan_out = tensor.shape[-2] * receptive, tensor.shape[-1] * receptive")],
        "mistake": "Fans read as for a (kh, kw, in, out) kernel: right for a linear weight (the sum "
                   "fan_in + fan_out is symmetric), but for a conv weight (out, in, kh, kw) the bound uses "
                   "(kh + kw)*out*in instead of (in + out)*kh*kw, so the values are far too small.",
        "cause": "Keras/TensorFlow stores conv kernels as HWIO (kh, kw, in, out) and glorot_uniform takes the "
                 "fans from the last two axes; the learner applies that rule to torch's OIHW weights.",
        "fix": "receptive = prod(shape[2:]); fan_in = shape[1]*receptive; fan_out = shape[0]*receptive.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "train_epoch",
        "edits": [("    model.train()\n    total, count = 0.0, 0", "    total, count = 0.0, 0")],
        "mistake": "Never calls model.train(): after an evaluate() (or any eval()) the epoch trains with "
                   "dropout off and batch norm frozen, and the model is still in eval mode on return.",
        "cause": "Keras habit: model.fit() sets the training flag itself, so the learner never switches "
                 "modes by hand.",
        "fix": "Call `model.train()` at the start of train_epoch.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ cnn
    {
        "topic": "cnn",
        "exercise": "conv_output_size",
        "edits": [("import torch\n", "import math\n\nimport torch\n"),
                  ("    return (n + 2 * padding - k) // stride + 1",
                   "    return math.ceil((n + 2 * padding - k) / stride) + 1")],
        "mistake": "Rounds up: when stride does not divide n + 2p - k the size is one too big "
                   "(conv_output_size(6, 3, 0, 2) is 3, not 2), so conv2d's final reshape raises for such "
                   "inputs.",
        "cause": "Caffe's pooling layer computes its output size with ceil; the learner uses that rule for "
                 "the convolution formula too.",
        "fix": "`(n + 2 * padding - k) // stride + 1`.",
        "habit": "Caffe",
        "callee_of": "conv2d",
    },
    {
        "topic": "cnn",
        "exercise": "corr2d",
        "edits": [("    rows = [torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw + 1)])\n"
                   "            for i in range(x.shape[0] - kh + 1)]\n"
                   "    return torch.stack(rows)",
                   "    rows = [[(x[i:i + kh, j:j + kw] * k).sum().item() for j in range(x.shape[1] - kw + 1)]\n"
                   "            for i in range(x.shape[0] - kh + 1)]\n"
                   "    return torch.tensor(rows)")],
        "mistake": "Builds the output from Python numbers with torch.tensor: values are right (to float32), but "
                   "the result is a new leaf with no graph, so no gradient reaches x or k, and a float64 input "
                   "gives a float32 output.",
        "cause": "Thinks of the output as a matrix to fill with numbers and assumes torch.tensor(...) of "
                 "computed values keeps their history and dtype.",
        "fix": "Keep tensors: `torch.stack` the 0-dim sums (or write them into a zeros tensor of x's dtype).",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "cnn",
        "exercise": "SimpleCNN",
        "edits": [("        return self.classifier(self.features(x).flatten(1))",
                   "        return self.classifier(self.features(x).squeeze())")],
        "mistake": "Squeezes the (n, 32, 1, 1) pooled features: for a batch of one the batch axis goes too, "
                   "and forward returns (num_classes,) instead of (1, num_classes).",
        "cause": "MATLAB habit: squeeze is the reflex for dropping singleton dimensions, without thinking "
                 "that n itself may be 1.",
        "fix": "`.flatten(1)`.",
        "habit": "MATLAB/Octave",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ inception
    {
        "topic": "inception",
        "exercise": "InceptionA",
        "edits": [("        return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)",
                   "        return F.relu(torch.cat([b1x1, b5x5, b3x3, bpool], dim=1))")],
        "mistake": "Applies a ReLU to the concatenated branches: the shape (N, 88, H, W) is right, but negative "
                   "outputs are zeroed although the module has no activation inside; GoogLeNetMini's logits "
                   "change with it.",
        "cause": "Caffe's GoogLeNet prototxt follows each branch convolution with a ReLU layer "
                 "(inception_3a/relu_1x1, ...), so the learner assumes an inception block ends in ReLU.",
        "fix": "Return the plain concatenation `torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)`.",
        "habit": "Caffe",
        "callee_of": "GoogLeNetMini",
    },
    {
        "topic": "inception",
        "exercise": "conv_mults",
        "edits": [("import torch\n", "import math\n\nimport torch\n"),
                  ("    return k * k * c_in * c_out * h * w", "    return math.pow(k, 2) * c_in * c_out * h * w")],
        "mistake": "Returns a float (120422400.0 for the lecture's example), not an int, and beyond 2**53 the "
                   "count is no longer exact.",
        "cause": "Java habit: a square is Math.pow(k, 2), which returns a double.",
        "fix": "`k * k * c_in * c_out * h * w` (or `k ** 2 * ...`).",
        "habit": "Java",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ resnet
    {
        "topic": "resnet",
        "exercise": "BasicBlock",
        "edits": [("            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),\n"
                   "                                          nn.BatchNorm2d(out_channels))",
                   "            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)")],
        "mistake": "The projection shortcut is a bare 1x1 convolution without its BatchNorm2d: shapes are "
                   "right, but wherever the shortcut projects (stride != 1 or channels change) the output "
                   "differs, and so does SmallResNet's, whose second block projects.",
        "cause": "Follows the ResNet paper's wording 'projection shortcuts by 1x1 convolutions' and thinks of "
                 "BatchNorm as part of the main path only.",
        "fix": "`nn.Sequential(nn.Conv2d(in, out, 1, stride=stride, bias=False), nn.BatchNorm2d(out))`.",
        "habit": None,
        "callee_of": "SmallResNet",
    },
    {
        "topic": "resnet",
        "exercise": "batch_norm",
        "edits": [("            running_mean.mul_(1 - momentum).add_(momentum * mean)\n"
                   "            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))",
                   "            running_mean = (1 - momentum) * running_mean + momentum * mean\n"
                   "            running_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)")],
        "mistake": "Rebinds local names instead of updating the buffers: y is right, but the caller's "
                   "running_mean and running_var are unchanged after a training call, so eval mode later uses "
                   "stale statistics.",
        "cause": "R habit (copy-on-modify): a function never changes its arguments, it computes new values; "
                 "the docstring's IN PLACE is read as 'update the statistics'.",
        "fix": "`running_mean.mul_(1 - momentum).add_(momentum * mean)` and likewise for running_var.",
        "habit": "R",
        "callee_of": None,
    },
    {
        "topic": "resnet",
        "exercise": "ResidualBlock",
        "edits": [("        return F.relu(x + self.conv2(F.relu(self.conv1(x))))",
                   "        return x + F.relu(self.conv2(F.relu(self.conv1(x))))")],
        "mistake": "ReLU after conv2 and none after the sum: the output is x + relu(F(x)) instead of "
                   "relu(x + F(x)), so negative inputs pass through the skip and outputs can be negative.",
        "cause": "The notes describe the block as 两个卷积层，每个卷积层后面跟着批量归一化和 ReLU 激活函数, then "
                 "the skip is added: read as 'every conv is followed by ReLU, then add x'.",
        "fix": "`F.relu(x + self.conv2(F.relu(self.conv1(x))))`.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ rnn
    {
        "topic": "rnn",
        "exercise": "rnn_cell",
        "edits": [("    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)",
                   "    h[:] = torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)\n    return h")],
        "mistake": "Writes h' into the caller's h and returns that same tensor: one call has the right values "
                   "but overwrites h; in rnn_forward (h starts as a view of h0) every step returns the same "
                   "tensor, so output holds the last hidden state at every step, upper layers read that, and "
                   "h0 is overwritten (a raise when h0 requires grad).",
        "cause": "C habit of updating a state buffer in place (helped by the notes' 节省内存 `Z[:] = X + Y`): "
                 "the hidden state is 'updated' rather than a new one returned.",
        "fix": "`return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)` (a new tensor).",
        "habit": "C",
        "callee_of": "rnn_forward",
    },
    {
        "topic": "rnn",
        "exercise": "HelloRNN",
        "edits": [("            x = nn.functional.one_hot(idx, self.vocab_size).float()",
                   "            x = torch.eye(self.vocab_size)[idx]")],
        "mistake": "One-hot rows come from an identity matrix made on the CPU: fine on the CPU, but with the "
                   "model and idx on another device the one-hot input stays on the CPU and forward fails.",
        "cause": "CuPy habit: `cp.eye(n)` is allocated on the current GPU, so constructors need no device; "
                 "torch.eye defaults to the CPU.",
        "fix": "`F.one_hot(idx, self.vocab_size).float()` or `torch.eye(self.vocab_size, device=idx.device)[idx]`.",
        "habit": "CuPy",
        "callee_of": None,
    },
]
