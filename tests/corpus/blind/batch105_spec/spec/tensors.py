from common import *  # noqa: F403
import torch
import torch.nn.functional as F

torch.manual_seed(105)
T = "tensors"
r = torch.randn


def _add(z0, x, y, alias=False):
    def run(M):
        z = z0.clone()
        yy = z if alias else y
        ptr = z.data_ptr()
        out = M.add_into(z, x, yy)
        return z.clone(), out is z, z.data_ptr() == ptr
    return run


# ---------------- mistakes ----------------
M(T, "add_into_rebind", "add_into", "binds a new tensor (z = x + y) instead of writing into z",
  "z zeros (3,4), x, y randn (3,4)", '''
def add_into(z, x, y):
    z = x + y
    return z
''', differs(_add(torch.zeros(3, 4), r(3, 4), r(3, 4))))

M(T, "add_into_accumulate", "add_into", "z.add_(x).add_(y): keeps z's prior contents",
  "z holding NaN (3,), x, y randn (3,)", '''
def add_into(z, x, y):
    return z.add_(x).add_(y)
''', differs(_add(torch.full((3,), float("nan")), r(3), r(3))))

M(T, "add_into_alias", "add_into", "z[:] = x; z += y: wrong when y aliases z",
  "add_into(z, x, z), z and x randn (4,)", '''
def add_into(z, x, y):
    z[:] = x
    z += y
    return z
''', differs(_add(r(4), r(4), None, alias=True)))

M(T, "row_normalize_total", "row_normalize", "divides by the total sum, not each row's",
  "x rand (3,4)", '''
def row_normalize(x):
    return x / x.sum()
''', differs(lambda M: M.row_normalize(torch.rand(3, 4) + 0.1)))

M(T, "row_normalize_float", "row_normalize", "computes in float32 (x.float()): float64 input returns float32",
  "x rand (3,4) float64", '''
def row_normalize(x):
    x = x.float()
    return x / x.sum(dim=1, keepdim=True)
''', differs(lambda M: M.row_normalize(torch.rand(3, 4, dtype=torch.float64) + 0.1)))

M(T, "row_normalize_cols", "row_normalize", "normalises columns (sum over dim 0)",
  "x rand (4,4)", '''
def row_normalize(x):
    return x / x.sum(dim=0, keepdim=True)
''', differs(lambda M: M.row_normalize(torch.rand(4, 4) + 0.1)))

M(T, "pairwise_not_squared", "pairwise_sq_dists", "returns Euclidean distances (sqrt), not squared",
  "a (3,2), b (4,2) randn", '''
def pairwise_sq_dists(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1).sqrt()
''', differs(lambda M: M.pairwise_sq_dists(r(3, 2), r(4, 2))))

M(T, "pairwise_squeeze_d1", "pairwise_sq_dists", "squeezes the difference: d = 1 sums over m instead",
  "a (3,1), b (4,1) randn (d = 1)", '''
def pairwise_sq_dists(a, b):
    diff = (a[:, None, :] - b[None, :, :]).squeeze()
    return (diff ** 2).sum(dim=-1)
''', differs(lambda M: M.pairwise_sq_dists(r(3, 1), r(4, 1))))

M(T, "pairwise_expand_no_T", "pairwise_sq_dists", "expansion with |b|² added as a column: fails for n != m",
  "a (3,2), b (5,2) randn", '''
def pairwise_sq_dists(a, b):
    aa = (a * a).sum(dim=1, keepdim=True)
    bb = (b * b).sum(dim=1, keepdim=True)
    return aa - 2 * (a[:, None, :] * b[None, :, :]).sum(-1) + bb
''', differs(lambda M: M.pairwise_sq_dists(r(3, 2), r(5, 2))))

M(T, "one_hot_infer_classes", "one_hot", "infers the class count from labels.max() + 1, ignoring num_classes",
  "labels [0, 2, 1], num_classes 5", '''
def one_hot(labels, num_classes):
    classes = torch.arange(int(labels.max()) + 1, device=labels.device)
    return (labels[:, None] == classes[None, :]).float()
''', differs(lambda M: M.one_hot(torch.tensor([0, 2, 1]), 5)))

M(T, "one_hot_long", "one_hot", "returns int64 (.long()) instead of float32",
  "labels [0, 2, 1], num_classes 3", '''
def one_hot(labels, num_classes):
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).long()
''', differs(lambda M: M.one_hot(torch.tensor([0, 2, 1]), 3)))

M(T, "accuracy_always_argmax", "accuracy", "always takes argmax over dim 1: predicted labels (n,) fail",
  "y_hat labels [0,1,1], y [0,1,0]", '''
def accuracy(y_hat, y):
    return (y_hat.argmax(dim=1) == y).float().mean().item()
''', differs(lambda M: M.accuracy(torch.tensor([0, 1, 1]), torch.tensor([0, 1, 0]))))

