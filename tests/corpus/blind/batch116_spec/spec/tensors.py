from common import *  # noqa
T = "tensors"
r = torch.randn

def _az(M, z, x, y):
    ptr = z.data_ptr(); out = M.add_into(z, x, y)
    return (z.clone(), out is z, z.data_ptr() == ptr)

def gen_add(s):
    shape = [(3,), (2, 5), (1,), (4, 1, 3)][s % 4]
    dt = [torch.float32, torch.float64, torch.int64][s % 3]
    x = (r(*shape) * 10).to(dt); y = (r(*shape) * 10).to(dt); z = torch.zeros(shape, dtype=dt)
    return z, x, y
def run_add(M, i):
    z, x, y = [t.clone() for t in i]
    return _az(M, z, x, y)

M(T, "add_into_rebinds_data", "add_into", "z.data = x + y: same values but a new storage behind z",
  "z,x,y float32 (3,)", "def add_into(z, x, y):\n    z.data = x + y\n    return z",
  differs(lambda M: _az(M, torch.zeros(3), torch.ones(3), torch.ones(3))))
M(T, "add_into_view_flat", "add_into", "writes through z.view(-1), which fails on a non-contiguous z",
  "z = zeros(3,4).T (non-contiguous), x,y (4,3)",
  "def add_into(z, x, y):\n    z.view(-1)[:] = (x + y).reshape(-1)\n    return z",
  differs(lambda M: _az(M, torch.zeros(3, 4).T, r(4, 3), r(4, 3))))
M(T, "add_into_returns_new", "add_into", "returns x + y, leaves z untouched",
  "z,x,y (2,2)", "def add_into(z, x, y):\n    out = x + y\n    return out",
  differs(lambda M: _az(M, torch.zeros(2, 2), torch.ones(2, 2), torch.ones(2, 2))))
M(T, "row_normalize_reciprocal_tiny", "row_normalize", "multiplies by 1/rowsum, which overflows for subnormal row sums",
  "float32 x = full((2,3), 1e-40)", "def row_normalize(x):\n    return x * (1.0 / x.sum(dim=1, keepdim=True))",
  differs(lambda M: M.row_normalize(torch.full((2, 3), 1e-40))))
M(T, "row_normalize_float_sum", "row_normalize", "row sums cast to float32: float16 input returns float32",
  "float16 x = rand(4,3)+0.1", "def row_normalize(x):\n    return x / x.sum(dim=1, keepdim=True).float()",
  differs(lambda M: M.row_normalize((torch.rand(4, 3) + 0.1).half())))
M(T, "pairwise_squeeze_n1", "pairwise_sq_dists", "squeezes the result: a single row of a loses its axis",
  "a (1,3), b (4,3)", "def pairwise_sq_dists(a, b):\n    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1).squeeze()",
  differs(lambda M: M.pairwise_sq_dists(r(1, 3), r(4, 3))))
M(T, "pairwise_b_norm_wrong_axis", "pairwise_sq_dists", "expansion with |b|² broadcast as a column",
  "a (3,2), b (3,2)", "def pairwise_sq_dists(a, b):\n    return (a * a).sum(1)[:, None] - 2 * (a[:, None, :] * b[None, :, :]).sum(-1) + (b * b).sum(1)[:, None]",
  differs(lambda M: M.pairwise_sq_dists(r(3, 2), r(3, 2))))
M(T, "one_hot_infers_classes", "one_hot", "width from labels.max() + 1 instead of num_classes",
  "labels [0, 1], num_classes 4", "def one_hot(labels, num_classes):\n    classes = torch.arange(int(labels.max()) + 1, device=labels.device)\n    return (labels[:, None] == classes[None, :]).float()",
  differs(lambda M: M.one_hot(torch.tensor([0, 1]), 4)))
