"""Thirty realistic learner mistakes, each a small literal edit of one exercise in solutions/<topic>.py.

Every entry: topic, exercise (the one at fault), edits [(old, new), ...] (each old occurs exactly once in the
reference file), mistake (observable), cause (misconception), fix, habit (ecosystem or None), callee_of (the
caller exercise of the same topic that calls the broken one, or None).
"""

E = [
    # 01
    {
        "topic": "tensors",
        "exercise": "add_into",
        "edits": [("    z[:] = x + y\n", "    z.data = x + y\n")],
        "mistake": "z ends up holding x + y and the same Python object is returned, but its storage is replaced: "
                   "z.data_ptr() changes, so any other view of the old storage no longer sees the result and "
                   "no memory is saved.",
        "cause": "Old PyTorch (0.3-era) habit: assigning to `.data` was the way to 'overwrite a Variable in place'; "
                 "the learner checked id(z) as the notes do (unchanged) and believed the memory was reused, but "
                 "`.data =` rebinds the tensor to a new storage.",
        "fix": "Write into the existing storage: `z[:] = x + y` (or `torch.add(x, y, out=z)`, `z.copy_(x + y)`).",
        "habit": "old PyTorch",
        "callee_of": None,
    },
    # 02
    {
        "topic": "autograd",
        "exercise": "numerical_grad",
        "edits": [("            original = x[i].item()\n", "            original = x[i]\n")],
        "mistake": "Returns about half the true gradient (in fact the one-sided (f(x+ε)−f(x))/2ε): `original` is a "
                   "0-dim view of x, so it changes when x[i] is perturbed and the 'minus' evaluation happens at x.",
        "cause": "C/C++ habit: `double original = x[i];` copies the value, so the learner assumed `original = x[i]` "
                 "saves the number; in torch basic indexing returns a view aliasing x's memory, so after "
                 "`x[i] = original + eps` the 'saved' value is orig+ε and `original - eps` is just orig.",
        "fix": "Copy the value out: `original = x[i].item()` (or `x[i].clone()`), perturb, evaluate, restore.",
        "habit": "C/C++",
        "callee_of": None,
    },
    # 03
    {
        "topic": "losses",
        "exercise": "log_softmax",
        "edits": [("    shifted = x - x.amax(dim=dim, keepdim=True).detach()\n"
                   "    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()\n",
                   "    x -= x.amax(dim=dim, keepdim=True).detach()\n"
                   "    return x - x.exp().sum(dim=dim, keepdim=True).log()\n")],
        "mistake": "The returned values are right, but the caller's logits are shifted in place by their maximum "
                   "along dim (so cross_entropy(logits, target) silently changes `logits`), and a leaf tensor that "
                   "requires grad raises a RuntimeError.",
        "cause": "NumPy habit: `x -= x.max(axis=1, keepdims=True)` is the memory-saving softmax idiom of NumPy code "
                 "(cs231n style); the learner did not realise the argument is the caller's tensor, not a copy.",
        "fix": "Shift out of place: `shifted = x - x.amax(dim=dim, keepdim=True)`; "
               "`return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()`.",
        "habit": "NumPy",
        "callee_of": "cross_entropy",
    },
    # 04
    {
        "topic": "optim",
        "exercise": "SGD",
        "edits": [("                        state[\"momentum_buffer\"] = g.clone()\n"
                   "                    else:\n"
                   "                        state[\"momentum_buffer\"].mul_(group[\"momentum\"]).add_(g, alpha=1 - group[\"dampening\"])\n",
                   "                        state[\"momentum_buffer\"] = torch.zeros_like(p)\n"
                   "                    state[\"momentum_buffer\"].mul_(group[\"momentum\"]).add_(g, alpha=1 - group[\"dampening\"])\n")],
        "mistake": "With dampening ≠ 0 the first step uses b = (1 − dampening)·g instead of b = g, so the parameters "
                   "and the momentum buffer drift from torch.optim.SGD from step 1 on (identical when dampening = 0).",
        "cause": "The learner started the buffer at zeros, like Adam's m, and applied one uniform update every step, "
                 "reading 'b ← g on the first step' as what that formula gives anyway (true only without dampening).",
        "fix": "On the first step set the buffer to the gradient itself: `state['momentum_buffer'] = g.clone()`; "
               "only later steps do `b.mul_(momentum).add_(g, alpha=1 - dampening)`.",
        "habit": None,
        "callee_of": None,
    },
    # 05
    {
        "topic": "mlp",
        "exercise": "relu",
        "edits": [("    return torch.where(x > 0, x, torch.zeros_like(x))\n",
                   "    return x * (x > 0).float()\n")],
        "mistake": "Values are right for float32/float64, but a float16 (or bfloat16) input comes back as float32: "
                   "the float32 mask promotes the product; hard_sigmoid_from_relus inherits the wrong dtype.",
        "cause": "The learner took `.float()` as 'convert the boolean mask to a floating type' in general; it means "
                 "float32 specifically, and half·float32 promotes to float32.",
        "fix": "Keep x's dtype: `torch.where(x > 0, x, torch.zeros_like(x))` or `x * (x > 0).to(x.dtype)`.",
        "habit": None,
        "callee_of": "hard_sigmoid_from_relus",
    },
    # 06
    {
        "topic": "cnn",
        "exercise": "conv_output_size",
        "edits": [("import torch\nimport torch.nn.functional as F\n",
                   "import math\n\nimport torch\nimport torch.nn.functional as F\n"),
                  ("    return (n + 2 * padding - k) // stride + 1\n",
                   "    return math.ceil((n + 2 * padding - k) / stride) + 1\n")],
        "mistake": "Rounds up instead of down when stride does not divide n + 2p − k (e.g. n=8, k=3, stride=2 gives 4, "
                   "not 3), so conv2d reshapes its output to the wrong size and raises.",
        "cause": "Caffe habit: Caffe's pooling layers compute the output side with ceil, and the learner carried "
                 "that formula over to a function the docstring defines with ⌊·⌋ (and float division, exact only "
                 "for small sizes).",
        "fix": "Integer floor division: `return (n + 2 * padding - k) // stride + 1`.",
        "habit": "Caffe",
        "callee_of": "conv2d",
    },
    # 07
    {
        "topic": "resnet",
        "exercise": "batch_norm",
        "edits": [("        var = x.var(dim=dims, unbiased=False)\n", "        var = x.var(dim=dims)\n")],
        "mistake": "Training-mode outputs are normalised with the unbiased variance (slightly too small in magnitude), "
                   "and running_var receives var·n/(n−1) of an already unbiased variance, too large.",
        "cause": "NumPy habit: np.var defaults to ddof=0 (population variance), so the learner expected "
                 "`x.var(dim=...)` to be the biased variance; torch's default is unbiased (correction=1).",
        "fix": "`var = x.var(dim=dims, unbiased=False)` (or `correction=0`) for normalising; n/(n−1)·var for running_var.",
        "habit": "NumPy",
        "callee_of": None,
    },
    # 08
    {
        "topic": "rnn",
        "exercise": "gru_cell",
        "edits": [("    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)\n"
                   "    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)\n",
                   "    i_z, i_r, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)\n"
                   "    h_z, h_r, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)\n")],
        "mistake": "Same shape, wrong values: the first chunk is used as the update gate and the second as the reset "
                   "gate, so h' differs from nn.GRUCell with the same weights.",
        "cause": "Keras/TensorFlow habit: a Keras GRU kernel is laid out [z, r, h] (update, reset, new); torch's "
                 "fused weights are (reset, update, new).",
        "fix": "`i_r, i_z, i_n = (...).chunk(3, dim=1)` and `h_r, h_z, h_n = (...).chunk(3, dim=1)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    # 09
    {
        "topic": "inception",
        "exercise": "InceptionA",
        "edits": [("        bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))\n",
                   "        bpool = self.branch_pool(F.max_pool2d(x, 3, stride=1, padding=1))\n")],
        "mistake": "Shapes and parameters are unchanged, but the pool branch uses 3×3 max pooling, so the last 24 "
                   "channels (and GoogLeNetMini's logits) differ from the lecture's module with the same weights.",
        "cause": "Caffe habit: the original GoogLeNet prototxt uses MAX pooling in the inception 'pool proj' branch; "
                 "the learner followed the paper/Caffe model instead of the lecture's average pooling.",
        "fix": "`bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))`.",
        "habit": "Caffe",
        "callee_of": "GoogLeNetMini",
    },
    # 10
    {
        "topic": "tensors",
        "exercise": "fill_nan_with_column_mean",
        "edits": [("    return torch.where(missing, means.expand_as(x), x)\n",
                   "    x[missing] = means.expand_as(x)[missing]\n    return x\n")],
        "mistake": "Returns the right values but writes them into the caller's x (its NaNs are gone after the call) "
                   "and returns x itself rather than a new tensor.",
        "cause": "MATLAB/Octave habit: arguments have value semantics, so `x(isnan(x)) = ...` inside a function "
                 "changes only a local copy; in torch the argument is the caller's tensor.",
        "fix": "Build a new tensor: `return torch.where(missing, means.expand_as(x), x)` (or work on `x.clone()`).",
        "habit": "MATLAB/Octave",
        "callee_of": None,
    },
    # 11
    {
        "topic": "autograd",
        "exercise": "Sigmoid",
        "edits": [("        return grad_output * out * (1 - out)\n", "        return out * (1 - out)\n")],
        "mistake": "The gradient is right only when the upstream gradient is all ones (y.sum().backward()); for "
                   "(w·Sigmoid.apply(x)).sum() it returns σ(1−σ) instead of w·σ(1−σ).",
        "cause": "The learner wrote the local derivative σ'(x) and forgot that backward must apply the chain rule to "
                 "grad_output; tests with .sum() hid it.",
        "fix": "`return grad_output * out * (1 - out)`.",
        "habit": None,
        "callee_of": None,
    },
    # 12
    {
        "topic": "losses",
        "exercise": "bce",
        "edits": [("    log_p = p.log().clamp(min=LOG_FLOOR)\n    log_not_p = (1 - p).log().clamp(min=LOG_FLOOR)\n",
                   "    p = p.clamp(1e-15, 1 - 1e-15)\n    log_p = p.log()\n    log_not_p = (1 - p).log()\n")],
        "mistake": "At p = 0 or 1 the loss differs from F.binary_cross_entropy: in float32 1 − 1e-15 rounds to 1, so "
                   "p = 1 with y = 1 gives NaN (0·log 0); in float64 a wrong prediction costs −log(1e-15) ≈ 34.5 "
                   "instead of 100; the clamp also zeroes the gradient there.",
        "cause": "scikit-learn habit: sklearn.metrics.log_loss clips probabilities to [eps, 1 − eps] (eps=1e-15); "
                 "torch's BCELoss instead floors each log at −100.",
        "fix": "Floor the logs, not the probabilities: `log_p = p.log().clamp(min=-100)`, "
               "`log_not_p = (1 - p).log().clamp(min=-100)`.",
        "habit": "scikit-learn",
        "callee_of": None,
    },
    # 13
    {
        "topic": "optim",
        "exercise": "Adam",
        "edits": [("                m_hat = state[\"m\"] / (1 - beta1 ** state[\"step\"])\n"
                   "                v_hat = state[\"v\"] / (1 - beta2 ** state[\"step\"])\n"
                   "                p.addcdiv_(m_hat, v_hat.sqrt().add_(group[\"eps\"]), value=-group[\"lr\"])\n",
                   "                step_size = group[\"lr\"] * (1 - beta2 ** state[\"step\"]) ** 0.5 / (1 - beta1 ** state[\"step\"])\n"
                   "                p.addcdiv_(state[\"m\"], state[\"v\"].sqrt().add_(group[\"eps\"]), value=-step_size)\n")],
        "mistake": "eps is added to the uncorrected √v instead of √v̂ (in effect eps/√(1−β₂ᵗ) against √v̂), so the trajectory departs from "
                   "torch.optim.Adam: visibly with a large eps or small gradients, and beyond 1e-10 in float64 even "
                   "at the defaults.",
        "cause": "Keras/TensorFlow habit: TF's AdamOptimizer (and old Keras) fold the bias corrections into the step "
                 "size lr·√(1−β₂ᵗ)/(1−β₁ᵗ) and add 'epsilon hat' to the uncorrected √v; the learner thought it "
                 "the same algorithm.",
        "fix": "`m_hat = m / (1 - beta1**t)`, `v_hat = v / (1 - beta2**t)`, `p -= lr * m_hat / (v_hat.sqrt() + eps)`.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    # 14
    {
        "topic": "mlp",
        "exercise": "xavier_uniform_",
        "edits": [("        return tensor.uniform_(-bound, bound)\n",
                   "        return torch.empty_like(tensor).uniform_(-bound, bound)\n")],
        "mistake": "Returns a fresh tensor with the right distribution, but the tensor passed in (e.g. a layer's "
                   "weight) is left untouched: nothing is initialised in place.",
        "cause": "JAX habit: jax.nn.initializers.glorot_uniform() returns a new array init(key, shape); the learner "
                 "produced a new tensor 'of the same shape' instead of filling the given one.",
        "fix": "Fill the argument itself: `with torch.no_grad(): return tensor.uniform_(-bound, bound)`.",
        "habit": "JAX",
        "callee_of": None,
    },
    # 15
    {
        "topic": "cnn",
        "exercise": "corr2d",
        "edits": [("(x[i:i + kh, j:j + kw] * k).sum()", "(x[i:i + kh, j:j + kw] * k.flip(0, 1)).sum()")],
        "mistake": "Computes a true convolution (kernel flipped in both axes): equal to the reference for symmetric "
                   "kernels, wrong for any asymmetric one (e.g. the edge-detector [1, −1]).",
        "cause": "Julia habit: Flux/NNlib's Conv performs a mathematical convolution (kernel flipped) by default; "
                 "the learner 'corrected' the lecture's cross-correlation into the textbook convolution.",
        "fix": "No flip: `(x[i:i + kh, j:j + kw] * k).sum()`.",
        "habit": "Julia",
        "callee_of": None,
    },
    # 16
    {
        "topic": "resnet",
        "exercise": "BasicBlock",
        "edits": [("        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)\n",
                   "        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)\n"),
                  ("        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)\n",
                   "        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=stride, padding=1, bias=False)\n")],
        "mistake": "Same output shape and parameter shapes, but with stride ≠ 1 the downsampling happens in the second "
                   "convolution, so the values (and SmallResNet's logits) differ from the specified block.",
        "cause": "The learner placed the stride on the 3×3 conv that comes last, as in torchvision's ResNet v1.5 "
                 "Bottleneck (stride on its 3×3), instead of the first conv as the docstring says.",
        "fix": "`conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)`; "
               "`conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)`.",
        "habit": None,
        "callee_of": "SmallResNet",
    },
    # 17
    {
        "topic": "rnn",
        "exercise": "rnn_cell",
        "edits": [("    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)\n",
                   "    return torch.tanh(x @ w_ih.T + h @ w_hh.T + b_ih)\n")],
        "mistake": "b_hh is ignored: h' differs from nn.RNNCell whenever b_hh ≠ 0, and rnn_forward inherits the "
                   "error at every layer and step (b_hh gets no gradient).",
        "cause": "The notes' (d2l) formula has a single bias b_h; the learner took b_ih as 'the bias' and b_hh as a "
                 "redundant second name for it.",
        "fix": "`torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)`.",
        "habit": None,
        "callee_of": "rnn_forward",
    },
    # 18
    {
        "topic": "tensors",
        "exercise": "row_normalize",
        "edits": [("    return x / x.sum(dim=1, keepdim=True)\n", "    return x / x.sum(dim=1)\n")],
        "mistake": "Without keepdim the (n,) row sums broadcast along the last axis: column j is divided by row j's "
                   "sum, silently wrong for square x (and a broadcasting error when n ≠ d).",
        "cause": "R habit: `x / rowSums(x)` normalises rows in R because a vector recycles down the columns "
                 "(column-major); torch aligns trailing dimensions instead.",
        "fix": "`x / x.sum(dim=1, keepdim=True)` (or `x.sum(dim=1)[:, None]`).",
        "habit": "R",
        "callee_of": None,
    },
    # 19
    {
        "topic": "losses",
        "exercise": "huber",
        "edits": [("    return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()\n",
                   "    return torch.where(d < delta, 0.5 * d**2 / delta, d - 0.5 * delta).mean()\n")],
        "mistake": "Computes smooth L1 with beta = delta, which equals Huber only for delta = 1; for any other delta "
                   "the loss is Huber/δ (e.g. δ = 2 gives half the value).",
        "cause": "Old PyTorch habit: before torch 1.9 there was no HuberLoss and F.smooth_l1_loss was used as 'the "
                 "Huber loss'; its beta form 0.5·d²/β, |d| − 0.5β differs from Huber by a factor δ.",
        "fix": "`torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()`.",
        "habit": "old PyTorch",
        "callee_of": None,
    },
    # 20
    {
        "topic": "optim",
        "exercise": "ema",
        "edits": [("    out = torch.empty_like(values)\n", "    out = []\n"),
                  ("        out[t - 1] = s / (1 - beta**t) if bias_correction else s\n    return out\n",
                   "        out.append(s / (1 - beta**t) if bias_correction else s)\n    return torch.tensor(out)\n")],
        "mistake": "Values are right but the result is always float32 on the CPU: float64 or float16 inputs (and "
                   "CUDA inputs) come back with the wrong dtype/device.",
        "cause": "NumPy habit: np.array(list_of_python_floats) is float64, matching float64 data; torch.tensor(list) "
                 "uses the default dtype float32 and the default device.",
        "fix": "Allocate the output from the input: `out = torch.empty_like(values)` and fill it, or "
               "`torch.tensor(out, dtype=values.dtype, device=values.device)`.",
        "habit": "NumPy",
        "callee_of": None,
    },
    # 21
    {
        "topic": "mlp",
        "exercise": "dropout",
        "edits": [("    keep = (torch.rand_like(x) > p).to(x.dtype)\n",
                   "    keep = (torch.rand(x.shape) > p).to(x.dtype)\n")],
        "mistake": "The mask is drawn on the default device (CPU) whatever x's device is: on a CUDA input the "
                   "multiplication fails (and under a non-CPU default device it is created on the wrong device).",
        "cause": "CuPy habit: cupy.random.rand(*shape) draws on the current GPU, so the learner expected "
                 "torch.rand(shape) to follow the data; torch's factories use the default device unless told.",
        "fix": "`keep = (torch.rand_like(x) > p).to(x.dtype)` (or `torch.rand(x.shape, device=x.device)`).",
        "habit": "CuPy",
        "callee_of": None,
    },
    # 22
    {
        "topic": "autograd",
        "exercise": "grad_of_vector_fn",
        "edits": [("    copy = x.detach().clone().requires_grad_(True)\n"
                   "    (grad,) = torch.autograd.grad(f(copy).sum(), copy)\n",
                   "    x.requires_grad_(True)\n"
                   "    (grad,) = torch.autograd.grad(f(x).sum(), x)\n")],
        "mistake": "The gradient and x.grad are fine, but the caller's x comes back with requires_grad=True, so its "
                   "later arithmetic builds graphs (and in-place updates of it raise).",
        "cause": "The notes' pattern `x.requires_grad_(True); y.sum().backward()` works on the notebook's own x; "
                 "the learner saw that autograd.grad leaves .grad alone and forgot the flag is a side effect too.",
        "fix": "Work on a detached copy: `copy = x.detach().clone().requires_grad_(True)` and differentiate w.r.t. copy.",
        "habit": None,
        "callee_of": None,
    },
    # 23
    {
        "topic": "inception",
        "exercise": "conv_mults",
        "edits": [("import torch\nimport torch.nn.functional as F\n",
                   "import math\n\nimport torch\nimport torch.nn.functional as F\n"),
                  ("    return k * k * c_in * c_out * h * w\n",
                   "    return math.pow(k, 2) * c_in * c_out * h * w\n")],
        "mistake": "Returns a float (120422400.0 for the lecture's example) instead of an int; equal under == for "
                   "small counts but not an int, and inexact once the count exceeds 2^53.",
        "cause": "C/C++ habit: squaring with pow() from <math.h>; Python's math.pow likewise returns a double.",
        "fix": "Integer arithmetic: `return k * k * c_in * c_out * h * w` (or `k**2 * ...`).",
        "habit": "C/C++",
        "callee_of": None,
    },
    # 24
    {
        "topic": "tensors",
        "exercise": "one_hot",
        "edits": [("    classes = torch.arange(num_classes, device=labels.device)\n",
                   "    classes = labels.unique()\n")],
        "mistake": "num_classes is ignored: the columns are the labels that occur, so a batch missing some class "
                   "gets fewer columns (and later classes shift left); right only when every class appears.",
        "cause": "pandas habit: pd.get_dummies (like R's factor levels) makes one column per observed value; the "
                 "learner derived the classes from the data.",
        "fix": "Columns for every class: `classes = torch.arange(num_classes, device=labels.device)`.",
        "habit": "pandas",
        "callee_of": None,
    },
    # 25
    {
        "topic": "losses",
        "exercise": "kl_div",
        "edits": [("    return terms.sum(dim=-1)\n", "    return terms.sum(dim=0)\n")],
        "mistake": "Sums over the first axis: correct for a single distribution (k,), but a batch (n, k) gives shape "
                   "(k,) (or, when n = k, one value per column instead of per row).",
        "cause": "SciPy habit: scipy.stats.entropy(pk, qk) — SciPy's KL divergence — reduces along axis=0 by default.",
        "fix": "Reduce over the last dim: `terms.sum(dim=-1)`.",
        "habit": "SciPy",
        "callee_of": None,
    },
    # 26
    {
        "topic": "optim",
        "exercise": "k_fold_indices",
        "edits": [("    return list(torch.arange(n).tensor_split(k))\n",
                   "    size = n // k\n"
                   "    return [torch.arange(i * size, n if i == k - 1 else (i + 1) * size) for i in range(k)]\n")],
        "mistake": "When k does not divide n the remainder all goes to the last fold (n=10, k=4: sizes 2, 2, 2, 4 "
                   "instead of 3, 3, 2, 2).",
        "cause": "Java habit: the classic loop `size = n / k; end = (i == k - 1) ? n : start + size` partitions with "
                 "integer division and lets the last chunk take the rest; the docstring wants tensor_split sizes.",
        "fix": "`list(torch.arange(n).tensor_split(k))` (the first n % k folds get one extra index).",
        "habit": "Java",
        "callee_of": None,
    },
    # 27
    {
        "topic": "mlp",
        "exercise": "evaluate",
        "edits": [("from torch import Tensor, nn\n", "from torch import Tensor, nn\nfrom torch.autograd import Variable\n"),
                  ("@torch.no_grad()\ndef evaluate(", "def evaluate("),
                  ("        outputs, labels = model(inputs.to(device)), labels.to(device)\n",
                   "        outputs, labels = model(Variable(inputs.to(device), volatile=True)), labels.to(device)\n")],
        "mistake": "Accuracy is right, but the forward passes run with gradient tracking on (outputs carry a grad_fn, "
                   "activations are kept): `volatile=True` is ignored with a warning.",
        "cause": "Old PyTorch (0.3) habit: `Variable(x, volatile=True)` used to switch autograd off for inference; "
                 "since 0.4 it does nothing and `torch.no_grad()` is required.",
        "fix": "Decorate with `@torch.no_grad()` (or wrap the loop in `with torch.no_grad():`) and pass tensors directly.",
        "habit": "old PyTorch",
        "callee_of": None,
    },
    # 28
    {
        "topic": "cnn",
        "exercise": "SimpleCNN",
        "edits": [("nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),\n"
                   "            nn.Conv2d(16, 32, 3, padding=1)",
                   "nn.Conv2d(in_channels, 16, 5), nn.ReLU(), nn.MaxPool2d(2),\n"
                   "            nn.Conv2d(16, 32, 5)")],
        "mistake": "Works on 28×28 MNIST-sized input, but an 8×8 image shrinks to 2×2 before the second 5×5 "
                   "convolution and the forward pass raises (inputs below 14×14 fail).",
        "cause": "Copied the lecture's `Conv2d(1, 10, kernel_size=5)` layers (no padding, made for 28×28) and added "
                 "global pooling, assuming that alone makes any input size work.",
        "fix": "Keep the spatial size: e.g. 3×3 convs with padding=1 (or 5×5 with padding=2) before each 2×2 pool.",
        "habit": None,
        "callee_of": None,
    },
    # 29
    {
        "topic": "rnn",
        "exercise": "encode_chars",
        "edits": [("    position = {c: i for i, c in enumerate(vocab)}\n",
                   "    position = {c: i for i, c in enumerate(vocab, start=1)}\n")],
        "mistake": "Positions are 1-based: encode_chars('hello', 'ehlo') gives [2, 1, 3, 3, 4] instead of "
                   "[1, 0, 2, 2, 3] (the last character's index equals len(vocab)).",
        "cause": "Lua Torch7 habit: Lua tables, nn.LookupTable and ClassNLLCriterion index from 1.",
        "fix": "0-based positions: `{c: i for i, c in enumerate(vocab)}`.",
        "habit": "Lua Torch7",
        "callee_of": None,
    },
    # 30
    {
        "topic": "autograd",
        "exercise": "Value",
        "edits": [("        return self._wrap(other) - self\n", "        return self - other\n")],
        "mistake": "`number - Value` computes Value − number: (1 - a).data is a − 1 and the gradient has the wrong "
                   "sign; a - 1 and a - b are fine.",
        "cause": "Wrote __rsub__ by analogy with __radd__/__rmul__ (`return self + other`), forgetting subtraction "
                 "is not commutative.",
        "fix": "`def __rsub__(self, other): return self._wrap(other) - self`.",
        "habit": None,
        "callee_of": None,
    },
]
