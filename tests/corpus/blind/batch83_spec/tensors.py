from common import *  # noqa: F403
import torch

T = "tensors"
r = torch.randn

# ---------------- mistakes ----------------
def _add_into_run(M):
    z, x, y = torch.zeros(3, 4), r(3, 4), r(3, 4)
    ptr = z.data_ptr()
    out = M.add_into(z, x, y)
    return z.clone(), out is z, z.data_ptr() == ptr

M(T, "add_into_rebinds", "add_into", "z = x + y; return z: a new tensor, z's storage never written",
  "z zeros (3,4), x, y randn (3,4): z is still zeros afterwards", '''
def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Z = X + Y."""
    z = x + y
    return z
''', differs(_add_into_run))

M(T, "add_into_data_swap", "add_into", "z.data = x + y: the values land in new storage (data_ptr changes)",
  "any z, x, y: z.data_ptr() changes", '''
def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Swap in the sum."""
    z.data = x + y
    return z
''', differs(_add_into_run))

M(T, "row_normalize_no_keepdim", "row_normalize", "divides by x.sum(dim=1) without keepdim: broadcasts along the wrong axis",
  "square x (4, 4) uniform(0.1, 1)", '''
def row_normalize(x: Tensor) -> Tensor:
    """Divide by the row sums."""
    return x / x.sum(dim=1)
''', differs(lambda M: M.row_normalize(torch.rand(4, 4, generator=torch.Generator().manual_seed(1)) + 0.1)))

M(T, "row_normalize_float32", "row_normalize", "casts to float32: a float64 input comes back float32",
  "x float64 (3, 5) positive", '''
def row_normalize(x: Tensor) -> Tensor:
    """Row sums broadcast."""
    x = x.float()
    return x / x.sum(dim=1, keepdim=True)
''', differs(lambda M: M.row_normalize(torch.rand(3, 5, dtype=torch.float64) + 0.1)))

M(T, "pairwise_transposed", "pairwise_sq_dists", "broadcasts a[None] - b[:, None]: the (m, n) transpose; only square cases run",
  "a (4, 3), b (4, 3) randn (n == m)", '''
def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """Broadcast and sum over d."""
    return ((a[None, :, :] - b[:, None, :]) ** 2).sum(dim=-1)
''', differs(lambda M: M.pairwise_sq_dists(torch.arange(12.).reshape(4, 3), torch.arange(12.).reshape(4, 3).flip(0) * 0.5)))

M(T, "pairwise_sqrt", "pairwise_sq_dists", "takes the square root: Euclidean distances instead of squared ones",
  "a (3, 2), b (2, 2) randn", '''
def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """Distances between rows."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1).sqrt()
''', differs(lambda M: M.pairwise_sq_dists(torch.tensor([[0., 0.], [3., 4.], [1., 1.]]), torch.tensor([[0., 0.], [6., 8.]]))))

M(T, "one_hot_max_label", "one_hot", "uses labels.max() + 1 columns instead of num_classes",
  "labels [0, 1, 1], num_classes 4", '''
def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """A 1 at each row's label."""
    width = int(labels.max()) + 1
    out = torch.zeros(len(labels), width, device=labels.device)
    out[torch.arange(len(labels), device=labels.device), labels] = 1.0
    return out
''', differs(lambda M: M.one_hot(torch.tensor([0, 1, 1]), 4)))

M(T, "one_hot_int64", "one_hot", "returns int64 (labels == classes).long() instead of float32",
  "labels [2, 0], num_classes 3", '''
def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Compare each label with every class."""
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).long()
''', differs(lambda M: M.one_hot(torch.tensor([2, 0]), 3)))

M(T, "one_hot_cpu_zeros", "one_hot", "torch.zeros(n, c) on the default device, then scatter: the labels' device is ignored",
  "labels on a second device ('meta' stands in here): result must be on that device", '''
def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Scatter ones into zeros."""
    out = torch.zeros(labels.shape[0], num_classes)
    return out.scatter(1, labels.reshape(-1, 1).to(out.device), 1.0)
''', differs(lambda M: M.one_hot(torch.tensor([1, 0, 2], device="meta"), 3)))