M(T, "one_hot_int_dtype", "one_hot", "returns the labels' dtype (int64), not float32",
  "labels [2,0,1], num_classes 3", "def one_hot(labels, num_classes):\n    classes = torch.arange(num_classes, device=labels.device)\n    return (labels[:, None] == classes[None, :]).to(labels.dtype)",
  differs(lambda M: M.one_hot(torch.tensor([2, 0, 1]), 3)))
M(T, "accuracy_last_tie", "accuracy", "prediction via stable sort's last index: ties go to the LAST maximal index",
  "y_hat [[1,1],[2,2]], y [0,0]", "def accuracy(y_hat, y):\n    predicted = y_hat.sort(dim=1, stable=True).indices[:, -1] if y_hat.dim() == 2 else y_hat\n    return (predicted == y).float().mean().item()",
  differs(lambda M: M.accuracy(torch.tensor([[1., 1.], [2., 2.]]), torch.tensor([0, 0]))))
M(T, "accuracy_squeeze_batch1", "accuracy", "squeezes y_hat first: scores (1, c) become (c,) and are taken as labels",
  "y_hat (1,3) [[0.1,0.9,0.2]], y [1]", "def accuracy(y_hat, y):\n    y_hat = y_hat.squeeze()\n    predicted = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat\n    return (predicted == y).float().mean().item()",
  differs(lambda M: M.accuracy(torch.tensor([[0.1, 0.9, 0.2]]), torch.tensor([1]))))
M(T, "accuracy_returns_tensor", "accuracy", "returns a 0-dim tensor, not a Python float",
  "y_hat (4,3) random, y random", "def accuracy(y_hat, y):\n    predicted = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat\n    return (predicted == y).float().mean()",
  differs(lambda M: M.accuracy(r(4, 3), torch.tensor([0, 1, 2, 0]))))
M(T, "flatten_squeeze", "flatten_batch", "x.squeeze().flatten(1): N = 1 loses the batch axis",
  "x (1,1,4,4)", "def flatten_batch(x):\n    return x.squeeze().flatten(1)",
  differs(lambda M: M.flatten_batch(r(1, 1, 4, 4))))
M(T, "fill_nan_float_count", "fill_nan_with_column_mean", "divides by a float32 count: float16 x returns float32",
  "float16 x [[1,nan],[3,4]]", "def fill_nan_with_column_mean(x):\n    missing = torch.isnan(x)\n    numbers = torch.where(missing, torch.zeros_like(x), x)\n    means = numbers.sum(dim=0) / (~missing).float().sum(dim=0)\n    return torch.where(missing, means.expand_as(x), x)",
  differs(lambda M: M.fill_nan_with_column_mean(torch.tensor([[1., float('nan')], [3., 4.]]).half())))
M(T, "fill_nan_mean_all_rows", "fill_nan_with_column_mean", "mean divides by n (NaNs counted as zeros)",
  "x [[1,nan],[3,4],[5,6]]", "def fill_nan_with_column_mean(x):\n    missing = torch.isnan(x)\n    means = torch.nan_to_num(x, nan=0.0).mean(dim=0)\n    return torch.where(missing, means.expand_as(x), x)",
  differs(lambda M: M.fill_nan_with_column_mean(torch.tensor([[1., float('nan')], [3., 4.], [5., 6.]]))))
M(T, "matmul_sum_dtype", "matmul", "sums in float32: float64 inputs return float32",
  "float64 a (2,3), b (3,4)", "def matmul(a, b):\n    return (a[:, :, None] * b[None, :, :]).sum(dim=1, dtype=torch.float32)",
  differs(lambda M: M.matmul(r(2, 3).double(), r(3, 4).double())))
M(T, "norms_view_noncontig", "norms", "x.view(-1) fails on a non-contiguous x",
  "x = randn(3,4).T", "def norms(x):\n    flat = x.view(-1)\n    return flat.abs().sum(), (flat * flat).sum().sqrt()",
  differs(lambda M: M.norms(r(3, 4).T)))
