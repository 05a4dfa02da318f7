from common import *
T = "tensors"


def rnd(*s, dtype=torch.float32):
    return torch.randn(*s, dtype=dtype)


# ---------------- mistakes ----------------
def _add_run(make):
    def run(Mod):
        z, x, y = make()
        ptr = z.data_ptr()
        out = Mod.add_into(z, x, y)
        return z.clone(), out is z, z.data_ptr() == ptr
    return run


M(T, "add_into_rebind", "add_into", "binds z = x + y to a new tensor instead of writing into z",
  "z=zeros(3,4), x,y randn(3,4)",
  "def add_into(z, x, y):\n    z = x + y\n    return z\n",
  differs(_add_run(lambda: (torch.zeros(3, 4), torch.randn(3, 4), torch.randn(3, 4)))))
M(T, "add_into_float_math", "add_into", "adds in float32 then writes back: int64 values above 2**24 lose digits",
  "int64 x = y = 2**40 + 1 (shape (3,))",
  "def add_into(z, x, y):\n    z[:] = x.float() + y.float()\n    return z\n",
  differs(lambda Mod: Mod.add_into(torch.zeros(3, dtype=torch.int64), torch.full((3,), 2**40 + 1),
                                   torch.full((3,), 2**40 + 1)).clone()))
M(T, "add_into_data_assign", "add_into", "z.data = x + y: same object, new storage (data_ptr changes)",
  "z zeros(2,3): data_ptr before vs after",
  "def add_into(z, x, y):\n    z.data = x + y\n    return z\n",
  differs(_add_run(lambda: (torch.zeros(2, 3), torch.randn(2, 3), torch.randn(2, 3)))))
M(T, "row_normalize_float", "row_normalize", "casts the result to float32: float64 input comes back float32",
  "x float64 rand(4,3)",
  "def row_normalize(x):\n    return (x / x.sum(dim=1, keepdim=True)).float()\n",
  differs(lambda Mod: Mod.row_normalize(torch.rand(4, 3, dtype=torch.float64))))
M(T, "row_normalize_clamp", "row_normalize", "guards the row sum with clamp(min=1e-6): tiny positive rows are wrong",
  "x = rand(3,4)*1e-9 (positive sums ~2e-9)",
  "def row_normalize(x):\n    return x / x.sum(dim=1, keepdim=True).clamp(min=1e-6)\n",
  differs(lambda Mod: Mod.row_normalize(torch.rand(3, 4) * 1e-9)))
M(T, "row_normalize_dim0", "row_normalize", "divides by column sums (dim=0)",
  "x rand(3,4)",
  "def row_normalize(x):\n    return x / x.sum(dim=0, keepdim=True)\n",
  differs(lambda Mod: Mod.row_normalize(torch.rand(3, 4))))
M(T, "pairwise_sq_no_broadcast", "pairwise_sq_dists", "expansion with |a|² + |b|² added as (n,) + (m,) vectors",
  "a randn(3,2), b randn(3,2) (n == m)",
  "def pairwise_sq_dists(a, b):\n    return (a * a).sum(1) + (b * b).sum(1) - 2 * (a @ b.T)\n",
  differs(lambda Mod: Mod.pairwise_sq_dists(torch.randn(3, 2), torch.randn(3, 2))))
M(T, "pairwise_sq_squeeze", "pairwise_sq_dists", "squeezes the difference: a single row of a (n = 1) loses its axis",
  "a randn(1,3), b randn(4,3)",
  "def pairwise_sq_dists(a, b):\n    return ((a[:, None, :] - b[None, :, :]) ** 2).squeeze().sum(dim=-1)\n",
  differs(lambda Mod: Mod.pairwise_sq_dists(torch.randn(1, 3), torch.randn(4, 3))))
M(T, "pairwise_sqrt", "pairwise_sq_dists", "returns Euclidean distances, not squared ones",
  "a randn(3,2), b randn(4,2)",
  "def pairwise_sq_dists(a, b):\n    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1).sqrt()\n",
  differs(lambda Mod: Mod.pairwise_sq_dists(torch.randn(3, 2), torch.randn(4, 2))))
M(T, "one_hot_max_label", "one_hot", "sizes the columns from labels.max() + 1, ignoring num_classes",
  "labels [0, 1, 1], num_classes 4",
  "def one_hot(labels, num_classes):\n    out = torch.zeros(len(labels), int(labels.max()) + 1, device=labels.device)\n"
  "    out[torch.arange(len(labels)), labels] = 1\n    return out\n",
  differs(lambda Mod: Mod.one_hot(torch.tensor([0, 1, 1]), 4)))
