"""The 30 one-exercise edits: (old, new) string pairs applied to solutions/<topic>.py, plus the labels."""

E = []


def add(topic, exercise, edits, mistake, cause, fix, habit=None, callee_of=None):
    e = dict(topic=topic, exercise=exercise, edits=edits, mistake=mistake, cause=cause, fix=fix)
    if habit:
        e["habit"] = habit
    if callee_of:
        e["callee_of"] = callee_of
    E.append(e)


# ---------------------------------------------------------------- tensors (4)
add("tensors", "add_into",
    [("    z[:] = x + y\n    return z", "    z = x + y\n    return z")],
    "Rebinds the name z to a new tensor x + y instead of writing into z's storage, so the caller's z is unchanged.",
    "JAX habit: arrays are immutable and updates are functional (z = z.at[:].set(x + y) returns a new array), so "
    "returning a fresh result feels equivalent to writing into z.",
    "z[:] = x + y (or torch.add(x, y, out=z)); return z",
    habit="jax")
add("tensors", "row_normalize",
    [("return x / x.sum(dim=1, keepdim=True)", "return x / x.sum(axis=1)")],
    "Drops keepdim, so the (n,) row sums broadcast along the last axis: each COLUMN j is divided by row j's sum "
    "(silently wrong for square x, a shape error otherwise).",
    "NumPy habit: writes x.sum(axis=1) as in NumPy and forgets keepdims=True / keepdim=True; torch accepts the "
    "axis alias, so nothing flags it.",
    "return x / x.sum(dim=1, keepdim=True)",
    habit="numpy")
add("tensors", "one_hot",
    [("return (labels[:, None] == classes[None, :]).float()", "return (labels[:, None] == classes[None, :]).to(float)")],
    "Casts with the Python type float, which torch maps to float64, so the result is float64 instead of the "
    "required float32.",
    "NumPy habit: arr.astype(float) is the usual NumPy cast and gives float64 there, which is NumPy's default; "
    "torch's default float is float32.",
    "return (labels[:, None] == classes[None, :]).float()",
    habit="numpy")
add("tensors", "fill_nan_with_column_mean",
    [("    return torch.where(missing, means.expand_as(x), x)",
      "    filled = x.flatten()\n"
      "    filled[missing.flatten()] = means.expand_as(x).flatten()[missing.flatten()]\n"
      "    return filled.reshape(x.shape)")],
    "Fills the NaNs through x.flatten(), which for a contiguous x is a view, so the caller's x is overwritten "
    "(correct output, but the input is modified; a transposed x happens to be copied).",
    "NumPy habit: ndarray.flatten() always returns a copy in NumPy, whereas torch's flatten returns a view when "
    "it can.",
    "use torch.where(missing, means.expand_as(x), x) (or x.clone() before writing)",
    habit="numpy")

# ---------------------------------------------------------------- autograd (3)
add("autograd", "linear_grad",
    [("return (2 * x * (w * x - y)).mean()", "return 2 * (w * (x * x).mean() - (x * y).mean())")],
    "Uses the expanded form 2·(w·mean(x²) − mean(x·y)), which cancels catastrophically when w·x ≈ y at large |x|.",
    "Misread docstring / algebra habit: simplifying the formula by hand looks cleaner, and the docstring's warning "
    "about the expanded form is skipped.",
    "return (2 * x * (w * x - y)).mean()  # residual first")
add("autograd", "grad_of_vector_fn",
    [("    copy = x.detach().clone().requires_grad_(True)\n    (grad,) = torch.autograd.grad(f(copy).sum(), copy)\n    return grad",
      "    x.requires_grad_(True)\n    f(x).sum().backward()\n    return x.grad")],
    "Turns on requires_grad on the caller's own x and accumulates into x.grad, so the caller's tensor is changed "
    "(and a second call returns the doubled, accumulated gradient).",
    "State slip: the tutorial pattern x.requires_grad_(); y.backward(); x.grad is copied verbatim, ignoring the "
    "contract to work on a detached copy.",
    "copy = x.detach().clone().requires_grad_(True); return torch.autograd.grad(f(copy).sum(), copy)[0]")
