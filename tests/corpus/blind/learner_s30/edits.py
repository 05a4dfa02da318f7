"""The 30 labelled learner mistakes: one entry per generated file (see make.py)."""

E = [
    # ---------------------------------------------------------------- tensors
    dict(topic="tensors", exercise="pairwise_sq_dists",
         edits=[("((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)",
                 "((a[None, :, :] - b[:, None, :]) ** 2).sum(dim=-1)")],
         mistake="The broadcast axes are swapped (a as (1, n, d), b as (m, 1, d)), so the result is the (m, n) "
                 "transpose of D instead of (n, m); with a is b (the usual quick check) it looks right.",
         cause="Inserting the None axes by feel and only testing pairwise_sq_dists(x, x), whose result is symmetric.",
         fix="((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)"),
    dict(topic="tensors", exercise="norms",
         edits=[("return x.abs().sum(), (x * x).sum().sqrt()",
                 "return x.abs().sum(0), (x * x).sum(0).sqrt()")],
         mistake="Both norms reduce only dim 0, so for a matrix they return per-column vectors (d,) instead of "
                 "0-dim entrywise L1 / Frobenius norms; correct only for 1-D inputs.",
         cause="MATLAB's sum(abs(x)) / sqrt(sum(x.^2)) idiom: MATLAB's sum reduces the first dimension and gives a "
               "scalar for vectors, so writing sum(0) looks like the same thing.",
         fix="return x.abs().sum(), (x * x).sum().sqrt()", habit="matlab"),
    dict(topic="tensors", exercise="flatten_batch",
         edits=[("return x.view(x.shape[0], -1)", "return x.squeeze().flatten(1)")],
         mistake="squeeze() drops every size-1 axis including the batch axis, so a batch of N = 1 (e.g. (1, 1, 28, 28) "
                 "becomes (28, 28) or (1, 3, 4, 4) becomes (3, 16)) loses its batch dimension.",
         cause="Squeezing away MNIST's single channel axis out of habit, tested only with N > 1.",
         fix="return x.view(x.shape[0], -1)  # or x.reshape(x.shape[0], -1)"),
    # ---------------------------------------------------------------- autograd
    dict(topic="autograd", exercise="detach_grad",
         edits=[("u = (copy * copy).detach()", "u = copy * copy\n    u.detach()")],
         mistake="u.detach() returns a new tensor that is thrown away; u stays attached to the graph, so the "
                 "gradient is 3·x² instead of u = x².",
         cause="Believing detach() works in place like a setter (it is detach_() that does), the way pandas/R "
               "style methods are sometimes read as mutating.",
         fix="u = (copy * copy).detach()"),
    dict(topic="autograd", exercise="Sigmoid",
         edits=[("return grad_output * out * (1 - out)", "return out * (1 - out)")],
         mistake="backward returns the local derivative σ(1 − σ) without multiplying by grad_output, so any "
                 "upstream gradient other than ones (e.g. (Sigmoid.apply(x) * w).sum()) is wrong.",
         cause="Checking only with .sum().backward(), where grad_output is all ones and the chain-rule factor "
               "is invisible.",
         fix="return grad_output * out * (1 - out)"),
    dict(topic="autograd", exercise="numerical_grad",
         edits=[("            x[i] = original\n", "")],
         mistake="After the minus evaluation the element is never put back, so x is returned perturbed by −eps in "
                 "every element and later elements' differences are taken around a shifted point.",
         cause="C-style '+eps, evaluate, −2·eps, evaluate' bookkeeping that forgets the final +eps restore.",
         fix="x[i] = original  # after computing minus", habit="c"),
    # ---------------------------------------------------------------- losses
    dict(topic="losses", exercise="log_softmax", callee_of="cross_entropy",
         edits=[("return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()",
                 "return shifted - shifted.exp().sum().log()")],
         mistake="The normaliser sums exp over ALL elements instead of along dim, so for more than one row the "
                 "log-probabilities of each row do not normalise; cross_entropy (which calls it) is wrong for n > 1.",
         cause="Writing log Σ exp from the 1-D formula and testing on a single vector, where the global and "
               "per-row sums coincide.",
         fix="return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()"),
    dict(topic="losses", exercise="bce_with_logits",
         edits=[("return z.clamp(min=0) + torch.log1p(torch.exp(-z.abs()))",
                 "return z.clamp(min=0) + torch.log(1 + torch.exp(-z.abs()))")],
         mistake="softplus uses log(1 + e^(−|z|)) instead of log1p, so in float64 at confident logits (|z| ≈ 40 on "
                 "the label's side) every term rounds to exactly 0 and the loss is 0 instead of ≈ 4e−18.",
         cause="Transcribing softplus literally from the formula, unaware that 1 + u loses u below an ulp of 1.",
         fix="return z.clamp(min=0) + torch.log1p(torch.exp(-z.abs()))"),
    dict(topic="losses", exercise="mse",
         edits=[("return _reduce((y_hat - y) ** 2, reduction)",
                 "return _reduce(((y_hat - y) ** 2).mean(dim=-1), reduction)")],
         mistake="Squares are first averaged over the last axis, then reduced: 'none' returns shape[:-1] instead "
                 "of the element-wise squares and 'sum' is the sum of row means, not of all squares.",
         cause="Keras' MeanSquaredError computes mean(square(y_pred − y_true), axis=−1) per sample and applies "
               "the reduction afterwards.",
         fix="return _reduce((y_hat - y) ** 2, reduction)", habit="keras"),
    dict(topic="losses", exercise="kl_div",
         edits=[("return terms.sum(dim=-1)", "return terms.sum(dim=0)")],
         mistake="The divergence is summed over dim 0 (the batch axis) instead of the last dim, giving shape "
                 "p.shape[1:] instead of p.shape[:-1]; only 1-D inputs come out right.",
         cause="scipy.stats.entropy(p, q) sums over axis=0 by default, and that convention is carried over.",
         fix="return terms.sum(dim=-1)", habit="scipy"),
    # ---------------------------------------------------------------- optim
    dict(topic="optim", exercise="sgd_fit",
         edits=[("for i in torch.randperm(len(x), generator=generator).tolist():",
                 "for i in np.random.permutation(len(x)).tolist():")],
         mistake="The per-epoch order comes from NumPy's global RNG, ignoring the generator argument and "
                 "torch.manual_seed, so the trajectory is not the one of torch.randperm(n, generator=generator) "
                 "and is not reproducible with a seeded generator.",
         cause="np.random.permutation is the NumPy way to shuffle indices; the torch generator looks optional.",
         fix="for i in torch.randperm(len(x), generator=generator).tolist():", habit="numpy"),
    dict(topic="optim", exercise="Adam",
         edits=[("eps: float = 1e-8, weight_decay: float = 0) -> None:\n        super().__init__(params, dict(lr=lr, betas=betas",
                 "eps: float = 1e-7, weight_decay: float = 0) -> None:\n        super().__init__(params, dict(lr=lr, betas=betas")],
         mistake="The default eps is 1e-7 instead of 1e-8, so with the stated defaults steps differ from "
                 "torch.optim.Adam whenever √v̂ is small (gradients of order 1e-7 move ≈45% less).",
         cause="Keras' Adam default epsilon is 1e-7.",
         fix="eps: float = 1e-8", habit="keras"),
    dict(topic="optim", exercise="SGD",
         edits=[("""                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])""",
                 """                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = torch.zeros_like(p)
                    state["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])""")],
         mistake="The momentum buffer starts at zeros and the damped update runs on the first step too, so the "
                 "first buffer is (1 − dampening)·g instead of g: identical to torch when dampening = 0, wrong "
                 "for every dampening > 0.",
         cause="Initialising optimiser state to zeros as TF/Keras slot variables do, without reading torch's "
               "'b ← g on the first step' rule.",
         fix='if "momentum_buffer" not in state: state["momentum_buffer"] = g.clone() else: buffer.mul_(m).add_(g, alpha=1 - dampening)',
         habit="tensorflow"),
    dict(topic="optim", exercise="DiabetesDataset",
         edits=[("self.labels = torch.from_numpy(table[:, [-1]])", "self.labels = torch.from_numpy(table[:, -1])")],
         mistake="The label column is taken with a scalar index, so each item's label is a 0-dim tensor instead "
                 "of float32 (1,) (batches become (B,) instead of (B, 1)).",
         cause="scikit-learn's convention y = data[:, -1] (a 1-D target) instead of the lecture's xy[:, [-1]].",
         fix="self.labels = torch.from_numpy(table[:, [-1]])", habit="sklearn"),
    # ---------------------------------------------------------------- mlp
    dict(topic="mlp", exercise="relu", callee_of="hard_sigmoid_from_relus",
         edits=[("return torch.where(x > 0, x, torch.zeros_like(x))", "return x * (x > 0).float()")],
         mistake="The mask is cast to float32, so type promotion returns float32 for a float16 input instead of "
                 "x's dtype; hard_sigmoid_from_relus, built on relu, inherits the wrong dtype.",
         cause="The masking idiom x * (x > 0).float() assumes every tensor is float32.",
         fix="return torch.where(x > 0, x, torch.zeros_like(x))  # or x * (x > 0).to(x.dtype)"),
    dict(topic="mlp", exercise="xavier_uniform_",
         edits=[("receptive = math.prod(tensor.shape[2:])", "receptive = math.prod(tensor.shape[:-2])"),
                ("fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive",
                 "fan_in, fan_out = tensor.shape[-2] * receptive, tensor.shape[-1] * receptive")],
         mistake="Fans are computed for a channels-last (kh, kw, in, out) kernel, so for a torch conv weight "
                 "(out, in, kh, kw) the receptive field is out·in and the bound is wrong (right only for 2-D "
                 "linear weights).",
         cause="Keras/TF store conv kernels as (kh, kw, in, out) and their glorot_uniform reads the fans from the "
               "last two axes.",
         fix="receptive = math.prod(tensor.shape[2:]); fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive",
         habit="keras"),
    dict(topic="mlp", exercise="train_epoch",
         edits=[("    model.train()\n    total, count = 0.0, 0", "    total, count = 0.0, 0")],
         mistake="The model is never put in train mode, so after an evaluate() (eval mode) the epoch trains with "
                 "dropout off and BatchNorm using running statistics.",
         cause="Keras' fit() switches the training flag by itself; in torch the mode is state carried on the model.",
         fix="model.train() at the start of train_epoch", habit="keras"),
    dict(topic="mlp", exercise="evaluate",
         edits=[("labels = labels.reshape(-1).long()", "labels = labels.long()")],
         mistake="For probabilities (n, 1) with labels (n, 1), predicted (n,) == labels (n, 1) broadcasts to an "
                 "(n, n) matrix, so the correct count is wrong (the accuracy can exceed 1).",
         cause="Assuming == compares element by element like equally long lists, forgetting broadcasting.",
         fix="labels = labels.reshape(-1).long()"),
    # ---------------------------------------------------------------- cnn
    dict(topic="cnn", exercise="conv_output_size", callee_of="conv2d",
         edits=[("return (n + 2 * padding - k) // stride + 1", "return (n + 2 * padding - k) / stride + 1")],
         mistake="True division returns a float (3.5 instead of 3 for n=7, k=2, stride 2) instead of an int; "
                 "conv2d, which reshapes with these sizes, raises TypeError.",
         cause="In C (and Python 2) / between integers is integer division.",
         fix="return (n + 2 * padding - k) // stride + 1", habit="c"),
    dict(topic="cnn", exercise="max_pool2d",
         edits=[("windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)",
                 "windows = x.unfold(1, kernel_size, stride).unfold(2, kernel_size, stride)")],
         mistake="Windows are taken along dims 1 and 2 (C and H) as for an NHWC tensor, so the pooling mixes "
                 "channels and leaves W untouched: wrong shape and values.",
         cause="TensorFlow/Keras images are channels-last (N, H, W, C), where the spatial axes are 1 and 2.",
         fix="windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)", habit="tensorflow"),
    dict(topic="cnn", exercise="corr2d",
         edits=[("(x[i:i + kh, j:j + kw] * k).sum()", "(x[i:i + kh, j:j + kw] * k.flip(0, 1)).sum()")],
         mistake="The kernel is flipped, computing a true convolution instead of the cross-correlation "
                 "Y[i, j] = Σ X[i + a, j + b]·K[a, b]; only symmetric kernels give the right answer.",
         cause="MATLAB's conv2 (and scipy.signal.convolve2d) flip the kernel; 'convolution' is taken literally.",
         fix="(x[i:i + kh, j:j + kw] * k).sum()", habit="matlab"),
    # ---------------------------------------------------------------- inception
    dict(topic="inception", exercise="InceptionA", callee_of="GoogLeNetMini",
         edits=[("return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)",
                 "return F.relu(torch.cat([b1x1, b5x5, b3x3, bpool], dim=1))")],
         mistake="A ReLU is applied to the concatenated branches although the module must have no activation "
                 "inside; all negative outputs become 0, and GoogLeNetMini (built from two InceptionA) changes too.",
         cause="d2l's Inception block applies ReLU to every branch; the two courses' versions get mixed.",
         fix="return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)"),
    dict(topic="inception", exercise="conv_mults",
         edits=[("return k * k * c_in * c_out * h * w", "return (k * k * c_in + 1) * c_out * h * w")],
         mistake="Adds one multiplication per output channel and position for the bias (120,447,488 instead of "
                 "120,422,400 for the lecture's 5×5 192→32 on 28×28); bias must be ignored.",
         cause="Keras model.summary() parameter counting, (k·k·c_in + 1)·c_out, carried over to operation counts.",
         fix="return k * k * c_in * c_out * h * w", habit="keras"),
    dict(topic="inception", exercise="GoogLeNetMini",
         edits=[("torch.zeros(1, in_channels, input_size, input_size)", "torch.zeros(1, 1, input_size, input_size)")],
         mistake="The dry run that sizes the linear layer uses a hard-coded single channel, so any in_channels ≠ 1 "
                 "(e.g. RGB) raises in __init__.",
         cause="Every example in the lecture is 1-channel MNIST, so the 1 is copied from there.",
         fix="torch.zeros(1, in_channels, input_size, input_size)"),
    # ---------------------------------------------------------------- resnet
    dict(topic="resnet", exercise="batch_norm",
         edits=[("running_mean.mul_(1 - momentum).add_(momentum * mean)",
                 "running_mean = (1 - momentum) * running_mean + momentum * mean"),
                ("running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))",
                 "running_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)")],
         mistake="The running statistics are rebound to new local tensors instead of updated in place, so the "
                 "caller's running_mean / running_var never change during training.",
         cause="JAX/Flax functional style: state is updated by returning new arrays, never by mutation.",
         fix="running_mean.mul_(1 - momentum).add_(momentum * mean) (likewise running_var)", habit="jax"),
    dict(topic="resnet", exercise="BasicBlock", callee_of="SmallResNet",
         edits=[("self.bn1 = nn.BatchNorm2d(out_channels)", "self.bn1 = nn.BatchNorm2d(out_channels, momentum=0.99)"),
                ("self.bn2 = nn.BatchNorm2d(out_channels)", "self.bn2 = nn.BatchNorm2d(out_channels, momentum=0.99)")],
         mistake="The main-path BatchNorms get momentum 0.99, which in torch means the running stats become "
                 "almost exactly the last batch's, so eval-mode outputs differ from BatchNorm2d's; SmallResNet, "
                 "built from these blocks, inherits it.",
         cause="Keras BatchNormalization(momentum=0.99) weights the OLD running value; torch's momentum weights "
               "the new batch (default 0.1).",
         fix="nn.BatchNorm2d(out_channels)", habit="keras"),
    dict(topic="resnet", exercise="ResidualBlock",
         edits=[("self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)",
                 "self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)"),
                ("self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)",
                 "self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)")],
         mistake="Both convolutions are built without bias, but the lecture block has no BatchNorm and its "
                 "docstring requires convs with a bias: the block is missing parameters and its outputs differ.",
         cause="Copying torchvision's conv3x3(bias=False) habit from BN-ResNets into the BN-free lecture block.",
         fix="nn.Conv2d(channels, channels, 3, padding=1)  # bias=True"),
    # ---------------------------------------------------------------- rnn
    dict(topic="rnn", exercise="rnn_cell", callee_of="rnn_forward",
         edits=[("return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)",
                 "return torch.tanh(x @ w_ih.T + h @ w_hh.T + b_ih)")],
         mistake="Only b_ih is added; b_hh is dropped, so values differ from nn.RNNCell and b_hh gets no gradient; "
                 "rnn_forward, which steps with rnn_cell, is wrong too.",
         cause="Keras SimpleRNN has a single bias vector; torch's RNNCell has two.",
         fix="return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)", habit="keras"),
    dict(topic="rnn", exercise="gru_cell",
         edits=[("i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)", "i_z, i_r, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)"),
                ("h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)", "h_z, h_r, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)")],
         mistake="The fused weights are chunked as (update, reset, new) instead of torch's (reset, update, new), "
                 "so r and z are swapped and h' differs from nn.GRUCell.",
         cause="Keras' GRU kernel stores the gates in the order z, r, h.",
         fix="i_r, i_z, i_n = ...chunk(3, dim=1); h_r, h_z, h_n = ...chunk(3, dim=1)", habit="keras"),
    dict(topic="rnn", exercise="embedding_lookup",
         edits=[("return weight[idx]", "return weight.index_select(0, idx)")],
         mistake="index_select only accepts a 1-D index, so idx of shape (seq, batch) (any shape but 1-D) raises "
                 "instead of returning idx.shape + (dim,).",
         cause="tf.gather(params, indices) accepts indices of any shape; index_select looks like its torch twin.",
         fix="return weight[idx]", habit="tensorflow"),
]