M(T, "accuracy_ties_last", "accuracy", "ties go to the LAST maximal index (argmax of the flipped scores)",
  "scores [[1, 1], [0, 2]] with labels [0, 1] (exact tie in row 0)", '''
def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """argmax, then the mean of matches."""
    if y_hat.dim() == 2:
        c = y_hat.shape[1]
        predicted = c - 1 - y_hat.flip(1).argmax(dim=1)
    else:
        predicted = y_hat
    return (predicted == y).float().mean().item()
''', differs(lambda M: M.accuracy(torch.tensor([[1., 1.], [0., 2.]]), torch.tensor([0, 1]))))

M(T, "accuracy_softmax_near_tie", "accuracy", "argmax taken after a float32 softmax: scores a few ulps apart become equal and the tie goes to 0",
  "scores [[0.0, 1e-8]] with label [1] (near tie: 1e-8 apart)", '''
def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """Most probable class."""
    predicted = torch.softmax(y_hat, dim=1).argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (predicted == y).float().mean().item()
''', differs(lambda M: M.accuracy(torch.tensor([[0.0, 1e-8], [0.3, 0.1]]), torch.tensor([1, 0]))))

M(T, "accuracy_labels_path", "accuracy", "always argmax(dim=-1): predicted labels (n,) are reduced to one index",
  "y_hat labels [1, 0, 2], y [1, 0, 2]", '''
def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """argmax over the last dim."""
    return (y_hat.argmax(dim=-1) == y).float().mean().item()
''', differs(lambda M: M.accuracy(torch.tensor([1, 0, 2]), torch.tensor([1, 0, 2]))))

M(T, "accuracy_tensor_return", "accuracy", "returns a 0-dim tensor instead of a Python float",
  "scores (4, 3) randn, labels (4,)", '''
def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """Mean of matches."""
    predicted = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (predicted == y).float().mean()
''', differs(lambda M: M.accuracy(torch.tensor([[1., 2.], [3., 0.]]), torch.tensor([1, 1]))))

M(T, "flatten_squeeze", "flatten_batch", "x.squeeze().flatten(1): N = 1 loses the batch axis",
  "x (1, 3, 2, 2)", '''
def flatten_batch(x: Tensor) -> Tensor:
    """Drop unit axes, merge the rest."""
    return x.squeeze().flatten(1)
''', differs(lambda M: M.flatten_batch(torch.arange(12.).reshape(1, 3, 2, 2))))

M(T, "flatten_hardcoded", "flatten_batch", "x.view(-1, 784) as in the notes: wrong for any other C·H·W",
  "x (2, 1, 4, 4)", '''
def flatten_batch(x: Tensor) -> Tensor:
    """The notes' view."""
    return x.view(-1, 784)
''', differs(lambda M: M.flatten_batch(torch.arange(32.).reshape(2, 1, 4, 4))))

M(T, "fill_nan_zero_mean", "fill_nan_with_column_mean", "column mean of nan_to_num(x): NaNs count as zeros in the mean",
  "x [[1, nan], [3, 4], [nan, 6]]", '''
def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """Column means, written where x is NaN."""
    means = torch.nan_to_num(x).mean(dim=0)
    return torch.where(torch.isnan(x), means.expand_as(x), x)
''', differs(lambda M: M.fill_nan_with_column_mean(torch.tensor([[1., float("nan")], [3., 4.], [float("nan"), 6.]]))))

