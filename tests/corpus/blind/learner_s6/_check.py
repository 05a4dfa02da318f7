"""Builds each mistake file from the reference text and proves it differs (plain torch)."""
import copy, importlib.util, json, math, sys, torch
from torch import nn
OUT = "/work/blind/learner_s6"
SOL = "/work/main/solutions"
torch.set_num_threads(1)

def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m

def close(a, b):
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, torch.Tensor):
        return a.shape == b.shape and torch.allclose(a.double(), b.double(), rtol=1e-5, atol=1e-6, equal_nan=True)
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)

def same_seed(f, seed=0):
    torch.manual_seed(seed); return f()

M = []  # (topic, name, exercise, old, new, witness(ref, mut) -> str or None if not different, label dict)
def add(topic, name, exercise, old, new, witness, cause, cause_zh, fits, fits_zh, misleading):
    M.append(dict(topic=topic, name=name, exercise=exercise, old=old, new=new, witness=witness,
                  cause=cause, cause_zh=cause_zh, fits=fits, fits_zh=fits_zh, misleading=misleading))

# ---------------- tensors ----------------
def w(r, m):
    x = torch.tensor([[1., 2.], [3., 5.]]); a, b = r.row_normalize(x), m.row_normalize(x)
    return None if close(a, b) else f"row_normalize([[1,2],[3,5]]): ref {a.tolist()} vs {b.tolist()}"
add("tensors", "row_normalize_axis", "row_normalize", "x.sum(dim=1, keepdim=True)", "x.sum(dim=0, keepdim=True)", w,
    "It divides by the column sums (dim=0) instead of each row's sum (dim=1), so rows do not sum to 1.",
    "除以的是列和(dim=0)而不是每一行的和(dim=1),所以每行之和不为 1。",
    "Sum along dim=1 with keepdim=True so each row is divided by its own (n, 1) total.",
    "沿 dim=1 求和并保持维度(keepdim=True),让每一行除以它自己的 (n, 1) 行和。",
    ["Add keepdim=True so the shapes broadcast.", "Guard against division by zero with a small epsilon.", "Convert x to float64 before dividing."])

def w(r, m):
    x = torch.tensor([[1., float('nan')], [3., 4.], [float('nan'), 8.]])
    a, b = r.fill_nan_with_column_mean(x), m.fill_nan_with_column_mean(x)
    return None if close(a, b) else f"fill_nan on 3x2 with one NaN per column: ref {a.tolist()} vs {b.tolist()}"
add("tensors", "fill_nan_counts_nans", "fill_nan_with_column_mean",
    "means = numbers.sum(dim=0) / (~missing).sum(dim=0)", "means = numbers.mean(dim=0)", w,
    "After zeroing the NaNs it takes the plain column mean, so it divides by all n rows instead of by the number of non-NaN entries.",
    "把 NaN 置零后直接求列均值,分母是全部 n 行,而不是该列中非 NaN 数值的个数。",
    "Divide each column's sum of numbers by the count of non-NaN entries in that column, not by n.",
    "每列数值之和应除以该列非 NaN 元素的个数,而不是总行数 n。",
    ["Compute the mean over dim=1 instead of dim=0.", "Do not modify x in place; clone it first.", "Use torch.nanmean is forbidden, so replace NaN with the global mean."])

def w(r, m):
    x, y = torch.ones(3), torch.arange(3.)
    z1, z2 = torch.zeros(3), torch.zeros(3)
    r.add_into(z1, x, y); m.add_into(z2, x, y)
    return None if close(z1, z2) else f"add_into: caller's z after call ref {z1.tolist()} vs {z2.tolist()} (z not written in place)"
add("tensors", "add_into_rebind", "add_into", "z[:] = x + y", "z = x + y", w,
    "It rebinds the local name z to a new tensor instead of writing the sum into the caller's z in place.",
    "它把局部变量 z 重新绑定到一个新张量上,而没有把结果原地写进调用者传入的 z。",
    "Write into the existing storage with z[:] = x + y (or torch.add(x, y, out=z)) so the caller's tensor changes.",
    "用 z[:] = x + y(或 torch.add(x, y, out=z))写入原有存储,使调用者的张量被修改。",
    ["Return x + y with the right dtype.", "Broadcast y to x's shape before adding.", "Use z += x + y to accumulate."])

def w(r, m):
    x = torch.tensor([3., -4.]); a, b = r.norms(x), m.norms(x)
    return None if close(a, b) else f"norms([3,-4]): ref {[float(t) for t in a]} vs {[float(t) for t in b]}"
add("tensors", "norms_no_sqrt", "norms", "(x * x).sum().sqrt()", "(x * x).sum()", w,
    "The L2 norm is returned as the sum of squares; the square root is missing.",
    "L2 范数返回的是平方和,漏掉了开平方。",
    "The L2 norm is the square root of the sum of squares: take .sqrt() at the end.",
    "L2 范数是平方和再开根号:最后要 .sqrt()。",
    ["The L1 norm should use squares, not absolute values.", "Take the mean instead of the sum.", "Flatten x before computing the norms."])