add("autograd", "Sigmoid",
    [("        e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))",
      "        out = 1 / (1 + torch.exp(-x))")],
    "Computes σ with the textbook 1/(1 + e^(−x)): e^(−x) overflows to inf below x ≈ −709.8 in float64, so σ "
    "becomes exactly 0 where the true value (≈1e−309 at −710) is a representable subnormal.",
    "Formula slip: the naive formula gives no NaN in the tails, so the learner believes it is already stable and "
    "misses the docstring's float64-tail requirement.",
    "e = torch.exp(-x.abs()); out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))")

# ---------------------------------------------------------------- losses (4)
add("losses", "huber",
    [("    d = (y_hat - y).abs()\n", "    d = y_hat - y\n")],
    "Uses the signed difference d = ŷ − y in the |d| ≤ δ test and in the linear piece, so every large negative "
    "error is treated as quadratic (right only when ŷ ≥ y − δ everywhere).",
    "Misread docstring: 'with d = ŷ − y' is taken literally and the absolute values in |d| ≤ δ and δ·(|d| − δ/2) "
    "are dropped.",
    "d = (y_hat - y).abs()")
add("losses", "bce",
    [("    log_p = p.log().clamp(min=LOG_FLOOR)\n    log_not_p = (1 - p).log().clamp(min=LOG_FLOOR)\n",
      "    p = p.clamp(1e-7, 1 - 1e-7)\n    log_p = p.log()\n    log_not_p = (1 - p).log()\n")],
    "Clips the probabilities to [1e−7, 1 − 1e−7] instead of flooring the logs at −100, so p = 0 or 1 with the "
    "wrong label costs about 16.1 instead of 100, and p below 1e−7 gets zero gradient.",
    "Keras habit: keras.losses.binary_crossentropy clips probabilities with backend.epsilon() = 1e−7; torch's "
    "BCELoss clamps log p at −100.",
    "log_p = p.log().clamp(min=-100); log_not_p = (1 - p).log().clamp(min=-100)",
    habit="keras")
add("losses", "log_softmax",
    [("    shifted = x - x.amax(dim=dim, keepdim=True).detach()\n",
      "    shifted = x - x.max().detach()\n")],
    "Subtracts the global maximum of the whole tensor rather than each row's maximum along dim, so a row whose "
    "logits are far below another row's gets a log-sum-exp of log 0 = −inf, so its log-probabilities become +inf (cross_entropy returns −inf).",
    "Formula slip: 'subtract the max' is implemented with the reduction-free x.max(), which looks right on a "
    "single vector of logits and on batches of similar rows.",
    "shifted = x - x.amax(dim=dim, keepdim=True).detach()",
    callee_of=["cross_entropy"])
add("losses", "cross_entropy",
    [("    log_probs = log_softmax(logits, dim=1)\n", "    log_probs = softmax(logits, dim=1).log()\n")],
    "Takes log of softmax probabilities instead of using log_softmax, so at logits of ±1000 the probabilities "
    "underflow to 0 and the loss becomes inf/NaN.",
    "Keras habit: categorical_crossentropy expects probabilities (from_logits=False), so the learner converts "
    "logits to probabilities first and then takes the log.",
    "log_probs = log_softmax(logits, dim=1)",
    habit="keras")