M(T, "one_hot_long", "one_hot", "returns int64 (compare .long()) instead of float32",
  "labels [2, 0], num_classes 3",
  ed(T, "one_hot", (".float()", ".long()")),
  differs(lambda Mod: Mod.one_hot(torch.tensor([2, 0]), 3)))
M(T, "accuracy_argmax_labels", "accuracy", "always takes argmax, also of a (n,) vector of predicted labels",
  "y_hat = tensor([1, 0, 2]) labels, y = same",
  "def accuracy(y_hat, y):\n    return (y_hat.argmax(dim=-1) == y).float().mean().item()\n",
  differs(lambda Mod: Mod.accuracy(torch.tensor([1, 0, 2]), torch.tensor([1, 0, 2]))))
M(T, "accuracy_tensor", "accuracy", "returns a 0-dim tensor, not a Python float",
  "y_hat randn(5,3), y randint",
  "def accuracy(y_hat, y):\n    predicted = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat\n    return (predicted == y).float().mean()\n",
  differs(lambda Mod: Mod.accuracy(torch.randn(5, 3), torch.tensor([0, 1, 2, 0, 1]))))
M(T, "accuracy_last_tie", "accuracy", "argmax of the flipped scores: ties go to the LAST maximal index",
  "y_hat [[1,1],[2,2]], y [0,0]",
  "def accuracy(y_hat, y):\n    if y_hat.dim() == 2:\n        y_hat = y_hat.shape[1] - 1 - y_hat.flip(1).argmax(dim=1)\n"
  "    return (y_hat == y).float().mean().item()\n",
  differs(lambda Mod: Mod.accuracy(torch.tensor([[1.0, 1.0], [2.0, 2.0]]), torch.tensor([0, 0]))))
M(T, "flatten_784", "flatten_batch", "hard-codes the notes' view(-1, 784)",
  "x randn(2,1,8,8)",
  "def flatten_batch(x):\n    return x.reshape(-1, 784)\n",
  differs(lambda Mod: Mod.flatten_batch(torch.randn(2, 1, 8, 8))))
M(T, "flatten_squeeze", "flatten_batch", "squeeze() then flatten(1): batch of one (N = 1) loses the batch axis",
  "x randn(1,1,4,4)",
  "def flatten_batch(x):\n    return x.squeeze().flatten(1)\n",
  differs(lambda Mod: Mod.flatten_batch(torch.randn(1, 1, 4, 4))))
M(T, "fill_nan_zero_mean", "fill_nan_with_column_mean", "column mean of nan_to_num(x): NaNs counted as zeros",
  "x = [[1, nan], [3, 4], [nan, 6]]",
  "def fill_nan_with_column_mean(x):\n    means = torch.nan_to_num(x).mean(dim=0)\n    return torch.where(torch.isnan(x), means.expand_as(x), x)\n",
  differs(lambda Mod: Mod.fill_nan_with_column_mean(torch.tensor([[1.0, float('nan')], [3.0, 4.0], [float('nan'), 6.0]]))))
M(T, "fill_nan_f16_promote", "fill_nan_with_column_mean", "divides by a float32 count: float16 input comes back float32",
  "x float16 [[1, nan], [3, 4]]",
  "def fill_nan_with_column_mean(x):\n    missing = torch.isnan(x)\n    numbers = torch.where(missing, torch.zeros_like(x), x)\n"
  "    means = numbers.sum(dim=0) / (~missing).float().sum(dim=0)\n    return torch.where(missing, means.expand_as(x), x)\n",
  differs(lambda Mod: Mod.fill_nan_with_column_mean(torch.tensor([[1.0, float('nan')], [3.0, 4.0]], dtype=torch.float16))))
M(T, "fill_nan_row_mean", "fill_nan_with_column_mean", "uses the row's mean (nanmean over dim 1)",
  "x = [[1, nan, 5], [3, 4, 8]]",
  "def fill_nan_with_column_mean(x):\n    means = x.nanmean(dim=1, keepdim=True)\n    return torch.where(torch.isnan(x), means.expand_as(x), x)\n",
  differs(lambda Mod: Mod.fill_nan_with_column_mean(torch.tensor([[1.0, float('nan'), 5.0], [3.0, 4.0, 8.0]]))))
M(T, "matmul_squeeze", "matmul", "squeezes the summed product: a single-column b (m = 1) gives (n,) not (n, 1)",
  "a randn(3,4), b randn(4,1)",
  "def matmul(a, b):\n    return (a[:, :, None] * b[None, :, :]).sum(dim=1).squeeze()\n",
  differs(lambda Mod: Mod.matmul(torch.randn(3, 4), torch.randn(4, 1))))