# ---------------- autograd ----------------
def w(r, m):
    args = [torch.tensor(v) for v in (1.0, 2.0, 0.5)] + [torch.tensor([1., 2.]), torch.tensor([0., 1.])]
    a, b = r.quadratic_grads(*args), m.quadratic_grads(*args)
    return None if close(a, b) else f"quadratic_grads(1,2,0.5,x=[1,2],y=[0,1]): ref {[float(t) for t in a]} vs {[float(t) for t in b]}"
add("autograd", "quadratic_sign", "quadratic_grads", "r = w1 * x**2 + w2 * x + b - y", "r = y - (w1 * x**2 + w2 * x + b)", w,
    "The residual is taken as y − ŷ instead of ŷ − y, so every gradient has the wrong sign.",
    "残差写成了 y − ŷ 而不是 ŷ − y,导致三个梯度的符号全部相反。",
    "Differentiate (ŷ − y)²: the chain rule gives 2·(ŷ − y)·∂ŷ/∂w, so the residual is ŷ − y.",
    "对 (ŷ − y)² 求导,链式法则给出 2·(ŷ − y)·∂ŷ/∂w,残差应是 ŷ − y。",
    ["Divide by 2n instead of n.", "The gradient for w1 should use x, not x².", "Use sum instead of mean over the samples."])

def w(r, m):
    x = torch.tensor([1., 2., -3.]); a, b = r.detach_grad(x), m.detach_grad(x)
    return None if close(a, b) else f"detach_grad([1,2,-3]): ref {a.tolist()} vs {b.tolist()}"
add("autograd", "detach_forgotten", "detach_grad", "u = (copy * copy).detach()", "u = copy * copy", w,
    "u is not detached, so the gradient flows through u too and gives 3x² instead of u = x².",
    "u 没有 detach,梯度也会流过 u,结果是 3x² 而不是 u = x²。",
    "Call .detach() on u = x·x so it is treated as a constant and dz/dx equals u.",
    "对 u = x·x 调用 .detach(),把它当作常数,这样 dz/dx 就等于 u。",
    ["Zero x.grad before calling backward.", "Use retain_graph=True in backward.", "Sum z before backward with mean instead of sum."])

def w(r, m):
    x1 = torch.tensor([1., 2., 3.], dtype=torch.float64); x2 = x1.clone()
    f = lambda t: (t ** 2).sum()
    r.numerical_grad(f, x1); m.numerical_grad(f, x2)
    return None if torch.equal(x1, x2) else f"numerical_grad(sum x², [1,2,3]) leaves x as ref {x1.tolist()} vs {x2.tolist()}"
add("autograd", "numerical_no_restore", "numerical_grad", "            x[i] = original\n", "", w,
    "After the minus perturbation the element is never restored, so x is left shifted by −ε on return.",
    "减 ε 的扰动之后没有把该元素恢复,返回时 x 的每个元素都被改成了原值 − ε。",
    "Put each element back to its original value after evaluating f(x − ε·eᵢ).",
    "计算完 f(x − ε·eᵢ) 后要把该元素恢复为原始值。",
    ["Use a one-sided difference (f(x+ε) − f(x)) / ε.", "Use a larger eps like 1e-3.", "Work on x.clone() and return grads in float32."])

def w(r, m):
    a = r.Value(3.0); y = a * a + a; y.backward()
    b = m.Value(3.0); z = b * b + b; z.backward()
    return None if close(a.grad, b.grad) else f"Value: a=3, y=a*a+a, a.grad ref {a.grad} vs {b.grad}"
add("autograd", "value_grad_overwrite", "Value", "parent.grad += local * node.grad", "parent.grad = local * node.grad", w,
    "backward assigns parent.grad instead of accumulating it, so a node used more than once keeps only one path's gradient.",
    "backward 中对 parent.grad 用了赋值而不是累加,一个节点被多次使用时只保留了最后一条路径的梯度。",
    "Accumulate with += in backward: gradients from every use of a node must be summed.",
    "在 backward 中用 += 累加:一个节点被多处使用时各路径梯度要相加。",
    ["Process the nodes in forward (not reversed) topological order.", "Fix the local gradient of __mul__.", "Set self.grad = 0 before backward."])

# ---------------- losses ----------------
def w(r, m):
    a, b = r.huber(torch.tensor([3.0]), torch.tensor([0.0])), m.huber(torch.tensor([3.0]), torch.tensor([0.0]))
    return None if close(a, b) else f"huber(3, 0, delta=1): ref {float(a)} vs {float(b)}"
add("losses", "huber_linear_offset", "huber", "delta * (d - 0.5 * delta)", "delta * d", w,
    "The linear branch is δ·|d| without subtracting δ/2, so it does not join the quadratic part at |d| = δ.",
    "线性段写成了 δ·|d|,漏掉了减去 δ/2,在 |d| = δ 处与二次段不连续。",
    "Beyond δ the loss is δ·(|d| − δ/2), which meets 0.5·d² at |d| = δ.",
    "超过 δ 时损失为 δ·(|d| − δ/2),它在 |d| = δ 处与 0.5·d² 相接。",
    ["Use |d| < δ instead of |d| ≤ δ for the quadratic branch.", "Return the sum instead of the mean.", "Drop the 0.5 factor in the quadratic branch."])