M(T, "fill_nan_row_mean", "fill_nan_with_column_mean", "nanmean over dim=1: fills with the ROW mean",
  "x [[1, nan], [3, 4], [nan, 6]]", '''
def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """Means over the numbers."""
    means = torch.nanmean(x, dim=1, keepdim=True)
    return torch.where(torch.isnan(x), means.expand_as(x), x)
''', differs(lambda M: M.fill_nan_with_column_mean(torch.tensor([[1., float("nan")], [3., 4.], [float("nan"), 6.]]))))

M(T, "matmul_b_not_transposed", "matmul", "broadcasts a[:, None, :] * b[None] and sums the last axis: a·bᵀ, shape-correct only when square",
  "a (3, 3), b (3, 3) arange", '''
def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Broadcast products summed."""
    return (a[:, None, :] * b[None, :, :]).sum(dim=-1)
''', differs(lambda M: M.matmul(torch.arange(9.).reshape(3, 3), torch.arange(9.).reshape(3, 3) - 4)))

M(T, "norms_view", "norms", "x.view(-1): a non-contiguous input (x.T) raises",
  "x = randn(3, 4).T (non-contiguous view)", '''
def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """Over the flattened elements."""
    flat = x.view(-1)
    return flat.abs().sum(), (flat * flat).sum().sqrt()
''', differs(lambda M: M.norms(torch.arange(12.).reshape(3, 4).T)))

M(T, "norms_dim0", "norms", "sums over dim 0 only: per-column norms (d,) for a matrix",
  "x (3, 2) arange", '''
def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """Σ|x| and √Σx²."""
    return x.abs().sum(dim=0), (x * x).sum(dim=0).sqrt()
''', differs(lambda M: M.norms(torch.arange(6.).reshape(3, 2))))

# ---------------- contract ----------------
X(T, "matmul_mm", "matmul", "torch.mm", "Off limits: ``@``, ``torch.mm``, ``torch.matmul``, ...", '''
def matmul(a: Tensor, b: Tensor) -> Tensor:
    """The library product."""
    return torch.mm(a, b)
''', calls_forbidden(lambda M: M.matmul(r(3, 4), r(4, 2)), [(torch, "mm"), (torch, "matmul")], ("mm", "matmul", "__matmul__")))

X(T, "matmul_row_loop", "matmul", "a Python loop over the rows of a (each row broadcast against b)",
  "Vectorised by broadcasting and a sum (e.g. (n, k, 1) · (1, k, m) summed over k).", '''
def matmul(a: Tensor, b: Tensor) -> Tensor:
    """One row at a time."""
    rows = [(a[i][:, None] * b).sum(dim=0) for i in range(a.shape[0])]
    return torch.stack(rows)
''', grows(lambda M, n: M.matmul(r(n, 3), r(3, 2))))

X(T, "row_normalize_loop", "row_normalize", "divides row by row in a Python loop",
  "Vectorised (降维 + 广播): no Python loop over rows.", '''
def row_normalize(x: Tensor) -> Tensor:
    """Row by row."""
    out = torch.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = x[i] / x[i].sum()
    return out
''', grows(lambda M, n: M.row_normalize(torch.rand(n, 3) + 0.1)))

X(T, "pairwise_cdist", "pairwise_sq_dists", "torch.cdist(a, b) ** 2", "Off limits: ``torch.cdist``, ``torch.pdist``, ``F.pairwise_distance``.", '''
def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """Squared library distances."""
    return torch.cdist(a, b) ** 2
''', calls_forbidden(lambda M: M.pairwise_sq_dists(r(3, 2), r(4, 2)), [(torch, "cdist")], ("cdist",)))

X(T, "add_into_edits_x", "add_into", "adds y into x in place, then copies x into z", "x and y are unchanged.", '''
def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Accumulate, then copy."""
    x += y
    z[:] = x
    return z
''', mutates(lambda: [torch.zeros(2, 3), r(2, 3), r(2, 3)], lambda M, i: M.add_into(*i), ignore=(0,)))