M(T, "matmul_float32_acc", "matmul", "accumulates in float32: float64 inputs give a float32 product",
  "a, b float64 randn (3,4), (4,2)",
  "def matmul(a, b):\n    return (a.float()[:, :, None] * b.float()[None, :, :]).sum(dim=1)\n",
  differs(lambda Mod: Mod.matmul(torch.randn(3, 4, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64))))
M(T, "norms_item", "norms", "returns Python floats via .item() instead of 0-dim tensors",
  "x randn(3,4)",
  "def norms(x):\n    return x.abs().sum().item(), (x * x).sum().sqrt().item()\n",
  differs(lambda Mod: Mod.norms(torch.randn(3, 4))))
M(T, "norms_view", "norms", "x.view(-1) first: fails for a non-contiguous x",
  "x = randn(3,4).T",
  "def norms(x):\n    flat = x.view(-1)\n    return flat.abs().sum(), (flat * flat).sum().sqrt()\n",
  differs(lambda Mod: Mod.norms(torch.randn(3, 4).T)))
M(T, "norms_sum_abs", "norms", "L1 as |Σx| (abs after the sum)",
  "x randn(3,4) with mixed signs",
  "def norms(x):\n    return x.sum().abs(), (x * x).sum().sqrt()\n",
  differs(lambda Mod: Mod.norms(torch.randn(3, 4))))

# ---------------- contract ----------------
X(T, "row_normalize_inplace", "row_normalize", "divides x in place (x.div_) and returns it",
  "inputs are left unchanged unless a docstring says otherwise",
  "def row_normalize(x):\n    return x.div_(x.sum(dim=1, keepdim=True))\n",
  mutates(lambda: [torch.rand(3, 4) + 0.1], lambda Mod, i: Mod.row_normalize(*i)))
X(T, "row_normalize_loop", "row_normalize", "a Python loop over the rows",
  "Vectorised (降维 + 广播): no Python loop over rows",
  "def row_normalize(x):\n    return torch.stack([row / row.sum() for row in x])\n",
  grows(lambda Mod, n: Mod.row_normalize(torch.rand(n, 3) + 0.1)))
X(T, "pairwise_cdist", "pairwise_sq_dists", "torch.cdist(a, b) ** 2",
  "Off limits: torch.cdist",
  "def pairwise_sq_dists(a, b):\n    return torch.cdist(a, b) ** 2\n",
  calls_forbidden(lambda Mod: Mod.pairwise_sq_dists(torch.randn(3, 2), torch.randn(4, 2)), [(torch, "cdist")]))
X(T, "one_hot_F", "one_hot", "F.one_hot(labels, num_classes).float()",
  "Off limits: F.one_hot",
  "def one_hot(labels, num_classes):\n    return F.one_hot(labels, num_classes).float()\n",
  calls_forbidden(lambda Mod: Mod.one_hot(torch.tensor([0, 2]), 3), [(F, "one_hot")]),
  imports="import torch.nn.functional as F")
X(T, "one_hot_cpu_eye", "one_hot", "torch.eye(num_classes)[labels]: the table is made on the CPU whatever labels' device",
  "they keep to the input's device",
  "def one_hot(labels, num_classes):\n    return torch.eye(num_classes)[labels]\n",
  differs(lambda Mod: Mod.one_hot(torch.tensor([0, 2], device="meta"), 3)))
X(T, "matmul_at", "matmul", "uses the @ operator",
  "Off limits: @ (torch.matmul)",
  "def matmul(a, b):\n    return a @ b\n",
  calls_forbidden(lambda Mod: Mod.matmul(torch.randn(3, 4), torch.randn(4, 2)), [], method_names=("__matmul__", "matmul")))
X(T, "norms_vector_norm", "norms", "torch.linalg.vector_norm for L2",
  "Off limits: torch.linalg.vector_norm",
  "def norms(x):\n    return x.abs().sum(), torch.linalg.vector_norm(x)\n",
  calls_forbidden(lambda Mod: Mod.norms(torch.randn(3, 4)), [(torch.linalg, "vector_norm")]))
X(T, "fill_nan_inplace", "fill_nan_with_column_mean", "writes the means into x itself and returns x",
  "Returns a new tensor ... x itself is unchanged",
  "def fill_nan_with_column_mean(x):\n    means = x.nanmean(dim=0)\n    missing = torch.isnan(x)\n    x[missing] = means.expand_as(x)[missing]\n    return x\n",
  mutates(lambda: [torch.tensor([[1.0, float('nan')], [3.0, 4.0]])], lambda Mod, i: Mod.fill_nan_with_column_mean(*i)))