def w(r, m):
    z, y = torch.tensor([200.0, -3.0]), torch.tensor([0.0, 1.0])
    a, b = r.bce_with_logits(z, y), m.bce_with_logits(z, y)
    return None if close(a, b) else f"bce_with_logits(z=[200,-3], y=[0,1]): ref {float(a)} vs {float(b)}"
add("losses", "bce_logits_naive", "bce_with_logits",
    "return (y * _softplus(-logits) + (1 - y) * _softplus(logits)).mean()",
    "p = sigmoid(logits)\n    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()", w,
    "It applies (its own) sigmoid and then takes logs, which overflows to inf for large logits because 1 − σ(z) rounds to 0.",
    "先做 sigmoid 再取 log,logit 很大时 1 − σ(z) 舍入为 0,log 得到 −inf,损失变成 inf。",
    "Work in log space: log σ(z) = −softplus(−z) and log(1 − σ(z)) = −softplus(z), computed stably.",
    "在对数空间计算:log σ(z) = −softplus(−z),log(1 − σ(z)) = −softplus(z),并用稳定写法。",
    ["Clamp the logits to [-100, 100] before the sigmoid.", "The targets must be converted to long.", "Use sum instead of mean."])

def w(r, m):
    torch.manual_seed(0); z = torch.randn(3, 4); t = torch.tensor([0, 2, 3])
    a, b = r.cross_entropy(z, t), m.cross_entropy(z, t)
    return None if close(a, b) else f"cross_entropy(randn(3,4), [0,2,3]): ref {float(a)} vs {float(b)}"
add("losses", "ce_softmax_dim0", "cross_entropy", "log_probs = log_softmax(logits, dim=1)", "log_probs = log_softmax(logits, dim=0)", w,
    "The log-softmax is taken over the batch dimension (dim=0) instead of over the classes (dim=1).",
    "log-softmax 在批次维(dim=0)上做了归一化,而不是在类别维(dim=1)上。",
    "Normalise each row over the classes: log_softmax along dim=1 of the (N, C) logits.",
    "对 (N, C) 的 logits 每一行在类别维 dim=1 上做 log_softmax。",
    ["Gather with target.unsqueeze(0) instead.", "Subtract the max for numerical stability.", "Targets must be one-hot encoded first."])

def w(r, m):
    p, q = torch.tensor([0.5, 0.5]), torch.tensor([0.9, 0.1])
    a, b = r.kl_div(p, q), m.kl_div(p, q)
    return None if close(a, b) else f"kl_div([.5,.5],[.9,.1]): ref {float(a)} vs {float(b)}"
add("losses", "kl_sign", "kl_div", "p * (safe_p.log() - q.log())", "p * (q.log() - safe_p.log())", w,
    "The log ratio is written log q − log p, so the divergence comes out negated.",
    "对数比写成了 log q − log p,得到的 KL 散度符号相反(为负)。",
    "KL(p‖q) = Σ p·(log p − log q); it is never negative.",
    "KL(p‖q) = Σ p·(log p − log q),结果永远非负。",
    ["Weight the terms by q instead of p.", "Sum over dim 0 instead of the last dim.", "Add an epsilon inside the logs."])

# ---------------- optim ----------------
def w(r, m):
    x = torch.tensor([1., 2., 3.]); y = 2 * x
    a, b = r.gd_fit(x, y, 0.05, 3), m.gd_fit(x, y, 0.05, 3)
    return None if close(a[1], b[1]) else f"gd_fit(x=[1,2,3], y=2x, lr=.05, 3 steps) losses ref {a[1]} vs {b[1]}"
add("optim", "gd_loss_after_step", "gd_fit",
    "        losses.append(_mse(w, x, y))\n        w -= lr * float((2 * x * (w * x - y)).mean())\n",
    "        w -= lr * float((2 * x * (w * x - y)).mean())\n        losses.append(_mse(w, x, y))\n", w,
    "It records the loss after each update instead of before it, so the curve misses the starting loss and is shifted by one step.",
    "每一步先更新再记录损失,损失曲线少了初始损失,整体错后一步。",
    "Append the loss of the current w first, then take the gradient step.",
    "先记录当前 w 的损失,再做梯度更新。",
    ["Start from w = 0 instead of w = 1.", "The gradient is missing the factor 2.", "Use sum instead of mean in the loss."])

def w(r, m):
    def run(mod):
        p = nn.Parameter(torch.tensor([1.0, -2.0])); opt = mod.SGD([p], lr=0.1, weight_decay=0.5)
        p.grad = torch.tensor([0.5, 0.5]); opt.step(); return p.detach().clone()
    a, b = run(r), run(m)
    return None if close(a, b) else f"SGD(lr=.1, wd=.5) one step from [1,-2], grad .5: ref {a.tolist()} vs {b.tolist()}"