X(T, "fill_nan_in_place", "fill_nan_with_column_mean", "writes the means into x's NaN slots and returns x",
  "Returns a new tensor of x's shape and dtype; x itself is unchanged.", '''
def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """Fill in place."""
    missing = torch.isnan(x)
    means = torch.nanmean(x, dim=0)
    x[missing] = means.expand_as(x)[missing]
    return x
''', mutates(lambda: [torch.tensor([[1., float("nan")], [3., 4.]])], lambda M, i: M.fill_nan_with_column_mean(*i)))

# ---------------- correct ----------------
def g_add(seed):
    shape = (seed % 4 + 1, seed % 3 + 2)
    dt = torch.float64 if seed % 2 else torch.float32
    return [torch.zeros(shape, dtype=dt), r(shape, dtype=dt), r(shape, dtype=dt)]

K(T, "add_into_out", "add_into", "torch.add(x, y, out=z)", '''
def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """out= keeps z's storage."""
    torch.add(x, y, out=z)
    return z
''', agree(g_add, lambda M, i: (lambda z: (M.add_into(z, i[1], i[2]) is z, z.clone()))(i[0].clone())))

K(T, "add_into_copy_add", "add_into", "z.copy_(x).add_(y)", '''
def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Copy x in, add y in place."""
    z.copy_(x)
    z.add_(y)
    return z
''', agree(g_add, lambda M, i: (lambda z: (M.add_into(z, i[1], i[2]) is z, z.clone()))(i[0].clone())))

def g_rows(seed):
    dt = torch.float64 if seed % 2 else torch.float32
    x = torch.rand(seed % 5 + 1, seed % 4 + 1, dtype=dt) + 0.01
    return [x.T.contiguous().T if seed % 3 == 0 else x]

K(T, "row_normalize_reciprocal", "row_normalize", "multiplies by the reciprocal of the (n, 1) sums", '''
def row_normalize(x: Tensor) -> Tensor:
    """x times 1 / row sums."""
    return x * x.sum(dim=-1)[:, None].reciprocal()
''', agree(g_rows, lambda M, i: M.row_normalize(*i)))

def g_pd(seed):
    dt = torch.float64 if seed % 2 else torch.float32
    return [r(seed % 4 + 1, 3, dtype=dt) * (1 + seed), r(seed % 3 + 1, 3, dtype=dt)]

def pd_cmp(i):
    def cmp(a, b):
        if a.shape != b.shape or a.dtype != b.dtype:
            return "shape/dtype"
        scale = (i[0] ** 2).sum(1)[:, None] + (i[1] ** 2).sum(1)[None, :]
        return None if bool(((a - b).abs() <= 1e-5 * scale + 1e-6).all()) else "values"
    return cmp

def pd_check(R, C):
    for seed in range(25):
        torch.manual_seed(seed)
        i = g_pd(seed)
        why = pd_cmp(i)(R.pairwise_sq_dists(*i), C.pairwise_sq_dists(*i))
        if why:
            return why
    return None

K(T, "pairwise_expansion", "pairwise_sq_dists", "|a|² − 2·a·bᵀ + |b|², clamped at 0 (tolerance scaled as the docstring says)", '''
def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """The expansion, clamped at 0."""
    aa = (a * a).sum(dim=1, keepdim=True)
    bb = (b * b).sum(dim=1, keepdim=True).T
    return (aa - 2 * (a @ b.T) + bb).clamp(min=0)
''', pd_check)

def g_oh(seed):
    c = seed % 5 + 1
    return [torch.randint(0, c, (seed % 6 + 1,)), c]

K(T, "one_hot_eye", "one_hot", "rows of an identity matrix on the labels' device", '''
def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Rows of the identity."""
    return torch.eye(num_classes, device=labels.device)[labels]
''', agree(g_oh, lambda M, i: M.one_hot(*i)))

K(T, "one_hot_scatter", "one_hot", "zeros then scatter_ of ones", '''
def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Scatter ones."""
    out = torch.zeros(labels.shape[0], num_classes, device=labels.device)
    return out.scatter_(1, labels.unsqueeze(1), 1.0)
''', agree(g_oh, lambda M, i: M.one_hot(*i)))