# ---------------------------------------------------------------- optim (3)
add("optim", "SGD",
    [("""                if group["momentum"]:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    buffer = state["momentum_buffer"]
                    g = g + group["momentum"] * buffer if group["nesterov"] else buffer
                p.add_(g, alpha=-group["lr"])
""", """                if group["momentum"]:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = torch.zeros_like(p)
                    velocity = state["momentum_buffer"]
                    velocity.mul_(group["momentum"]).add_(g, alpha=-group["lr"])
                    if group["nesterov"]:
                        p.add_(group["momentum"] * velocity - group["lr"] * g)
                    else:
                        p.add_(velocity)
                else:
                    p.add_(g, alpha=-group["lr"])
""")],
    "Keeps a velocity v ← m·v − lr·g with lr folded into the buffer and no dampening: equal to torch.optim.SGD "
    "only while lr is constant and dampening = 0; it ignores dampening and mis-steps after an lr change.",
    "Keras/TF habit: Keras' SGD momentum convention (velocity = momentum·velocity − lr·g; w += velocity) puts the "
    "learning rate inside the buffer; PyTorch's keeps b = m·b + (1 − dampening)·g and multiplies by lr at the step.",
    "b = g on the first step else b.mul_(m).add_(g, alpha=1 - dampening); g = g + m*b if nesterov else b; p.add_(g, alpha=-lr)",
    habit="keras")
add("optim", "minibatch_indices",
    [("    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)\n",
      "    generator = generator if generator is not None else torch.Generator().manual_seed(0)\n"
      "    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)\n")],
    "When no generator is passed it makes a fresh generator seeded 0, so every epoch gets the same 'shuffled' "
    "order and torch.manual_seed has no effect.",
    "JAX habit: randomness needs an explicit key (jax.random.PRNGKey(0)), so the learner supplies a default "
    "seeded generator instead of falling back on torch's global RNG.",
    "order = torch.randperm(n, generator=generator)  # None means torch's global RNG",
    habit="jax")
add("optim", "k_fold_indices",
    [("return list(torch.arange(n).tensor_split(k))", "return list(torch.arange(1, n + 1).tensor_split(k))")],
    "Numbers the samples 1..n, so the folds miss index 0 and contain the out-of-range index n.",
    "MATLAB habit: 1-based indexing (1:n), so the index range starts at 1.",
    "return list(torch.arange(n).tensor_split(k))",
    habit="matlab")

# ---------------------------------------------------------------- mlp (4)
add("mlp", "relu",
    [("    return torch.where(x > 0, x, torch.zeros_like(x))", "    return torch.max(x, torch.zeros(x.shape))")],
    "Compares against torch.zeros(x.shape), a default float32 CPU tensor: float16 inputs come back float32 and "
    "CUDA inputs fail on a device mismatch; hard_sigmoid_from_relus inherits both.",
    "dtype/device slip: zeros built from the shape alone instead of zeros_like(x) pick up torch's default dtype "
    "and device.",
    "return torch.where(x > 0, x, torch.zeros_like(x))",
    callee_of=["hard_sigmoid_from_relus"])
add("mlp", "relu",
    [("import torch\n", "import numpy as np\nimport torch\n"),
     ("    return torch.where(x > 0, x, torch.zeros_like(x))", "    return np.maximum(x, 0)")],
    "Calls np.maximum on a tensor: it happens to return a tensor for plain CPU inputs, but fails on any tensor that "
    "requires grad (and on CUDA), so hard_sigmoid_from_relus cannot be differentiated.",
    "NumPy habit: np.maximum(x, 0) is the NumPy ReLU, and it seems to work on tensors through __array__.",
    "return torch.where(x > 0, x, torch.zeros_like(x))",
    habit="numpy", callee_of=["hard_sigmoid_from_relus"])
add("mlp", "dropout",
    [("    keep = (torch.rand_like(x) > p).to(x.dtype)\n    return x * keep / (1 - p)",
      "    keep = (torch.rand_like(x) < p).to(x.dtype)\n    return x * keep / p")],
    "Treats p as the keep probability: keeps each element with probability p and scales by 1/p (right only at "
    "p = 0.5; p = 0 gives NaN).",
    "TensorFlow 1.x habit: tf.nn.dropout(x, keep_prob) took the probability of keeping, while torch's p is the "
    "probability of dropping.",
    "keep = (torch.rand_like(x) > p).to(x.dtype); return x * keep / (1 - p)",
    habit="tensorflow-1.x")