add("optim", "sgd_decay_sign", "SGD", 'p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad\n                if group["momentum"]',
    'p.grad - group["weight_decay"] * p if group["weight_decay"] else p.grad\n                if group["momentum"]', w,
    "Weight decay is subtracted from the gradient instead of added, so it pushes weights away from zero.",
    "权重衰减项从梯度中减去而不是加上,反而把权重推离 0。",
    "L2 weight decay adds λ·p to the gradient before the update.",
    "L2 权重衰减应在更新前把 λ·p 加到梯度上。",
    ["Apply weight decay after the momentum buffer.", "Initialise the momentum buffer with zeros.", "Multiply the learning rate by (1 − dampening)."])

def w(r, m):
    def run(mod):
        p = nn.Parameter(torch.tensor([1.0, -2.0])); opt = mod.Adam([p], lr=0.1)
        for _ in range(2):
            p.grad = torch.tensor([0.3, -1.0]); opt.step()
        return p.detach().clone()
    a, b = run(r), run(m)
    return None if close(a, b) else f"Adam(lr=.1) two steps from [1,-2]: ref {a.tolist()} vs {b.tolist()}"
add("optim", "adam_no_v_correction", "Adam", 'v_hat = state["v"] / (1 - beta2 ** state["step"])', 'v_hat = state["v"]', w,
    "The second moment v is used without its bias correction 1 − β₂ᵗ, so early steps are far too large.",
    "二阶矩 v 没有做偏差修正(除以 1 − β₂ᵗ),导致前几步步长过大。",
    "Divide v by (1 − β₂ᵗ) as well as m by (1 − β₁ᵗ) before forming the update.",
    "更新前 m 要除以 (1 − β₁ᵗ),v 也要除以 (1 − β₂ᵗ)。",
    ["Put eps inside the square root.", "Increment the step counter after the update.", "Use g instead of g² for the second moment."])

def w(r, m):
    a, b = r.k_fold_indices(10, 3), m.k_fold_indices(10, 3)
    return None if close(a, b) else f"k_fold_indices(10, 3): ref sizes {[len(t) for t in a]} vs {[len(t) for t in b]}"
add("optim", "kfold_split_size", "k_fold_indices", "torch.arange(n).tensor_split(k)", "torch.arange(n).split(n // k)", w,
    "It splits into chunks of size n // k, which gives more than k folds (a small leftover fold) when k does not divide n.",
    "按 n // k 的块大小切分,当 n 不能被 k 整除时会得到多于 k 个折(多出一个小尾巴)。",
    "Split into exactly k parts, the first n % k of them one longer (tensor_split(k)).",
    "精确切成 k 份,前 n % k 份各多一个元素(tensor_split(k))。",
    ["Shuffle the indices before splitting.", "Return int32 instead of int64.", "Use ceil(n / k) as the chunk size."])

# ---------------- mlp ----------------
def w(r, m):
    x = torch.ones(1000)
    a = same_seed(lambda: r.dropout(x, 0.5)); b = same_seed(lambda: m.dropout(x, 0.5))
    return None if close(a, b) else f"dropout(ones(1000), .5) same seed: ref mean {float(a.mean()):.3f} vs {float(b.mean()):.3f}"
add("mlp", "dropout_no_rescale", "dropout", "return x * keep / (1 - p)", "return x * keep", w,
    "Kept activations are not scaled by 1/(1 − p), so the expected output shrinks during training.",
    "保留下来的激活没有乘以 1/(1 − p),训练时输出的期望值变小。",
    "Inverted dropout: divide the kept values by (1 − p) so the expectation is unchanged.",
    "反向 dropout:保留的值要除以 (1 − p),使期望保持不变。",
    ["Scale by p instead at evaluation time.", "Keep an element when rand < p.", "Return x unchanged when p == 0 only."])

def w(r, m):
    a = same_seed(lambda: r.xavier_uniform_(torch.empty(8, 4, 3, 3)))
    b = same_seed(lambda: m.xavier_uniform_(torch.empty(8, 4, 3, 3)))
    return None if close(a, b) else f"xavier_uniform_ on (8,4,3,3) same seed: max|w| ref {float(a.abs().max()):.3f} vs {float(b.abs().max()):.3f}"
add("mlp", "xavier_no_receptive", "xavier_uniform_", "receptive = math.prod(tensor.shape[2:])", "receptive = 1", w,
    "Fan-in and fan-out ignore the kernel's receptive field, so conv weights get a bound that is too large.",
    "fan_in 和 fan_out 没有乘以卷积核的感受野大小,卷积权重的取值范围过大。",
    "For conv weights multiply both fans by the kernel area (prod of shape[2:]).",
    "对卷积权重,fan_in 和 fan_out 都要乘以卷积核面积(shape[2:] 的乘积)。",
    ["Use sqrt(2 / fan_in) (He init) instead.", "Swap fan_in and fan_out.", "Draw from a normal distribution instead of uniform."])

def w(r, m):
    torch.manual_seed(0); X, Y = torch.randn(12, 3), torch.randn(12, 1)
    loader = [(X[i:i + 4], Y[i:i + 4]) for i in range(0, 12, 4)]
    def run(mod):
        torch.manual_seed(1); model = nn.Linear(3, 1); opt = torch.optim.SGD(model.parameters(), lr=0.1)
        mod.train_epoch(model, loader, nn.MSELoss(), opt, "cpu"); return model.weight.detach().clone()
    a, b = run(r), run(m)
    return None if close(a, b) else f"train_epoch, Linear(3,1), 3 batches SGD lr=.1: weights ref {a.tolist()} vs {b.tolist()}"