def g_acc(seed):
    n, c = seed % 5 + 1, seed % 3 + 2
    y = torch.randint(0, c, (n,))
    if seed % 3 == 0:
        return [torch.randint(0, c, (n,)), y]
    s = torch.randint(0, 3, (n, c)).float()  # many exact ties
    return [s, y]

K(T, "accuracy_first_max_mask", "accuracy", "first maximal index via (y_hat == max).int().argmax, count via sum / len", '''
def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """First maximal index, then count."""
    if y_hat.dim() == 2:
        is_max = (y_hat == y_hat.max(dim=1, keepdim=True).values).int()
        y_hat = is_max.argmax(dim=1)
    return float((y_hat == y).sum()) / len(y)
''', agree(g_acc, lambda M, i: M.accuracy(*i)))

def g_fl(seed):
    return [r(seed % 3 + 1, seed % 2 + 1, 3, seed % 4 + 1)]

K(T, "flatten_reshape", "flatten_batch", "x.reshape(len(x), -1)", '''
def flatten_batch(x: Tensor) -> Tensor:
    """Keep N."""
    return x.reshape(len(x), -1)
''', agree(g_fl, lambda M, i: M.flatten_batch(*i)))

K(T, "flatten_flatten1", "flatten_batch", "x.flatten(start_dim=1)", '''
def flatten_batch(x: Tensor) -> Tensor:
    """Merge all but the batch axis."""
    return x.flatten(start_dim=1)
''', agree(g_fl, lambda M, i: M.flatten_batch(*i)))

def g_nan(seed):
    dt = torch.float64 if seed % 2 else torch.float32
    x = r(seed % 5 + 2, seed % 3 + 1, dtype=dt)
    mask = torch.rand(x.shape) < 0.3
    mask[0] = False
    return [torch.where(mask, torch.full_like(x, float("nan")), x)]

K(T, "fill_nan_nanmean", "fill_nan_with_column_mean", "torch.nanmean over dim 0, then torch.where", '''
def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """nanmean per column."""
    return torch.where(torch.isnan(x), torch.nanmean(x, dim=0, keepdim=True), x)
''', agree(g_nan, lambda M, i: (M.fill_nan_with_column_mean(*i), i[0])))

def g_mm(seed):
    dt = torch.float64 if seed % 2 else torch.float32
    return [r(seed % 4 + 1, seed % 3 + 1, dtype=dt), r(seed % 3 + 1, seed % 5 + 1, dtype=dt)[:, :]]

def mm_check(R, C):
    for seed in range(25):
        torch.manual_seed(seed)
        a = r(seed % 4 + 1, seed % 3 + 1, dtype=torch.float64 if seed % 2 else torch.float32)
        b = r(seed % 3 + 1, seed % 5 + 1, dtype=a.dtype)
        why = same(R.matmul(a, b), C.matmul(a, b))
        if why:
            return why
    return None

K(T, "matmul_bT", "matmul", "(a[:, None, :] * b.T[None]).sum(-1): the shared axis last", '''
def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Rows of a against columns of b."""
    return (a.unsqueeze(1) * b.T.unsqueeze(0)).sum(dim=-1)
''', mm_check)

def g_norm(seed):
    dt = torch.float64 if seed % 2 else torch.float32
    x = r(*([seed % 3 + 1] * (seed % 3 + 1)), dtype=dt)
    return [x.T if x.dim() == 2 else x]

K(T, "norms_reshape_pow", "norms", "over x.reshape(-1): abs().sum() and pow(2).sum() ** 0.5", '''
def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """Flatten, then the two sums."""
    flat = x.reshape(-1)
    return flat.abs().sum(), flat.pow(2).sum() ** 0.5
''', agree(g_norm, lambda M, i: M.norms(*i)))