add("mlp", "MLP",
    [("""        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x.flatten(1))
""", """        self.p = dropout
        self.activation = ACTIVATIONS[activation]()
        self.linears = nn.ModuleList(nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    def forward(self, x: Tensor) -> Tensor:
        h = x.flatten(1)
        for i, layer in enumerate(self.linears):
            h = layer(h)
            if i < len(self.linears) - 1:
                h = self.activation(h)
                if self.p > 0:
                    h = nn.functional.dropout(h, self.p)
        return h
""")],
    "Applies nn.functional.dropout(h, p) in forward without training=self.training, so dropout stays active after "
    "model.eval() and evaluation outputs are random.",
    "Train/eval mode slip: F.dropout's training argument defaults to True, unlike nn.Dropout which follows the "
    "module's mode.",
    "h = nn.functional.dropout(h, self.p, training=self.training)  # or use nn.Dropout modules",
    )

# ---------------------------------------------------------------- cnn (3)
add("cnn", "conv_output_size",
    [("return (n + 2 * padding - k) // stride + 1", "return (n + 2 * padding - k + 1) // stride")],
    "Moves the +1 inside the floor division: ⌊(n + 2p − k + 1)/s⌋ equals the formula only for stride 1, so "
    "conv2d with stride 2 reshapes to the wrong size and fails.",
    "Formula slip: 'n − k + 1 positions' (the stride-1 count) is divided by the stride instead of ⌊(n + 2p − k)/s⌋ + 1.",
    "return (n + 2 * padding - k) // stride + 1",
    callee_of=["conv2d"])
add("cnn", "conv2d",
    [("out = weight.reshape(c_out, -1) @ columns", "out = weight.permute(0, 2, 3, 1).reshape(c_out, -1) @ columns")],
    "Flattens each kernel in (kh, kw, C_in) order while F.unfold lays the columns out as (C_in, kh, kw), so "
    "channels and positions are mismatched whenever C_in > 1 (right for one input channel).",
    "Keras/TF habit: channels-last; tf.image.extract_patches and Keras kernels (kh, kw, C_in, C_out) put the "
    "channel innermost, so the learner reorders the weight the same way.",
    "out = weight.reshape(c_out, -1) @ columns",
    habit="keras")
add("cnn", "SimpleCNN",
    [("            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),\n            nn.AdaptiveAvgPool2d(1))\n"
      "        self.classifier = nn.Linear(32, num_classes)",
      "            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))\n"
      "        self.classifier = nn.Linear(32 * 2 * 2, num_classes)")],
    "Sizes the linear layer for 8×8 inputs (32·2·2 after two poolings) with no global pooling, so any other "
    "input size such as 28×28 fails at the classifier.",
    "Shape slip: the lecture's hard-coded flatten size is copied and worked out for the digits only, ignoring "
    "'one instance must accept any input of at least 8×8'.",
    "add nn.AdaptiveAvgPool2d(1) after the second pooling and use nn.Linear(32, num_classes)")

# ---------------------------------------------------------------- inception (3)
add("inception", "InceptionA",
    [("F.avg_pool2d(x, 3, stride=1, padding=1)", "F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)")],
    "Excludes the zero padding from the border averages of the pool branch, so the border values differ from the "
    "lecture's avg_pool2d (interior values are right); GoogLeNetMini inherits it.",
    "Keras/TF habit: AveragePooling2D(padding='same') averages only the real pixels at the border; torch's "
    "avg_pool2d counts the padded zeros by default.",
    "F.avg_pool2d(x, 3, stride=1, padding=1)",
    habit="keras", callee_of=["GoogLeNetMini"])