M(T, "norms_l1_per_column", "norms", "L1 reduced over dim 0 only: a vector for a matrix",
  "x (3,4)", "def norms(x):\n    return x.abs().sum(dim=0), (x * x).sum().sqrt()",
  differs(lambda M: M.norms(r(3, 4))))

X(T, "matmul_at", "matmul", "uses the @ operator", "Off limits: ``@``",
  "def matmul(a, b):\n    return a @ b", calls_forbidden(lambda M: M.matmul(r(2, 3), r(3, 4)), [], ("__matmul__", "matmul")), inp="a (2,3), b (3,4)")
X(T, "row_normalize_loop", "row_normalize", "divides row by row in a Python loop", "Vectorised (降维 + 广播): no Python loop over rows.",
  "def row_normalize(x):\n    return torch.stack([row / row.sum() for row in x])",
  grows(lambda M, n: M.row_normalize(torch.rand(n, 3) + 0.1)), inp="x rand(n,3)+0.1, n=4 vs 32")
X(T, "norms_vector_norm", "norms", "L2 from torch.linalg.vector_norm", "Off limits: ... ``torch.linalg.vector_norm``",
  "def norms(x):\n    return x.abs().sum(), torch.linalg.vector_norm(x)",
  calls_forbidden(lambda M: M.norms(r(3, 4)), [(torch.linalg, "vector_norm")], ("vector_norm",)), inp="x (3,4)")
X(T, "fill_nan_inplace", "fill_nan_with_column_mean", "writes the means into x itself and returns it", "Returns a new tensor ... x itself is unchanged.",
  "def fill_nan_with_column_mean(x):\n    missing = torch.isnan(x)\n    means = torch.nanmean(x, dim=0)\n    x[missing] = means.expand_as(x)[missing]\n    return x",
  mutates(lambda: [torch.tensor([[1., float('nan')], [3., 4.]])], lambda M, i: M.fill_nan_with_column_mean(i[0])), inp="x [[1,nan],[3,4]]")

def g2(s):
    n, d = [(1, 1), (3, 4), (5, 2), (2, 7)][s % 4]
    dt = [torch.float32, torch.float64][s % 2]
    return [r(n, d, dtype=dt), r(s % 3 + 1, d, dtype=dt)]
def gpos(s):
    dt = [torch.float32, torch.float64, torch.float16][s % 3]
    x = torch.rand(s % 4 + 1, s % 3 + 1) + 0.01
    return [(x if s % 2 else x.T.contiguous().T).to(dt)]
K(T, "add_into_out", "add_into", "torch.add(x, y, out=z)", "def add_into(z, x, y):\n    torch.add(x, y, out=z)\n    return z",
  agree(gen_add, lambda M, i: run_add(M, i)))
K(T, "add_into_copy_add", "add_into", "z.copy_(x + y)", "def add_into(z, x, y):\n    z.copy_(x + y)\n    return z",
  agree(gen_add, lambda M, i: run_add(M, i)))
K(T, "row_normalize_index", "row_normalize", "sum(1)[:, None]", "def row_normalize(x):\n    return x / x.sum(1)[:, None]",
  agree(gpos, lambda M, i: M.row_normalize(i[0]), rtol=1e-3, atol=1e-3))
K(T, "pairwise_expansion_clamped", "pairwise_sq_dists", "|a|² − 2abᵀ + |b|², clamped at 0 (doc allows; tolerance 1e-5·(|a|²+|b|²))",
  "def pairwise_sq_dists(a, b):\n    aa = (a * a).sum(dim=1)[:, None]\n    bb = (b * b).sum(dim=1)[None, :]\n    ab = (a[:, None, :] * b[None, :, :]).sum(dim=-1)\n    return (aa - 2 * ab + bb).clamp(min=0)",
  agree(g2, lambda M, i: M.pairwise_sq_dists(*i), cmp=lambda A, B: None if A.shape == B.shape and A.dtype == B.dtype and bool(((A - B).abs() <= 1e-5 * 4 * (A.max() + 1)).all()) else "differs"))