M(T, "accuracy_ties_last", "accuracy", "ties go to the last maximal index",
  "y_hat [[1,1],[0,2]], y [0,1]", '''
def accuracy(y_hat, y):
    if y_hat.dim() == 2:
        predicted = y_hat.shape[1] - 1 - y_hat.flip(1).argmax(dim=1)
    else:
        predicted = y_hat
    return (predicted == y).float().mean().item()
''', differs(lambda M: M.accuracy(torch.tensor([[1.0, 1.0], [0.0, 2.0]]), torch.tensor([0, 1]))))

M(T, "accuracy_tensor", "accuracy", "returns a 0-dim tensor, not a Python float",
  "y_hat randn (5,3), y randint", '''
def accuracy(y_hat, y):
    predicted = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (predicted == y).float().mean()
''', differs(lambda M: M.accuracy(r(5, 3), torch.tensor([0, 1, 2, 0, 1]))))

M(T, "flatten_784", "flatten_batch", "hard-codes the lecture's view(-1, 784)",
  "x (2,1,8,8)", '''
def flatten_batch(x):
    return x.view(-1, 784)
''', differs(lambda M: M.flatten_batch(r(2, 1, 8, 8))))

M(T, "flatten_squeeze", "flatten_batch", "squeezes first: N = 1 loses the batch axis",
  "x (1,3,2,2)", '''
def flatten_batch(x):
    x = x.squeeze()
    return x.reshape(x.shape[0], -1)
''', differs(lambda M: M.flatten_batch(r(1, 3, 2, 2))))

M(T, "fill_nan_zero_mean", "fill_nan_with_column_mean", "column mean counts NaNs as zeros (divides by n)",
  "x (3,2) with one NaN", '''
def fill_nan_with_column_mean(x):
    missing = torch.isnan(x)
    means = torch.nan_to_num(x, nan=0.0).mean(dim=0)
    return torch.where(missing, means.expand_as(x), x)
''', differs(lambda M: M.fill_nan_with_column_mean(torch.tensor([[1.0, float("nan")], [2.0, 3.0], [4.0, 5.0]]))))

M(T, "fill_nan_row_mean", "fill_nan_with_column_mean", "fills with the row mean (nanmean over dim 1)",
  "x (3,2) with one NaN", '''
def fill_nan_with_column_mean(x):
    means = torch.nanmean(x, dim=1, keepdim=True)
    return torch.where(torch.isnan(x), means.expand_as(x), x)
''', differs(lambda M: M.fill_nan_with_column_mean(torch.tensor([[1.0, float("nan")], [2.0, 3.0], [4.0, 5.0]]))))

M(T, "matmul_wrong_axis", "matmul", "sums over the wrong axis of the broadcast product",
  "a (3,3), b (3,3) randn", '''
def matmul(a, b):
    return (a[:, :, None] * b[None, :, :]).sum(dim=0)
''', differs(lambda M: M.matmul(r(3, 3), r(3, 3))))

M(T, "matmul_float32", "matmul", "casts to float32 before the product: float64 in, float32 out",
  "a (2,3), b (3,4) float64", '''
def matmul(a, b):
    return (a.float()[:, :, None] * b.float()[None, :, :]).sum(dim=1)
''', differs(lambda M: M.matmul(r(2, 3, dtype=torch.float64), r(3, 4, dtype=torch.float64))))

M(T, "norms_l1_signed", "norms", "L1 as |Σx| instead of Σ|x|",
  "x randn (3,4)", '''
def norms(x):
    return x.sum().abs(), (x * x).sum().sqrt()
''', differs(lambda M: M.norms(r(3, 4))))

M(T, "norms_row_l2", "norms", "L2 as the sum of row norms (not Frobenius)",
  "x randn (3,4)", '''
def norms(x):
    return x.abs().sum(), (x * x).sum(dim=-1).sqrt().sum()
''', differs(lambda M: M.norms(r(3, 4))))

M(T, "norms_item", "norms", "returns Python floats, not 0-dim tensors",
  "x randn (5,)", '''
def norms(x):
    return x.abs().sum().item(), (x * x).sum().sqrt().item()
''', differs(lambda M: M.norms(r(5))))

# ---------------- contract ----------------
X(T, "matmul_at", "matmul", "uses the off-limits @ operator", "a (3,4), b (4,2)", '''
def matmul(a, b):
    return a @ b
''', lambda R, C: (same(R.matmul(*_mm), C.matmul(*_mm)) and "values differ") or
  calls_forbidden(lambda M: M.matmul(*_mm), [], ("__matmul__", "matmul"))(R, C))