add("inception", "conv_mults",
    [("return k * k * c_in * c_out * h * w", "return k * k * c_in * c_out * (h - k + 1) * (w - k + 1)")],
    "Treats h×w as the input size and shrinks it to the valid output (h − k + 1)(w − k + 1), though h×w is already "
    "the output size.",
    "Misread docstring: 'producing an h×w output' is read as the input image size.",
    "return k * k * c_in * c_out * h * w")
add("inception", "GoogLeNetMini",
    [("torch.zeros(1, in_channels, input_size, input_size)", "torch.zeros(1, in_channels, 28, 28)")],
    "Runs the dry run on a fixed 28×28 image, so the linear layer is sized for MNIST whatever input_size says and "
    "input_size = 8 fails.",
    "Misread docstring: the lecture's MNIST size is hard-wired into the dry run that was meant to follow input_size.",
    "flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]")

# ---------------------------------------------------------------- resnet (3)
add("resnet", "ResidualBlock",
    [("        return F.relu(x + self.conv2(F.relu(self.conv1(x))))",
      "        x += self.conv2(F.relu(self.conv1(x)))\n        return F.relu(x)")],
    "Adds the residual into the input tensor in place with x +=, so the caller's input is overwritten (and a leaf "
    "input that requires grad raises).",
    "State slip: += on a tensor is an in-place update, not a rebinding as for Python numbers.",
    "return F.relu(x + self.conv2(F.relu(self.conv1(x))))")
add("resnet", "batch_norm",
    [("        var = x.var(dim=dims, unbiased=False)\n", "        var = x.var(dim=dims)\n")],
    "Normalises with torch's default unbiased variance (n − 1) instead of the biased one, and then the running "
    "variance gets the n/(n − 1) correction twice.",
    "NumPy habit: np.var defaults to ddof=0 (biased), whereas Tensor.var defaults to the unbiased estimator.",
    "var = x.var(dim=dims, unbiased=False)",
    habit="numpy")
add("resnet", "BasicBlock",
    [("        return F.relu(main + self.shortcut(x))", "        return F.relu(main) + self.shortcut(x)")],
    "Applies the final ReLU to the main path before adding the shortcut instead of to the sum, so outputs can be "
    "negative; SmallResNet (built from BasicBlocks) inherits the wrong values.",
    "Formula slip: the 'conv-bn-relu' pattern of the first half is repeated on the second half, and the shortcut is "
    "added afterwards.",
    "return F.relu(main + self.shortcut(x))",
    callee_of=["SmallResNet"])

# ---------------------------------------------------------------- rnn (3)
add("rnn", "rnn_cell",
    [("return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)", "return torch.tanh(x @ w_ih + b_ih + h @ w_hh + b_hh)")],
    "Multiplies by W_ih and W_hh without transposing, which is silently wrong whenever the matrices are square "
    "(always for W_hh; for W_ih when input_size = hidden) and a shape error otherwise; rnn_forward inherits it.",
    "Keras habit: Keras stores kernels as (input_dim, units) and computes x @ kernel; torch stores (hidden, input).",
    "return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)",
    habit="keras", callee_of=["rnn_forward"])
add("rnn", "encode_chars",
    [("position = {c: i for i, c in enumerate(vocab)}", "position = {c: i for i, c in enumerate(vocab, start=1)}")],
    "Numbers the vocabulary from 1, so every code is one too large and the last character's code equals "
    "len(vocab), out of range for a one-hot or an embedding.",
    "MATLAB habit: 1-based indexing.",
    "position = {c: i for i, c in enumerate(vocab)}",
    habit="matlab")
add("rnn", "HelloRNN",
    [("self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)", "self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)")],
    "Builds the RNN batch-first although inputs are (seq_len, batch): the recurrence runs across the batch instead "
    "of time (for the single 'hello' sequence, each character is seen with no history).",
    "Keras habit: Keras RNN layers are batch-major (batch, time, features), so batch_first=True looks like the "
    "normal setting.",
    "self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)  # seq-first",
    habit="keras")

EDITS = E
