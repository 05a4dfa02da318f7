"""Thirty labelled learner mistakes, each a small literal edit of one exercise in solutions/<topic>.py.

Each entry: topic, exercise (the one at fault), edits [(old, new), ...] applied to solutions/<topic>.py
(every old occurs exactly once there), mistake / cause / fix, habit (an ecosystem or None) and
callee_of (the caller exercise of the same topic, or None).
"""

E = [
    # ------------------------------------------------------------------ tensors
    {
        "topic": "tensors",
        "exercise": "add_into",
        "edits": [("    z[:] = x + y\n", "    z = x + y\n")],
        "mistake": "Binds the name z to a new tensor x + y instead of writing into z's storage: the caller's z keeps "
                   "its old values and the returned tensor has a different data_ptr.",
        "cause": "JAX arrays are immutable, so an 'update' there is z = z.at[:].set(x + y), a fresh array bound to "
                 "the old name; the learner takes rebinding the name for writing in place.",
        "fix": "z[:] = x + y (or torch.add(x, y, out=z), or z.copy_(x + y)); return z.",
        "habit": "JAX",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "row_normalize",
        "edits": [("    return x / x.sum(dim=1, keepdim=True)\n", "    return x / x.sum(dim=1)\n")],
        "mistake": "Divides by x.sum(dim=1) of shape (n,), which broadcasts as a row (1, n): for square x every "
                   "column j is divided by row j's sum, so rows no longer sum to 1 (other shapes with n ≠ d "
                   "raise, except n = 1).",
        "cause": "In R, m / rowSums(m) is the idiomatic row normalisation: the length-n vector is recycled down "
                 "the columns (column-major), so it divides row i by its own sum; torch broadcasts a 1-D tensor "
                 "along the last axis instead.",
        "fix": "x / x.sum(dim=1, keepdim=True) (the (n, 1) column of row sums).",
        "habit": "R",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "fill_nan_with_column_mean",
        "edits": [("    means = numbers.sum(dim=0) / (~missing).sum(dim=0)\n", "    means = x.mean(dim=0)\n")],
        "mistake": "Column means are taken with x.mean(dim=0), which is NaN for every column that holds a NaN, "
                   "so the NaNs are 'filled' with NaN and come back unchanged.",
        "cause": "The notes' inputs.fillna(inputs.mean()) works because pandas' mean skips NaN by default "
                 "(skipna=True); torch's mean propagates NaN.",
        "fix": "Average only the numbers: numbers.sum(dim=0) / (~missing).sum(dim=0) with NaNs zeroed "
               "(or torch.nanmean(x, dim=0)).",
        "habit": "pandas",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "one_hot",
        "edits": [("    classes = torch.arange(num_classes, device=labels.device)\n",
                   "    classes = torch.arange(1, num_classes + 1, device=labels.device)\n")],
        "mistake": "Compares labels with the classes 1..num_classes: label c lights column c − 1 and label 0 gives "
                   "an all-zero row (right shape and dtype, wrong values).",
        "cause": "MATLAB/Octave class indices run from 1 (e.g. (1:C) == y for a one-hot row), so the learner "
                 "builds the class vector 1..C.",
        "fix": "classes = torch.arange(num_classes, device=labels.device) (0-based).",
        "habit": "MATLAB/Octave",
        "callee_of": None,
    },
    {
        "topic": "tensors",
        "exercise": "accuracy",
        "edits": [("    return (predicted == y).float().mean().item()\n",
                   "    return float((predicted == y).sum())\n")],
        "mistake": "Returns the number of correct predictions (e.g. 3.0 for 3 of 4) instead of the fraction in "
                   "[0, 1].",
        "cause": "The notes copy d2l's accuracy(), which returns float(cmp.sum()), the count of correct "
                 "predictions, and only divides by len(y) later in evaluate_accuracy; the learner stops at the count.",
        "fix": "Divide by the number of samples: (predicted == y).float().mean().item().",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ autograd
    {
        "topic": "autograd",
        "exercise": "quadratic_grads",
        "edits": [("    r = w1 * x**2 + w2 * x + b - y\n", "    r = y - (w1 * x**2 + w2 * x + b)\n")],
        "mistake": "The residual is taken as y − y_hat while the formulas 2·r·x², 2·r·x, 2·r are kept, so all "
                   "three gradients have the wrong sign (gradient descent with them diverges).",
        "cause": "The loss is written as (y − y_hat)² in the notes; the learner defines r from that form and "
                 "forgets the −1 from the inner derivative d(y − y_hat)/dw.",
        "fix": "r = y_hat − y = w1·x² + w2·x + b − y (or keep y − y_hat and negate the gradients).",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "detach_grad",
        "edits": [("    u = (copy * copy).detach()\n", "    u = copy.detach() * copy\n")],
        "mistake": "Detaches only one factor of y = x·x, so u still depends on x and the gradient of (u·x).sum() "
                   "is 2x² instead of u = x².",
        "cause": "Misreads 分离计算 as 'detach x inside y' rather than 'detach the result y': believes one detached "
                 "factor makes u a constant.",
        "fix": "Detach the whole product: u = (x * x).detach().",
        "habit": None,
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "numerical_grad",
        "edits": [("            x[i] = original - eps\n", "            x[i] = original\n"),
                  ("(plus - minus) / (2 * eps)", "(plus - minus) / eps")],
        "mistake": "Uses the one-sided difference (f(x + ε) − f(x))/ε: the error is O(ε) (about 1e-6 relative in "
                   "float64) instead of O(ε²), so it misses the float64 check of the central difference.",
        "cause": "scipy.optimize.approx_fprime (and check_grad) use forward differences; the learner takes that "
                 "as what a numerical gradient is.",
        "fix": "Evaluate f at x − ε too and divide by 2ε: (f(x + ε) − f(x − ε)) / (2ε).",
        "habit": "SciPy",
        "callee_of": None,
    },
    {
        "topic": "autograd",
        "exercise": "Value",
        "edits": [("                parent.grad += local * node.grad\n",
                   "                parent.grad = local * node.grad\n")],
        "mistake": "backward assigns parent.grad instead of accumulating, so a node used more than once keeps only "
                   "its last contribution (for b = a·a, a.grad is a instead of 2a).",
        "cause": "Thinks of the chain rule along one path; forgets that the contributions of every use of a node "
                 "add up (the notes' 'gradients accumulate').",
        "fix": "parent.grad += local * node.grad.",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ losses
    {
        "topic": "losses",
        "exercise": "log_softmax",
        "edits": [("    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()\n",
                   "    return x - shifted.exp().sum(dim=dim, keepdim=True).log()\n")],
        "mistake": "Returns x − log Σ exp(x − m), i.e. the true log-softmax plus the row maximum m: values are off "
                   "by m wherever max ≠ 0, and cross_entropy (which calls it) is off by the mean row maximum "
                   "(hugely negative at logits of 1000).",
        "cause": "Half-applies the LogSumExp identity log Σ exp(x) = m + log Σ exp(x − m): computes the shifted "
                 "sum but subtracts it from the unshifted x, forgetting the m.",
        "fix": "Subtract from the shifted logits: (x − m) − log Σ exp(x − m).",
        "habit": None,
        "callee_of": "cross_entropy",
    },
    {
        "topic": "losses",
        "exercise": "bce",
        "edits": [("    return -(y * log_p + (1 - y) * log_not_p).mean()\n",
                   "    return -(y * log_p + (1 - y) * log_not_p).sum()\n")],
        "mistake": "Sums the per-element losses instead of averaging them: the result is numel times "
                   "F.binary_cross_entropy's.",
        "cause": "The lecture code of the PyTorch 0.3/0.4 era builds BCELoss(size_average=False), i.e. the summed "
                 "loss; the learner carries that over as what BCE is.",
        "fix": ".mean() over all elements (reduction='mean', torch's default).",
        "habit": "old PyTorch",
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "softmax",
        "edits": [("    e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()\n",
                   "    e = (x - x.max()).exp()\n")],
        "mistake": "Shifts by the maximum of the whole tensor instead of the maximum along dim: right for one "
                   "vector or similar rows, but a row far below the global max underflows to all zeros and gives "
                   "0/0 = NaN (e.g. rows [1000, 999] and [−1000, −999]).",
        "cause": "The NumPy recipe f -= np.max(f) (np.max with no axis reduces the whole array), written for a "
                 "single score vector and reused for a batch.",
        "fix": "m = x.amax(dim=dim, keepdim=True) (detached), per slice along dim.",
        "habit": "NumPy",
        "callee_of": None,
    },
    {
        "topic": "losses",
        "exercise": "kl_div",
        "edits": [("    terms = torch.where(positive, p * (safe_p.log() - q.log()), torch.zeros_like(p))\n",
                   "    terms = torch.xlogy(p, p / q)\n")],
        "mistake": "xlogy(p, p/q) is NaN where p = q = 0 (0/0 is NaN and xlogy(0, NaN) is NaN), so any row with a "
                   "shared zero gets KL = NaN instead of ignoring that term.",
        "cause": "Believes xlogy settles every 0·log term, without noticing that the argument p/q is already NaN "
                 "before xlogy sees it.",
        "fix": "Mask the terms with p = 0 (torch.where(p > 0, p·(log p − log q), 0)), or xlogy(p, p) − xlogy(p, q).",
        "habit": None,
        "callee_of": None,
    },
    # ------------------------------------------------------------------ optim
    {
        "topic": "optim",
        "exercise": "SGD",
        "edits": [('                g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad\n'
                   '                if group["momentum"]:\n',
                   '                p.mul_(1 - group["lr"] * group["weight_decay"])\n'
                   '                g = p.grad\n'
                   '                if group["momentum"]:\n')],
        "mistake": "Applies weight decay decoupled (p ← p·(1 − lr·λ) before the step) instead of adding λ·p to the "
                   "gradient: identical without momentum, but with momentum the decay bypasses the buffer and the "
                   "trajectory leaves torch.optim.SGD's.",
        "cause": "Keras 3 optimisers (and AdamW-style code) implement weight_decay as a decoupled shrink of the "
                 "variable; the learner assumes 'weight decay' means that everywhere.",
        "fix": "g = p.grad + weight_decay·p before the momentum buffer, as torch.optim.SGD does.",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "sgd_fit",
        "edits": [("        for i in torch.randperm(len(x), generator=generator).tolist():\n",
                   "        for i in np.random.permutation(len(x)).tolist():\n")],
        "mistake": "Draws the visiting order from NumPy's global RNG and ignores the generator argument: results do "
                   "not follow torch.randperm(n, generator=generator) and are not reproducible from it.",
        "cause": "np.random.permutation is the usual NumPy shuffling idiom; the learner does not see that the "
                 "generator parameter must drive the order.",
        "fix": "for i in torch.randperm(len(x), generator=generator).tolist(): ...",
        "habit": "NumPy",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "closed_form_linear_regression",
        "edits": [("    return torch.linalg.solve(X.T @ X, X.T @ y)\n",
                   "    X1 = torch.cat([X, torch.ones_like(X[:, :1])], dim=1)\n"
                   "    return torch.linalg.solve(X1.T @ X1, X1.T @ y)[:-1]\n")],
        "mistake": "Fits with an added intercept column and returns only the slope coefficients: right shape, but "
                   "the weights differ from (XᵀX)⁻¹Xᵀy whenever the data are not centred.",
        "cause": "scikit-learn's LinearRegression fits an intercept by default (fit_intercept=True) and reports "
                 "coef_ without it; the learner reproduces that instead of using X as given.",
        "fix": "torch.linalg.solve(X.T @ X, X.T @ y) with X unchanged.",
        "habit": "scikit-learn",
        "callee_of": None,
    },
    {
        "topic": "optim",
        "exercise": "DiabetesDataset",
        "edits": [('        table = np.loadtxt(path, delimiter=",", dtype=np.float32)\n',
                   '        table = np.loadtxt(path, delimiter=",", dtype=np.float32, skiprows=1)\n')],
        "mistake": "Skips the first line as a header although the file has none: len(ds) is one short and ds[i] "
                   "is row i + 1.",
        "cause": "R's read.csv (header = TRUE) treats the first line of a CSV as column names, so the learner "
                 "drops it out of habit.",
        "fix": "np.loadtxt(path, delimiter=\",\", dtype=np.float32) with no skiprows: every line is data.",
        "habit": "R",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ mlp
    {
        "topic": "mlp",
        "exercise": "relu",
        "edits": [("    return torch.where(x > 0, x, torch.zeros_like(x))\n",
                   "    return torch.where(x > 0, x, torch.zeros(x.shape))\n")],
        "mistake": "The zeros are created with torch.zeros(x.shape): float32 on the CPU. A float16/bfloat16 input "
                   "comes back float32 and a CUDA input fails; hard_sigmoid_from_relus, built on relu, inherits "
                   "both.",
        "cause": "In CuPy, cp.zeros(shape) lands on the current GPU like the data, so the learner never passes a "
                 "device or dtype; torch.zeros defaults to float32 on the CPU.",
        "fix": "torch.zeros_like(x) (or a Python 0.0 scalar in torch.where).",
        "habit": "CuPy",
        "callee_of": "hard_sigmoid_from_relus",
    },
    {
        "topic": "mlp",
        "exercise": "dropout",
        "edits": [("    keep = (torch.rand_like(x) > p).to(x.dtype)\n",
                   "    keep = (torch.rand_like(x) < p).to(x.dtype)\n"),
                  ("    return x * keep / (1 - p)\n", "    return x * keep / p\n")],
        "mistake": "Treats p as the keep probability: keeps a fraction p of the elements and scales them by 1/p, "
                   "so p = 0.2 zeroes about 80% instead of 20% (p = 0 gives NaN).",
        "cause": "TensorFlow 1's tf.nn.dropout(x, keep_prob) took the probability of keeping; the learner reads "
                 "p the same way.",
        "fix": "keep = rand_like(x) > p (keep with probability 1 − p), scale by 1/(1 − p).",
        "habit": "Keras/TensorFlow",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "xavier_uniform_",
        "edits": [("    bound = math.sqrt(6 / (fan_in + fan_out))\n", "    bound = math.sqrt(3 / fan_in)\n")],
        "mistake": "Draws from U(−√(3/fan_in), √(3/fan_in)) instead of √(6/(fan_in + fan_out)): right only when "
                   "fan_in = fan_out; a (10, 50) weight gets bound 0.245 instead of 0.316.",
        "cause": "Caffe's 'xavier' filler uses scale √(3/n) with n = fan_in by default (variance_norm FAN_IN); "
                 "the learner takes that as the Xavier rule.",
        "fix": "a = √(6 / (fan_in + fan_out)).",
        "habit": "Caffe",
        "callee_of": None,
    },
    {
        "topic": "mlp",
        "exercise": "train_epoch",
        "edits": [("        optimizer.zero_grad()\n        loss.backward()\n", "        loss.backward()\n")],
        "mistake": "Never zeroes the gradients: from the second batch on each step uses the sum of all gradients "
                   "so far, so the parameters and the returned loss differ from a replay of the four steps.",
        "cause": "jax.grad returns fresh gradients on every call and nothing accumulates, so the learner does not "
                 "expect .grad to keep adding up across backward() calls.",
        "fix": "optimizer.zero_grad() before loss.backward() on every batch.",
        "habit": "JAX",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ cnn
    {
        "topic": "cnn",
        "exercise": "conv_output_size",
        "edits": [("    return (n + 2 * padding - k) // stride + 1\n",
                   "    return (n + 2 * padding - k) / stride + 1\n")],
        "mistake": "Uses true division: returns a float (24.0) and a non-integer when the stride does not divide "
                   "(n=7, k=2, stride=2 gives 3.5 instead of 3); conv2d, which passes it to reshape, raises.",
        "cause": "In C/C++ (and Java) / between ints is integer division that truncates, so (n + 2p − k)/s + 1 is "
                 "the textbook formula there; in Python 3 / is float division.",
        "fix": "(n + 2 * padding - k) // stride + 1.",
        "habit": "C/C++",
        "callee_of": "conv2d",
    },
    {
        "topic": "cnn",
        "exercise": "corr2d",
        "edits": [("(x[i:i + kh, j:j + kw] * k).sum()", "(x[i:i + kh, j:j + kw] * k.flip(0, 1)).sum()")],
        "mistake": "Flips the kernel (a true convolution): for any kernel that is not symmetric under a 180° "
                   "rotation the values differ from Y[i, j] = Σ X[i + a, j + b]·K[a, b].",
        "cause": "MATLAB/Octave's conv2 is a true convolution that rotates the kernel; the learner thinks that is "
                 "what a convolution layer computes.",
        "fix": "Multiply the window by k itself (cross-correlation, 互相关), no flip.",
        "habit": "MATLAB/Octave",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ inception
    {
        "topic": "inception",
        "exercise": "InceptionA",
        "edits": [("        bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))\n",
                   "        bpool = self.branch_pool(F.max_pool2d(x, 3, stride=1, padding=1))\n")],
        "mistake": "The pooling branch uses 3×3 max pooling instead of average pooling: same shapes, but channels "
                   "64–87 differ for the same weights, and so do GoogLeNetMini's logits.",
        "cause": "Mixes the two courses in the notes: d2l's (and the original GoogLeNet's) Inception block uses a "
                 "3×3 max-pool in its fourth branch; the lecture's InceptionA uses avg_pool.",
        "fix": "F.avg_pool2d(x, 3, stride=1, padding=1) before the 1×1 conv.",
        "habit": None,
        "callee_of": "GoogLeNetMini",
    },
    {
        "topic": "inception",
        "exercise": "conv_mults",
        "edits": [("    return k * k * c_in * c_out * h * w\n", "    return k^2 * c_in * c_out * h * w\n")],
        "mistake": "Writes k^2 for k²: in Python ^ is bitwise XOR with lower precedence than *, so the result is "
                   "k XOR (2·c_in·c_out·h·w), an int with a meaningless value.",
        "cause": "In Julia (as in MATLAB and R) ^ is exponentiation.",
        "fix": "k * k * c_in * c_out * h * w (or k ** 2 * ...).",
        "habit": "Julia",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ resnet
    {
        "topic": "resnet",
        "exercise": "BasicBlock",
        "edits": [("        main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))\n",
                   "        main = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))\n")],
        "mistake": "Applies a ReLU after the second BatchNorm, before the addition: relu(relu(main) + shortcut) "
                   "differs wherever main < 0 and shortcut > 0, and SmallResNet's logits change with it.",
        "cause": "Reads the notes' '两个卷积层，每个卷积层后面跟着批量归一化和 ReLU 激活函数' literally, giving the "
                 "second conv its own ReLU too.",
        "fix": "main = bn2(conv2(relu(bn1(conv1(x))))); return relu(main + shortcut(x)).",
        "habit": None,
        "callee_of": "SmallResNet",
    },
    {
        "topic": "resnet",
        "exercise": "batch_norm",
        "edits": [("        var = x.var(dim=dims, unbiased=False)\n", "        var = x.var(dim=dims)\n")],
        "mistake": "Normalises with the unbiased variance (n − 1) instead of the biased one, so y is scaled by "
                   "√((n − 1)/n) in training, and running_var gets the n/(n − 1) correction twice.",
        "cause": "np.var defaults to ddof=0 (the population variance), so the learner assumes x.var() is the "
                 "biased one; torch.var defaults to the unbiased estimate.",
        "fix": "x.var(dim=dims, unbiased=False) (correction=0) for normalising; unbiased only for running_var.",
        "habit": "NumPy",
        "callee_of": None,
    },
    # ------------------------------------------------------------------ rnn
    {
        "topic": "rnn",
        "exercise": "rnn_cell",
        "edits": [("    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)\n",
                   "    return torch.tanh(x @ w_ih + b_ih + h @ w_hh + b_hh)\n")],
        "mistake": "Multiplies by W_ih and W_hh without transposing: when input_size == hidden the shapes fit and "
                   "the values are silently wrong (and rnn_forward, which calls it, too); otherwise it raises.",
        "cause": "Flax's Dense keeps its kernel as (in_features, out_features), used as x @ kernel; torch "
                 "stores weights as (out, in) and needs x @ W.T.",
        "fix": "x @ w_ih.T + b_ih + h @ w_hh.T + b_hh.",
        "habit": "JAX",
        "callee_of": "rnn_forward",
    },
    {
        "topic": "rnn",
        "exercise": "encode_chars",
        "edits": [("    position = {c: i for i, c in enumerate(vocab)}\n",
                   "    position = {c: i for i, c in enumerate(sorted(vocab))}\n")],
        "mistake": "Numbers the characters in sorted order instead of their order in vocab: right for 'ehlo' "
                   "(already sorted), wrong for any unsorted vocabulary.",
        "cause": "scikit-learn's LabelEncoder (like np.unique) assigns codes in sorted order of the classes; the "
                 "learner assumes an encoding is always sorted.",
        "fix": "position = {c: i for i, c in enumerate(vocab)} (the vocabulary's own order).",
        "habit": "scikit-learn",
        "callee_of": None,
    },
    {
        "topic": "rnn",
        "exercise": "embedding_lookup",
        "edits": [("    return weight[idx]\n", "    return weight[idx - 1]\n")],
        "mistake": "Looks up row idx − 1: every index gets its neighbour's row and index 0 wraps to the last row "
                   "(right shape, wrong values).",
        "cause": "Lua Torch7's nn.LookupTable takes 1-based indices, so the learner 'converts' the indices by "
                 "subtracting 1.",
        "fix": "weight[idx] (indices are 0-based).",
        "habit": "Lua Torch7",
        "callee_of": None,
    },
]