_mm = (r(3, 4), r(4, 2))

X(T, "norms_vector_norm", "norms", "uses the off-limits torch.linalg.vector_norm", "x randn (3,4)", '''
def norms(x):
    return x.abs().sum(), torch.linalg.vector_norm(x)
''', calls_forbidden(lambda M: M.norms(r(3, 4)), [(torch.linalg, "vector_norm")], ("vector_norm",)))

X(T, "one_hot_F", "one_hot", "uses the off-limits F.one_hot", "labels [0,2,1], num_classes 4", '''
def one_hot(labels, num_classes):
    return F.one_hot(labels, num_classes).float()
''', calls_forbidden(lambda M: M.one_hot(torch.tensor([0, 2, 1]), 4), [(F, "one_hot")], ("one_hot",)),
  imports="import torch.nn.functional as F")

X(T, "row_normalize_inplace", "row_normalize", "divides x in place (input mutated)", "x rand (3,4)", '''
def row_normalize(x):
    return x.div_(x.sum(dim=1, keepdim=True))
''', mutates(lambda: [torch.rand(3, 4) + 0.1], lambda M, i: M.row_normalize(*i)))

X(T, "row_normalize_loop", "row_normalize", "a Python loop over rows (not vectorised)", "x rand (n,4), n = 4 and 32", '''
def row_normalize(x):
    return torch.stack([row / row.sum() for row in x])
''', grows(lambda M, n: M.row_normalize(torch.rand(n, 4) + 0.1)))

X(T, "fill_nan_inplace", "fill_nan_with_column_mean", "writes the means into x itself (input mutated)", "x (3,2) with a NaN", '''
def fill_nan_with_column_mean(x):
    missing = torch.isnan(x)
    means = torch.nanmean(x, dim=0)
    x[missing] = means.expand_as(x)[missing]
    return x
''', mutates(lambda: [torch.tensor([[1.0, float("nan")], [2.0, 3.0], [4.0, 5.0]])],
             lambda M, i: M.fill_nan_with_column_mean(*i)))

X(T, "one_hot_cpu", "one_hot", "creates the class index on the default device (device ignored)", "labels on the meta device", '''
def one_hot(labels, num_classes):
    classes = torch.arange(num_classes)
    return (labels[:, None] == classes[None, :]).float()
''', differs(lambda M: M.one_hot(torch.zeros(3, dtype=torch.int64, device="meta"), 4)))

# ---------------- correct ----------------
def _g2(seed):
    g = torch.Generator().manual_seed(seed)
    shapes = [(1, 1), (1, 5), (4, 1), (3, 7), (6, 2)]
    s = shapes[seed % len(shapes)]
    dt = torch.float64 if seed % 3 == 0 else torch.float32
    x = torch.randn(s[1], s[0], generator=g, dtype=dt).T if seed % 2 else torch.randn(*s, generator=g, dtype=dt)
    return x * (10.0 ** (seed % 5 - 2))


K(T, "add_into_out", "add_into", "torch.add(x, y, out=z)", "shapes (1,)…(3,4), NaN in z, float64", '''
def add_into(z, x, y):
    torch.add(x, y, out=z)
    return z
''', agree(lambda s: (torch.full((3, s % 4 + 1), float("nan")), r(3, s % 4 + 1), r(3, s % 4 + 1)),
           lambda M, i: _add(*i)(M)))

K(T, "add_into_copy", "add_into", "z.copy_(x + y)", "shapes (3,k), NaN in z, aliased y = z", '''
def add_into(z, x, y):
    return z.copy_(x + y)
''', all_of(agree(lambda s: (torch.full((3, s % 4 + 1), float("nan")), r(3, s % 4 + 1), r(3, s % 4 + 1)),
                  lambda M, i: _add(*i)(M)),
            agree(lambda s: (r(s + 1), r(s + 1), None), lambda M, i: _add(*i, alias=True)(M), n=5)))

K(T, "row_normalize_recip", "row_normalize", "multiply by the reciprocal of the row sums", "seeded (n,d) incl. (1,1), T views, float64", '''
def row_normalize(x):
    return x * x.sum(dim=-1, keepdim=True).reciprocal()
''', agree(lambda s: (_g2(s).abs() + 1e-3,), lambda M, i: M.row_normalize(*i)))