add("mlp", "train_no_zero_grad", "train_epoch", "        optimizer.zero_grad()\n", "", w,
    "optimizer.zero_grad() is never called, so gradients from earlier batches accumulate into each step.",
    "从不调用 optimizer.zero_grad(),之前批次的梯度会累加到后面的每一步。",
    "Clear the gradients (optimizer.zero_grad()) before each loss.backward().",
    "每次 loss.backward() 之前先用 optimizer.zero_grad() 清零梯度。",
    ["Call model.eval() before the loop.", "Weight the loss by the batch size before backward.", "Move the model to the device inside the loop."])

def w(r, m):
    torch.manual_seed(0); X = torch.randn(400, 5); lab = (X[:, 0] > 0).long()
    torch.manual_seed(1); model = nn.Sequential(nn.Linear(5, 2), nn.Dropout(0.9))
    with torch.no_grad(): model[0].weight.zero_(); model[0].weight[1, 0] = 5.0; model[0].weight[0, 0] = -5.0; model[0].bias.zero_()
    loader = [(X[i:i + 100], lab[i:i + 100]) for i in range(0, 400, 100)]
    model.train(); torch.manual_seed(2); a = r.evaluate(model, loader, "cpu")
    model.train(); torch.manual_seed(2); b = m.evaluate(model, loader, "cpu")
    return None if close(a, b) else f"evaluate on model with Dropout(.9) left in train mode: ref acc {a} vs {b}"
add("mlp", "evaluate_no_eval", "evaluate", "    model.eval()\n    correct, count", "    correct, count", w,
    "model.eval() is not called, so dropout (and batch-norm batch statistics) stay active during evaluation.",
    "没有调用 model.eval(),评估时 dropout(以及 BatchNorm 的批统计)仍然生效。",
    "Switch the model to eval mode with model.eval() before computing accuracy.",
    "计算精度前先用 model.eval() 切换到评估模式。",
    ["Wrap the loop in torch.no_grad().", "Threshold probabilities at 0 instead of 0.5.", "Divide by the number of batches instead of samples."])

# ---------------- cnn ----------------
def w(r, m):
    x, k = torch.arange(9.).reshape(3, 3), torch.ones(2, 2)
    a, b = r.corr2d(x, k), m.corr2d(x, k)
    return None if close(a, b) else f"corr2d(3x3, ones 2x2): ref shape {tuple(a.shape)} vs {tuple(b.shape)}"
add("cnn", "corr2d_off_by_one", "corr2d", "for j in range(x.shape[1] - kw + 1)])\n            for i in range(x.shape[0] - kh + 1)]",
    "for j in range(x.shape[1] - kw)])\n            for i in range(x.shape[0] - kh)]", w,
    "The loops run to n − k instead of n − k + 1, so the last row and column of outputs are missing.",
    "循环上界写成 n − k 而不是 n − k + 1,输出少了最后一行和最后一列。",
    "The output side is n − k + 1: loop over range(n − k + 1) in each direction.",
    "输出边长是 n − k + 1:每个方向都要循环 range(n − k + 1)。",
    ["Flip the kernel before multiplying.", "Pad the input with zeros.", "Use the mean of the window instead of the sum."])

def w(r, m):
    torch.manual_seed(0); x, wt = torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3)
    a, b = r.conv2d(x, wt), m.conv2d(x, wt)
    return None if close(a, b) else f"conv2d(randn(1,2,5,5), randn(3,2,3,3)) vs ref: max diff {float((a - b).abs().max()):.3f}"
add("cnn", "conv2d_flipped_kernel", "conv2d", "out = weight.reshape(c_out, -1) @ columns",
    "out = weight.flip(-1, -2).reshape(c_out, -1) @ columns", w,
    "The kernel is flipped as in the mathematical convolution, but F.conv2d (and the docstring) is cross-correlation with no flip.",
    "按数学上的卷积把卷积核翻转了,但 F.conv2d(以及题目要求)是不翻转的互相关。",
    "Deep-learning 'convolution' is cross-correlation: multiply windows by the kernel as is, without flipping.",
    "深度学习中的“卷积”是互相关:窗口直接与卷积核相乘,不要翻转。",
    ["The output size formula is missing the padding.", "Add the bias before the matrix product.", "Transpose the unfolded columns."])

def w(r, m):
    a, b = r.conv_output_size(28, 5, 2, 1), m.conv_output_size(28, 5, 2, 1)
    return None if a == b else f"conv_output_size(28, 5, padding=2): ref {a} vs {b}"
add("cnn", "outsize_single_pad", "conv_output_size", "(n + 2 * padding - k) // stride + 1", "(n + padding - k) // stride + 1", w,
    "Padding is counted once instead of twice, although it is added on both sides of the input.",
    "padding 只加了一次,而实际上输入两侧都会补零,应加 2·padding。",
    "Padding goes on both sides, so the padded size is n + 2·padding.",
    "两侧都会填充,填充后的尺寸是 n + 2·padding。",
    ["Use ceiling division instead of floor.", "Drop the + 1.", "Divide by stride before subtracting k."])