# ---------------- correct ----------------
def _gen_add(seed):
    dt = [torch.float32, torch.float64, torch.float16][seed % 3]
    shape = [(5,), (3, 4), (2, 1, 3), (1,)][seed % 4]
    z = torch.randn(shape).to(dt)
    x = torch.randn(shape).to(dt)
    y = torch.randn(shape).to(dt)
    if seed % 5 == 0:
        z = torch.randn(shape[::-1]).to(dt).T if len(shape) == 2 else z
        x, y = torch.randn(shape[::-1]).to(dt).T if len(shape) == 2 else x, y
    return [z, x, y]


def _run_add(Mod, inp):
    z, x, y = [t.clone() if t.is_contiguous() else t.T.clone().T for t in inp]
    ptr = z.data_ptr()
    out = Mod.add_into(z, x, y)
    return z, out is z, z.data_ptr() == ptr, x, y


K(T, "add_into_out", "add_into", "torch.add(x, y, out=z)",
  "def add_into(z, x, y):\n    torch.add(x, y, out=z)\n    return z\n", agree(_gen_add, _run_add))
K(T, "add_into_copy", "add_into", "z.copy_(x + y)",
  "def add_into(z, x, y):\n    z.copy_(x + y)\n    return z\n", agree(_gen_add, _run_add))
K(T, "add_into_ellipsis", "add_into", "z[...] = torch.add(x, y)",
  "def add_into(z, x, y):\n    z[...] = torch.add(x, y)\n    return z\n", agree(_gen_add, _run_add))


def _gen_rows(seed):
    dt = [torch.float32, torch.float64][seed % 2]
    n, d = [(1, 1), (3, 4), (5, 1), (2, 7)][seed % 4]
    x = torch.rand(n, d, dtype=dt) * [1.0, 1e-20, 1e20, 3.0][seed % 4]
    if seed % 3 == 0:
        x = torch.rand(d, n, dtype=dt).T
    return [x]


K(T, "row_normalize_div", "row_normalize", "torch.div by the (n,1) sums computed with torch.sum",
  "def row_normalize(x):\n    return torch.div(x, torch.sum(x, 1, keepdim=True))\n",
  agree(_gen_rows, lambda Mod, i: Mod.row_normalize(*i)))
K(T, "row_normalize_unsqueeze", "row_normalize", "row sums unsqueezed to a column",
  "def row_normalize(x):\n    return x / x.sum(-1).unsqueeze(-1)\n",
  agree(_gen_rows, lambda Mod, i: Mod.row_normalize(*i)))


def _gen_pair(seed):
    dt = [torch.float32, torch.float64][seed % 2]
    n, m, d = [(1, 1, 1), (3, 4, 2), (5, 1, 3), (2, 2, 8)][seed % 4]
    a = torch.randn(n, d, dtype=dt) * [1.0, 1e-3, 10.0][seed % 3]
    b = torch.randn(m, d, dtype=dt) * [1.0, 1e-3, 10.0][seed % 3]
    return [a, b]


def _cmp_pair(r, c):
    return same(r, c, rtol=1e-5, atol=0.0) if r.dtype == torch.float64 else same(r, c, rtol=1e-4, atol=1e-5)


K(T, "pairwise_diff_mul", "pairwise_sq_dists", "broadcast difference times itself, summed",
  "def pairwise_sq_dists(a, b):\n    d = a.unsqueeze(1) - b.unsqueeze(0)\n    return (d * d).sum(-1)\n",
  agree(_gen_pair, lambda Mod, i: Mod.pairwise_sq_dists(*i)))
K(T, "one_hot_scatter", "one_hot", "zeros on labels' device, scatter_ ones",
  "def one_hot(labels, num_classes):\n    out = torch.zeros(labels.shape[0], num_classes, device=labels.device)\n"
  "    return out.scatter_(1, labels.unsqueeze(1), 1.0)\n",
  agree(lambda s: [torch.randint(0, 1 + s % 6, (1 + s % 5,)), 1 + s % 6 + s % 3], lambda Mod, i: Mod.one_hot(*i)))