K(T, "pairwise_expand_clamp", "pairwise_sq_dists", "|a|² − 2ab + |b|² by broadcasting, clamped at 0", "seeded (n,d),(m,d)", '''
def pairwise_sq_dists(a, b):
    aa = (a * a).sum(dim=1)[:, None]
    bb = (b * b).sum(dim=1)[None, :]
    ab = (a[:, None, :] * b[None, :, :]).sum(dim=-1)
    return (aa - 2 * ab + bb).clamp(min=0)
''', agree(lambda s: (_g2(s), torch.randn(s % 4 + 1, _g2(s).shape[1], dtype=_g2(s).dtype)),
           lambda M, i: M.pairwise_sq_dists(*i),
           cmp=lambda a, b: same(a, b, rtol=1e-4, atol=1e-5 * float(a.abs().max() + 1))))

K(T, "one_hot_scatter", "one_hot", "zeros then scatter_ a 1 at each label", "seeded labels incl. n=1", '''
def one_hot(labels, num_classes):
    out = torch.zeros(labels.shape[0], num_classes, device=labels.device)
    return out.scatter_(1, labels[:, None], 1.0)
''', agree(lambda s: (torch.randint(0, s % 5 + 1, (s % 4 + 1,)), s % 5 + 1), lambda M, i: M.one_hot(*i)))

K(T, "one_hot_eye", "one_hot", "rows of an identity matrix", "seeded labels incl. n=1", '''
def one_hot(labels, num_classes):
    return torch.eye(num_classes, device=labels.device)[labels]
''', agree(lambda s: (torch.randint(0, s % 5 + 2, (s % 4 + 1,)), s % 5 + 2), lambda M, i: M.one_hot(*i)))

K(T, "accuracy_sum_div", "accuracy", "count of matches / n, ties by argmax", "seeded scores (n,c), ties, labels (n,)", '''
def accuracy(y_hat, y):
    if y_hat.dim() == 2:
        y_hat = torch.argmax(y_hat, dim=1)
    return (y_hat == y).sum().item() / y.shape[0]
''', agree(lambda s: ((torch.randint(0, 3, (s % 6 + 1, 3)).float() if s % 2 else torch.randint(0, 3, (s % 6 + 1,))),
                      torch.randint(0, 3, (s % 6 + 1,))), lambda M, i: M.accuracy(*i)))

K(T, "flatten_flatten", "flatten_batch", "x.flatten(1)", "seeded (N,C,H,W) incl. N=1", '''
def flatten_batch(x):
    return x.flatten(start_dim=1)
''', agree(lambda s: (r(s % 3 + 1, s % 2 + 1, 3, 2),), lambda M, i: M.flatten_batch(*i)))

K(T, "fill_nan_nanmean", "fill_nan_with_column_mean", "torch.nanmean per column and torch.where", "seeded with NaNs, float64, T views", '''
def fill_nan_with_column_mean(x):
    return torch.where(torch.isnan(x), torch.nanmean(x, dim=0, keepdim=True), x)
''', agree(lambda s: (torch.where(torch.rand(5, 3) < 0.3, torch.tensor(float("nan")), r(5, 3)).index_fill(0, torch.tensor([0]), 1.0).to(torch.float64 if s % 2 else torch.float32),),
           lambda M, i: (M.fill_nan_with_column_mean(*i), i[0])))

K(T, "matmul_transpose_b", "matmul", "(n,1,k) · (1,m,k) summed over the last axis", "seeded (n,k),(k,m), float64, T views", '''
def matmul(a, b):
    return (a.unsqueeze(1) * b.t().unsqueeze(0)).sum(dim=-1)
''', agree(lambda s: (_g2(s), torch.randn(_g2(s).shape[1], s % 3 + 1, dtype=_g2(s).dtype)), lambda M, i: M.matmul(*i),
           cmp=lambda a, b: same(a, b, rtol=1e-5, atol=1e-6 * float(a.abs().max() + 1))))

K(T, "norms_square_pow", "norms", "torch.abs(...).sum() and torch.sqrt(torch.square(x).sum())", "seeded any rank incl. 0-dim", '''
def norms(x):
    return torch.abs(x).sum(), torch.sqrt(torch.square(x).sum())
''', agree(lambda s: (torch.randn(tuple([s % 3 + 1] * (s % 3))),), lambda M, i: M.norms(*i)))


# right values for the contract entries
V(T, "norms_vector_norm", lambda M: M.norms(r(3, 4)))
V(T, "one_hot_F", lambda M: M.one_hot(torch.tensor([0, 2, 1, 3]), 5))
V(T, "row_normalize_inplace", lambda M: M.row_normalize(torch.rand(3, 4) + 0.1))
V(T, "row_normalize_loop", lambda M: M.row_normalize(torch.rand(5, 4) + 0.1))
V(T, "fill_nan_inplace", lambda M: M.fill_nan_with_column_mean(torch.tensor([[1.0, float("nan")], [2.0, 3.0], [4.0, 5.0]])))
V(T, "one_hot_cpu", lambda M: M.one_hot(torch.tensor([0, 2, 1, 3]), 5))