K(T, "pairwise_mT", "pairwise_sq_dists", "unsqueeze and pow", "def pairwise_sq_dists(a, b):\n    return (a.unsqueeze(1) - b.unsqueeze(0)).pow(2).sum(-1)",
  agree(g2, lambda M, i: M.pairwise_sq_dists(*i)))
def glab(s):
    c = s % 5 + 1
    return [torch.randint(0, c, (s % 6 + 1,)), c]
K(T, "one_hot_scatter", "one_hot", "zeros then scatter_", "def one_hot(labels, num_classes):\n    out = torch.zeros(labels.shape[0], num_classes, device=labels.device)\n    return out.scatter_(1, labels[:, None], 1.0)",
  agree(glab, lambda M, i: M.one_hot(*i)))
K(T, "one_hot_eye", "one_hot", "rows of an identity on the labels' device", "def one_hot(labels, num_classes):\n    return torch.eye(num_classes, device=labels.device)[labels]",
  agree(glab, lambda M, i: M.one_hot(*i)))
def gacc(s):
    n = s % 5 + 1; c = s % 3 + 2
    yh = torch.randint(0, 3, (n, c)).float() if s % 2 else torch.randint(0, c, (n,))
    return [yh, torch.randint(0, c, (n,))]
K(T, "accuracy_count", "accuracy", "count of matches over n via max(dim=1).indices", "def accuracy(y_hat, y):\n    predicted = y_hat.max(dim=1).indices if y_hat.ndim == 2 else y_hat\n    return (predicted == y).sum().item() / y.numel()",
  agree(gacc, lambda M, i: M.accuracy(*i)))
def g4(s):
    x = r(s % 3 + 1, s % 2 + 1, 3, 4)
    return [x]
K(T, "flatten_reshape", "flatten_batch", "reshape(len(x), -1)", "def flatten_batch(x):\n    return x.reshape(len(x), -1)", agree(g4, lambda M, i: M.flatten_batch(*i)))
K(T, "flatten_flatten1", "flatten_batch", "x.flatten(1)", "def flatten_batch(x):\n    return x.flatten(start_dim=1)", agree(g4, lambda M, i: M.flatten_batch(*i)))
def gnan(s):
    dt = [torch.float32, torch.float64][s % 2]
    x = r(s % 4 + 2, s % 3 + 1, dtype=dt)
    x[torch.rand(x.shape) < 0.3] = float('nan'); x[0] = torch.where(torch.isnan(x[0]), 1.0, x[0]).to(dt)
    return [x if s % 3 else x.T.contiguous().T]
K(T, "fill_nan_nanmean", "fill_nan_with_column_mean", "torch.nanmean over dim 0", "def fill_nan_with_column_mean(x):\n    return torch.where(torch.isnan(x), torch.nanmean(x, dim=0, keepdim=True), x)",
  agree(gnan, lambda M, i: M.fill_nan_with_column_mean(*i)))
def gmm(s):
    dt = [torch.float32, torch.float64][s % 2]
    n, k, m = s % 3 + 1, s % 4 + 1, s % 5 + 1
    return [r(n, k, dtype=dt), r(m, k, dtype=dt).T]
K(T, "matmul_transpose", "matmul", "(n,1,k)·(1,m,k) summed over the last axis", "def matmul(a, b):\n    return (a[:, None, :] * b.T[None, :, :]).sum(dim=-1)",
  agree(gmm, lambda M, i: M.matmul(*i)))
def gnorm(s):
    shapes = [(), (1,), (3, 4), (2, 3, 2)]
    dt = [torch.float32, torch.float64][s % 2]
    return [torch.randn(shapes[s % 4], dtype=dt)]
K(T, "norms_square", "norms", "torch.abs().sum() and square().sum().sqrt()", "def norms(x):\n    return torch.abs(x).sum(), torch.sqrt(x.square().sum())",
  agree(gnorm, lambda M, i: M.norms(*i)))