def w(r, m):
    torch.manual_seed(0); x = torch.randn(1, 1, 4, 4)
    a, b = r.max_pool2d(x, 2), m.max_pool2d(x, 2)
    return None if close(a, b) else f"max_pool2d(randn(1,1,4,4), 2): ref shape {tuple(a.shape)} vs {tuple(b.shape)}"
add("cnn", "maxpool_stride_one", "max_pool2d", "stride = stride or kernel_size", "stride = stride or 1", w,
    "When stride is None it uses stride 1 instead of the kernel size, so windows overlap and the output is too large.",
    "stride 为 None 时用了 1 而不是 kernel_size,窗口重叠,输出尺寸过大。",
    "The default pooling stride equals kernel_size (non-overlapping windows).",
    "池化的默认步幅等于 kernel_size(窗口不重叠)。",
    ["Take amax over dim 1 instead of the window dims.", "Pad the input by kernel_size // 2.", "Use unfold on dims 1 and 2."])

# ---------------- inception ----------------
def cmp_module(r, m, ctor, x, what):
    a = same_seed(lambda: ctor(r)); b = same_seed(lambda: ctor(m))
    with torch.no_grad(): ya, yb = a(x), b(x)
    return None if close(ya, yb) else f"{what}: same seed, outputs differ (max {float((ya - yb).abs().max()):.4f})"

def w(r, m):
    torch.manual_seed(5); x = torch.randn(2, 3, 8, 8)
    return cmp_module(r, m, lambda mod: mod.InceptionA(3), x, "InceptionA(3) on randn(2,3,8,8)")
add("inception", "pool_branch_max", "InceptionA", "F.avg_pool2d(x, 3, stride=1, padding=1)", "F.max_pool2d(x, 3, stride=1, padding=1)", w,
    "The pooling branch uses 3×3 max pooling where the lecture's Inception block uses 3×3 average pooling.",
    "池化分支用了 3×3 最大池化,而课程的 Inception 块用的是 3×3 平均池化。",
    "Use average pooling (kernel 3, stride 1, padding 1) before the pool branch's 1×1 conv.",
    "池化分支的 1×1 卷积之前应使用平均池化(核 3,步幅 1,填充 1)。",
    ["Concatenate along dim 0.", "The 5×5 branch needs padding 1.", "Apply ReLU after every branch."])

def w(r, m):
    torch.manual_seed(5); x = torch.randn(2, 3, 8, 8)
    return cmp_module(r, m, lambda mod: mod.InceptionA(3), x, "InceptionA(3) on randn(2,3,8,8)")
add("inception", "skip_3x3_conv", "InceptionA", "b3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))",
    "b3x3 = self.branch3x3_2(self.branch3x3_1(x))", w,
    "The 3×3 branch stops after its first 3×3 conv; the second 3×3 conv (branch3x3_3) is never applied.",
    "3×3 分支只做了第一个 3×3 卷积,第二个 3×3 卷积(branch3x3_3)没有被调用。",
    "The 3×3 branch is 1×1 → 3×3 → 3×3: chain all three convs.",
    "3×3 分支是 1×1 → 3×3 → 3×3:三个卷积要依次串起来。",
    ["Change the 3×3 convs' padding to 0.", "Reorder the concatenation of the branches.", "Use 16 output channels in the 3×3 branch."])

def w(r, m):
    a, b = r.conv_mults(28, 28, 192, 32, 5), m.conv_mults(28, 28, 192, 32, 5)
    return None if a == b else f"conv_mults(28,28,192,32,5): ref {a} vs {b}"
add("inception", "mults_k_once", "conv_mults", "return k * k * c_in * c_out * h * w", "return k * c_in * c_out * h * w", w,
    "The kernel size is counted once instead of k·k for a square k×k kernel.",
    "卷积核大小只乘了一次 k,而 k×k 卷积核应乘 k·k。",
    "Each output value costs k·k·c_in multiplications, for c_out·h·w outputs.",
    "每个输出值需要 k·k·c_in 次乘法,共有 c_out·h·w 个输出。",
    ["Divide by the stride squared.", "Use (h − k + 1) instead of h.", "Add c_in + c_out instead of multiplying."])

def w(r, m):
    torch.manual_seed(5); x = torch.randn(2, 1, 28, 28)
    return cmp_module(r, m, lambda mod: mod.GoogLeNetMini(), x, "GoogLeNetMini() on randn(2,1,28,28)")
add("inception", "missing_relu_stage2", "GoogLeNetMini", "x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))",
    "x = self.incep2(F.max_pool2d(self.conv2(x), 2))", w,
    "The ReLU after the second conv-pool stage is left out, so that stage is linear.",
    "第二个卷积-池化阶段后漏掉了 ReLU,这一段变成了线性的。",
    "Both stages are conv → max-pool → ReLU → Inception; apply relu in the second stage too.",
    "两个阶段都是 卷积 → 最大池化 → ReLU → Inception;第二阶段也要加 relu。",
    ["Swap max-pool and ReLU order.", "Hard-code the linear size to 1408.", "Use 88 input channels in incep2."])