K(T, "one_hot_index_put", "one_hot", "zeros then advanced-index assignment",
  "def one_hot(labels, num_classes):\n    out = labels.new_zeros(len(labels), num_classes, dtype=torch.float32)\n"
  "    out[torch.arange(len(labels), device=labels.device), labels] = 1\n    return out\n",
  agree(lambda s: [torch.randint(0, 1 + s % 6, (1 + s % 5,)), 1 + s % 6 + s % 3], lambda Mod, i: Mod.one_hot(*i)))


def _gen_acc(seed):
    n, c = 1 + seed % 6, 2 + seed % 3
    y = torch.randint(0, c, (n,))
    if seed % 3 == 0:
        return [torch.randint(0, c, (n,)), y]
    s = torch.randint(0, 3, (n, c)).float() if seed % 3 == 1 else torch.randn(n, c)
    return [s, y]


K(T, "accuracy_sum_len", "accuracy", "count of matches over len(y), Python division",
  "def accuracy(y_hat, y):\n    if y_hat.ndim > 1:\n        y_hat = torch.argmax(y_hat, dim=1)\n    return (y_hat == y).sum().item() / len(y)\n",
  agree(_gen_acc, lambda Mod, i: Mod.accuracy(*i)))
K(T, "flatten_reshape", "flatten_batch", "reshape(len(x), -1)",
  "def flatten_batch(x):\n    return x.reshape(len(x), -1)\n",
  agree(lambda s: [torch.randn(1 + s % 3, 1 + s % 2, 2 + s % 4, 3)], lambda Mod, i: Mod.flatten_batch(*i)))
K(T, "flatten_start_dim", "flatten_batch", "torch.flatten(x, start_dim=1)",
  "def flatten_batch(x):\n    return torch.flatten(x, start_dim=1)\n",
  agree(lambda s: [torch.randn(1 + s % 3, 1 + s % 2, 2 + s % 4, 3)], lambda Mod, i: Mod.flatten_batch(*i)))


def _gen_nan(seed):
    dt = [torch.float32, torch.float64, torch.float16][seed % 3]
    n, d = [(1, 1), (4, 3), (3, 5), (6, 2)][seed % 4]
    x = torch.randn(n, d).to(dt)
    mask = torch.rand(n, d) < 0.4
    mask[0] = False
    mask = mask[torch.randperm(n)]
    return [torch.where(mask, torch.tensor(float('nan'), dtype=dt), x)]


K(T, "fill_nan_nanmean", "fill_nan_with_column_mean", "torch.nanmean over dim 0, then torch.where",
  "def fill_nan_with_column_mean(x):\n    return torch.where(x.isnan(), x.nanmean(dim=0, keepdim=True), x)\n",
  agree(_gen_nan, lambda Mod, i: (Mod.fill_nan_with_column_mean(*i), i[0]), rtol=1e-3, atol=1e-3))
K(T, "fill_nan_clone_index", "fill_nan_with_column_mean", "clone, then write the column means at the NaN positions",
  "def fill_nan_with_column_mean(x):\n    out = x.clone()\n    missing = torch.isnan(x)\n    means = torch.nansum(x, dim=0) / (~missing).sum(dim=0)\n"
  "    out[missing] = means.expand_as(x)[missing]\n    return out\n",
  agree(_gen_nan, lambda Mod, i: (Mod.fill_nan_with_column_mean(*i), i[0]), rtol=1e-3, atol=1e-3))


def _gen_mm(seed):
    dt = [torch.float32, torch.float64][seed % 2]
    n, k, m = [(1, 1, 1), (3, 4, 2), (5, 1, 3), (2, 6, 1)][seed % 4]
    a = torch.randn(n, k, dtype=dt)
    b = torch.randn(k, m, dtype=dt)
    if seed % 3 == 0:
        a = torch.randn(k, n, dtype=dt).T
    return [a, b]


K(T, "matmul_bT", "matmul", "rows of a against columns of b: (n,1,k)·(1,m,k) summed over the last axis",
  "def matmul(a, b):\n    return (a.unsqueeze(1) * b.T.unsqueeze(0)).sum(-1)\n",
  agree(_gen_mm, lambda Mod, i: Mod.matmul(*i), rtol=1e-5, atol=1e-5))
K(T, "norms_pow", "norms", "torch.abs(x).sum() and x.pow(2).sum() ** 0.5",
  "def norms(x):\n    return torch.abs(x).sum(), x.pow(2).sum() ** 0.5\n",
  agree(lambda s: [(lambda t: t.mT if t.dim() == 2 else t)(torch.randn([(3, 4), (), (1,), (2, 3, 2)][s % 4], dtype=[torch.float32, torch.float64][s % 2]))],
        lambda Mod, i: Mod.norms(*i)))