# ---------------- resnet ----------------
def w(r, m):
    torch.manual_seed(5); x = torch.randn(2, 4, 6, 6)
    return cmp_module(r, m, lambda mod: mod.ResidualBlock(4), x, "ResidualBlock(4) on randn(2,4,6,6)")
add("resnet", "no_shortcut", "ResidualBlock", "return F.relu(x + self.conv2(F.relu(self.conv1(x))))",
    "return F.relu(self.conv2(F.relu(self.conv1(x))))", w,
    "The shortcut is missing: x is never added back before the final ReLU.",
    "缺少捷径连接:最后的 ReLU 之前没有把 x 加回来。",
    "Add the input x to conv2's output, then apply the final ReLU.",
    "把输入 x 加到 conv2 的输出上,再做最后的 ReLU。",
    ["Remove the ReLU between the convs.", "Use padding 0 in the convs.", "Add batch normalisation after each conv."])

def w(r, m):
    torch.manual_seed(0); x = torch.randn(4, 3, 2, 2)
    def run(mod):
        rm, rv = torch.zeros(3), torch.ones(3)
        mod.batch_norm(x, torch.ones(3), torch.zeros(3), rm, rv, True); return rm, rv
    a, b = run(r), run(m)
    return None if close(a, b) else f"batch_norm training, running_mean after: ref {a[0].tolist()} vs {b[0].tolist()}"
add("resnet", "bn_running_not_inplace", "batch_norm",
    "            running_mean.mul_(1 - momentum).add_(momentum * mean)\n            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))\n",
    "            running_mean = (1 - momentum) * running_mean + momentum * mean\n            running_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)\n", w,
    "The running statistics are reassigned to new local tensors instead of updated in place, so the caller's running_mean/var never change.",
    "运行均值/方差被重新赋值为新的局部张量而不是原地更新,调用者的 running_mean/running_var 始终不变。",
    "Update running_mean and running_var in place (mul_/add_ or [:] =) so the caller sees the new values.",
    "用 mul_/add_ 或 [:] = 原地更新 running_mean 和 running_var,让调用者看到新值。",
    ["Use the unbiased variance to normalise the batch.", "Swap momentum and 1 − momentum.", "Normalise over dim 1 instead of the other dims."])

def w(r, m):
    torch.manual_seed(5); x = torch.randn(2, 4, 6, 6)
    def ctor(mod): b = mod.BasicBlock(4, 4); b.eval(); return b
    return cmp_module(r, m, ctor, x, "BasicBlock(4,4).eval() on randn(2,4,6,6)")
add("resnet", "basic_relu_before_add", "BasicBlock", "return F.relu(main + self.shortcut(x))", "return F.relu(main) + self.shortcut(x)", w,
    "The final ReLU is applied to the main path before adding the shortcut, instead of to the sum.",
    "最后的 ReLU 作用在了主路径上再加捷径,而不是作用在两者之和上。",
    "Add the shortcut to bn2's output first, then apply ReLU to the sum.",
    "先把捷径加到 bn2 的输出上,再对和做 ReLU。",
    ["Use a 1×1 projection shortcut whenever stride is 1.", "Remove bn2.", "Put the ReLU before bn1."])

def w(r, m):
    torch.manual_seed(5); x = torch.randn(2, 1, 8, 8)
    def ctor(mod): n = mod.SmallResNet(); n.eval(); return n
    return cmp_module(r, m, ctor, x, "SmallResNet().eval() on randn(2,1,8,8)")
add("resnet", "global_max_pool", "SmallResNet", "self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))",
    "self.fc(self.blocks(self.stem(x)).amax(dim=(2, 3)))", w,
    "It uses global max pooling over H and W where the model calls for global average pooling.",
    "在 H、W 上用了全局最大池化,而模型要求的是全局平均池化。",
    "Average the final feature map over its spatial dims (mean over dims 2 and 3) before the linear layer.",
    "线性层之前对最后的特征图在空间维(dim 2、3)上求平均。",
    ["Flatten the feature map instead of pooling.", "The second block should keep stride 1.", "Add a ReLU after the linear layer."])

# ---------------- rnn ----------------
def w(r, m):
    torch.manual_seed(0); x, h = torch.randn(2, 3), torch.randn(2, 3)
    wi, wh, bi, bh = torch.randn(3, 3), torch.randn(3, 3), torch.randn(3), torch.randn(3)
    a, b = r.rnn_cell(x, h, wi, wh, bi, bh), m.rnn_cell(x, h, wi, wh, bi, bh)
    return None if close(a, b) else f"rnn_cell with square 3x3 weights: max diff {float((a - b).abs().max()):.3f}"
add("rnn", "cell_untransposed", "rnn_cell", "x @ w_ih.T + b_ih + h @ w_hh.T + b_hh", "x @ w_ih + b_ih + h @ w_hh + b_hh", w,
    "The weight matrices are used without transposing (x·W instead of x·Wᵀ).",
    "权重矩阵没有转置(用了 x·W 而不是 x·Wᵀ)。",
    "PyTorch stores W_ih as (hidden, input): multiply by its transpose, x @ w_ih.T (same for w_hh).",
    "PyTorch 中 W_ih 的形状是 (hidden, input):要乘它的转置 x @ w_ih.T(w_hh 同理)。",
    ["Use sigmoid instead of tanh.", "Add only one of the two biases.", "Concatenate x and h along dim 0."])

def w(r, m):
    torch.manual_seed(0); x, h0 = torch.randn(4, 2, 3), torch.randn(1, 2, 5)
    params = [(torch.randn(5, 3), torch.randn(5, 5), torch.randn(5), torch.randn(5))]
    a, b = r.rnn_forward(x, h0, params), m.rnn_forward(x, h0, params)
    return None if close(a, b) else "rnn_forward seq_len 4, 1 layer: outputs differ from step 2 on"
add("rnn", "forward_state_not_carried", "rnn_forward", "h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)",
    "h = rnn_cell(x_t, h0[layer], w_ih, w_hh, b_ih, b_hh)", w,
    "Every step starts from h0 instead of the previous step's hidden state, so the state is never carried along the sequence.",
    "每一步都从 h0 开始,而不是用上一步的隐藏状态,状态没有沿序列传递。",
    "Feed each step the hidden state produced by the previous step.",
    "每一步要把上一步输出的隐藏状态作为输入。",
    ["Feed the next layer the original x instead of the previous layer's outputs.", "Stack the outputs along dim 1.", "Initialise h with zeros instead of h0."])

def w(r, m):
    torch.manual_seed(0); x, h = torch.randn(2, 3), torch.randn(2, 4)
    wi, wh, bi, bh = torch.randn(12, 3), torch.randn(12, 4), torch.randn(12), torch.randn(12)
    a, b = r.gru_cell(x, h, wi, wh, bi, bh), m.gru_cell(x, h, wi, wh, bi, bh)
    return None if close(a, b) else f"gru_cell random weights: max diff {float((a - b).abs().max()):.3f}"
add("rnn", "gru_update_swapped", "gru_cell", "return (1 - z) * n + z * h", "return z * n + (1 - z) * h", w,
    "The update gate weights are swapped: z multiplies the new candidate and 1 − z the old state, the opposite of PyTorch's GRU.",
    "更新门的权重用反了:z 乘了候选状态、1 − z 乘了旧状态,与 PyTorch 的 GRU 相反。",
    "In PyTorch's GRU, h' = (1 − z)·n + z·h: z keeps the old state.",
    "PyTorch 的 GRU 中 h' = (1 − z)·n + z·h:z 保留旧状态。",
    ["Apply the reset gate outside the hidden projection, r·(h·W_hnᵀ) + b_hn.", "Split the gates in the order z, r, n.", "Use tanh for the update gate."])

def w(r, m):
    torch.manual_seed(5); idx = torch.randint(0, 4, (5, 3))
    return cmp_module(r, m, lambda mod: mod.HelloRNN(4, 6), idx, "HelloRNN(4,6) on idx (5,3)")
add("rnn", "hello_batch_first", "HelloRNN", "self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)",
    "self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)", w,
    "nn.RNN is built with batch_first=True although the input is seq-first (seq_len, batch), so it recurs over the batch instead of over time.",
    "nn.RNN 设置了 batch_first=True,但输入是序列优先的 (seq_len, batch),结果是在批次维而不是时间维上递归。",
    "Keep nn.RNN's default seq-first layout to match idx of shape (seq_len, batch).",
    "保持 nn.RNN 默认的序列优先布局,与形状为 (seq_len, batch) 的 idx 对应。",
    ["One-hot vectors must be long, not float.", "Apply softmax before returning the logits.", "Use the last hidden state h_n instead of output."])

# ---------------- build + check ----------------
refs = {}
labels, ok = [], True
for i, spec in enumerate(M):
    t = spec["topic"]
    text = open(f"{SOL}/{t}.py").read()
    assert text.count(spec["old"]) == 1, (spec["name"], text.count(spec["old"]))
    fname = f"{t}_{spec['name']}.py"
    open(f"{OUT}/{fname}", "w").write(text.replace(spec["old"], spec["new"]))
    if t not in refs: refs[t] = load(f"{SOL}/{t}.py", f"ref_{t}")
    mut = load(f"{OUT}/{fname}", f"mut_{i}")
    res = spec["witness"](refs[t], mut)
    print(("DIFFERS " if res else "SAME!!  ") + fname + " :: " + str(res)); sys.stdout.flush()
    ok &= bool(res)
    labels.append(dict(file=fname, topic=t, exercise=spec["exercise"], cause=spec["cause"], cause_zh=spec["cause_zh"],
                       fits=spec["fits"], fits_zh=spec["fits_zh"], misleading=spec["misleading"], witness=res))
    json.dump(labels, open(f"{OUT}/labels.json", "w"), ensure_ascii=False, indent=1)
from collections import Counter
print(Counter(l["topic"] for l in labels), "all differ" if ok else "SOME SAME")
