from common import *  # noqa: F403
import torch
from torch import nn
import torch.nn.functional as F
from mlp import mod_differs, mod_agree

torch.manual_seed(105)
T = "cnn"
D = torch.float64
r = torch.randn


def _corr_grads(M, dt=D, H=5, W=4, kh=2, kw=3):
    g = torch.Generator().manual_seed(3)
    return with_grads(M.corr2d, torch.randn(H, W, generator=g, dtype=dt), torch.randn(kh, kw, generator=g, dtype=dt))


def _conv(M, N=2, Ci=3, H=7, W=6, Co=4, k=(3, 2), stride=1, padding=0, bias=True, dt=D, wview=False, grads=True):
    g = torch.Generator().manual_seed(11)
    x = torch.randn(N, Ci, H, W, generator=g, dtype=dt)
    w = torch.randn(Co, Ci, *k, generator=g, dtype=dt)
    if wview:
        w = torch.randn(Ci, Co, *k, generator=g, dtype=dt).transpose(0, 1)
    b = torch.randn(Co, generator=g, dtype=dt) if bias else None
    if not grads:
        return M.conv2d(x, w, b, stride, padding)
    ts = [x, w] + ([b] if bias else [])
    return with_grads(lambda *t: M.conv2d(t[0], t[1], t[2] if bias else None, stride, padding), *ts)


# ---------------- mistakes ----------------
M(T, "corr2d_flipped", "corr2d", "flips the kernel (true convolution, not cross-correlation)", "x randn (5,4), k randn (2,3), float64", '''
def corr2d(x, k):
    k = k.flip(0, 1)
    kh, kw = k.shape
    rows = [torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw + 1)])
            for i in range(x.shape[0] - kh + 1)]
    return torch.stack(rows)
''', differs(_corr_grads))

M(T, "corr2d_off_by_one", "corr2d", "range(H − kh): drops the last row and column of outputs", "x randn (5,4), k (2,3)", '''
def corr2d(x, k):
    kh, kw = k.shape
    rows = [torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw)])
            for i in range(x.shape[0] - kh)]
    return torch.stack(rows)
''', differs(_corr_grads))

M(T, "corr2d_zeros_float32", "corr2d", "writes into torch.zeros(h, w): float64 input gives float32", "x (5,4), k (2,3) float64", '''
def corr2d(x, k):
    kh, kw = k.shape
    Y = torch.zeros(x.shape[0] - kh + 1, x.shape[1] - kw + 1)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
    return Y
''', differs(lambda M: M.corr2d(torch.randn(5, 4, dtype=D), torch.randn(2, 3, dtype=D))))

M(T, "corr2d_item", "corr2d", "stores .item() values: the result is cut off from autograd", "gradients w.r.t. x and k, float64", '''
def corr2d(x, k):
    kh, kw = k.shape
    Y = torch.zeros(x.shape[0] - kh + 1, x.shape[1] - kw + 1, dtype=x.dtype)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (x[i:i + kh, j:j + kw] * k).sum().item()
    return Y
''', differs(_corr_grads))

M(T, "conv2d_bias_row", "conv2d", "adds bias[None, :] against (N, C_out, L): broadcasts along L", "x (2,3,7,6), weight (4,3,3,2), bias (4,)", '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(c_out, -1) @ columns
    if bias is not None:
        out = out + bias[None, :]
    return out.reshape(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))
''', differs(_conv))

M(T, "conv2d_size_no_padding", "conv2d", "output size ignores the padding", "padding 1, stride 1", '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(c_out, -1) @ columns
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, c_out, (h - kh) // stride + 1, -1)
''', differs(lambda M: _conv(M, padding=1)))

M(T, "conv2d_stride_subsample", "conv2d", "unfolds at stride 1 and keeps every stride-th column of L", "stride 2, x (2,3,7,6), kernel (3,2)", '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding)[:, :, ::stride]
    ho, wo = conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride)
    out = weight.reshape(c_out, -1) @ columns[:, :, : ho * wo]
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, c_out, ho, wo)
''', differs(lambda M: _conv(M, stride=2)))

M(T, "conv2d_view_weight", "conv2d", "weight.view(c_out, −1): a non-contiguous weight fails", "weight a transposed view (C_in, C_out, kh, kw).transpose(0, 1)", '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.view(c_out, -1) @ columns
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))
''', differs(lambda M: _conv(M, wview=True, grads=False)))

M(T, "conv2d_bias_truthy", "conv2d", "if bias: (a tensor's truth value) fails for C_out > 1", "bias (4,)", '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(c_out, -1) @ columns
    if bias:
        out = out + bias[:, None]
    return out.reshape(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))
''', differs(lambda M: _conv(M, grads=False)))

M(T, "conv_size_single_pad", "conv_output_size", "adds the padding once, not twice", "n 7, k 3, padding 1, stride 1", '''
def conv_output_size(n, k, padding=0, stride=1):
    return (n + padding - k) // stride + 1
''', differs(lambda M: M.conv_output_size(7, 3, 1, 1)))

M(T, "conv_size_true_div", "conv_output_size", "true division: returns a float (and no floor)", "n 8, k 3, padding 0, stride 2", '''
def conv_output_size(n, k, padding=0, stride=1):
    return (n + 2 * padding - k) / stride + 1
''', differs(lambda M: M.conv_output_size(8, 3, 0, 2)))

M(T, "conv_size_ceil", "conv_output_size", "rounds up (ceil mode)", "n 8, k 3, padding 0, stride 2", '''
def conv_output_size(n, k, padding=0, stride=1):
    return -(-(n + 2 * padding - k) // stride) + 1
''', differs(lambda M: M.conv_output_size(8, 3, 0, 2)))

M(T, "pool_default_stride1", "max_pool2d", "stride defaults to 1, not kernel_size", "x (1,2,6,6), kernel 2, stride None", '''
def max_pool2d(x, kernel_size, stride=None):
    stride = stride or 1
    windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)
    return windows.flatten(-2).amax(dim=-1)
''', differs(lambda M: M.max_pool2d(r(1, 2, 6, 6), 2)))

M(T, "pool_unfold_mixes_channels", "max_pool2d", "F.unfold reshaped as (k·k, C): the max runs across channels", "x (2,3,4,4), kernel 2", '''
def max_pool2d(x, kernel_size, stride=None):
    stride = stride or kernel_size
    n, c, h, w = x.shape
    ho, wo = (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1
    cols = F.unfold(x, kernel_size, stride=stride)
    return cols.reshape(n, -1, c, ho * wo).amax(dim=1).reshape(n, c, ho, wo)
''', differs(lambda M: M.max_pool2d(r(2, 3, 4, 4), 2)))

M(T, "pool_reshape_trick", "max_pool2d", "reshape into (k × k) blocks: only right when stride == kernel_size", "x (1,1,5,5), kernel 2, stride 1", '''
def max_pool2d(x, kernel_size, stride=None):
    k = kernel_size
    n, c, h, w = x.shape
    ho, wo = h // k, w // k
    return x[:, :, : ho * k, : wo * k].reshape(n, c, ho, k, wo, k).amax(dim=(3, 5))
''', differs(lambda M: M.max_pool2d(r(1, 1, 5, 5), 2, 1)))


def _cnn_shape(M, make, x):
    torch.manual_seed(0)
    return make(M)(x).shape


M(T, "cnn_flatten_fixed", "SimpleCNN", "flattens an 8×8-sized feature map into a fixed Linear: 28×28 input fails", "SimpleCNN() on x (2,1,28,28)", '''
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(32 * 2 * 2, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))
''', differs(lambda M: _cnn_shape(M, lambda M: M.SimpleCNN(), r(2, 1, 28, 28))))

M(T, "cnn_in_channels_ignored", "SimpleCNN", "first conv hard-codes one input channel", "SimpleCNN(10, in_channels=3) on x (2,3,8,8)", '''
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))
''', differs(lambda M: _cnn_shape(M, lambda M: M.SimpleCNN(10, 3), r(2, 3, 8, 8))))

M(T, "cnn_no_padding_k5", "SimpleCNN", "the lecture's 5×5 kernels without padding: an 8×8 input dies in the second conv", "SimpleCNN() on x (2,1,8,8)", '''
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(x.mean(dim=(2, 3)))
''', differs(lambda M: _cnn_shape(M, lambda M: M.SimpleCNN(), r(2, 1, 8, 8))))


def _cnn_grads(M):
    torch.manual_seed(0)
    m = M.SimpleCNN()
    m(r(2, 1, 8, 8)).sum().backward()
    return [p.grad is not None for p in m.parameters()].count(False)


M(T, "cnn_unused_layer", "SimpleCNN", "defines a third conv it never uses: gradients miss its parameters", "SimpleCNN() on x (2,1,8,8), backward", '''
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = F.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc(x.mean(dim=(2, 3)))
''', differs(_cnn_grads))

M(T, "cnn_squeeze_batch1", "SimpleCNN", "squeezes the pooled features: a batch of one returns (num_classes,)", "SimpleCNN() on x (1,1,8,8)", '''
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).squeeze())
''', differs(lambda M: _cnn_shape(M, lambda M: M.SimpleCNN(), r(1, 1, 8, 8))))

# ---------------- contract ----------------
X(T, "conv2d_F", "conv2d", "calls the off-limits F.conv2d", "x (2,3,7,6), weight (4,3,3,2)", '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    return F.conv2d(x, weight, bias, stride, padding)
''', calls_forbidden(lambda M: _conv(M, grads=False), [(F, "conv2d"), (torch, "conv2d")], ("conv2d",)))

X(T, "pool_F", "max_pool2d", "calls the off-limits F.max_pool2d", "x (1,2,6,6), kernel 2", '''
def max_pool2d(x, kernel_size, stride=None):
    return F.max_pool2d(x, kernel_size, stride)
''', calls_forbidden(lambda M: M.max_pool2d(r(1, 2, 6, 6), 2), [(F, "max_pool2d"), (torch, "max_pool2d")], ("max_pool2d", "_max_pool2d", "boolean_dispatch")))

X(T, "cnn_too_few_channels", "SimpleCNN", "first convolution has 6 output channels (at least 8 asked)", "SimpleCNN(): conv weight shapes", '''
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(16, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))
''', lambda R, C: (lambda convs: f"conv out_channels {convs}" if convs[0] < 8 or convs[1] < 16 else None)(
    [m.out_channels for m in C.SimpleCNN().modules() if isinstance(m, nn.Conv2d)]))

# ---------------- correct ----------------
K(T, "corr2d_unfold", "corr2d", "vectorised: x.unfold twice, times k, summed", "seeded shapes incl. kernel = image and 1×1, float32/64, grads", '''
def corr2d(x, k):
    kh, kw = k.shape
    windows = x.unfold(0, kh, 1).unfold(1, kw, 1)
    return (windows * k).sum(dim=(-2, -1))
''', agree(lambda s: (s,), lambda M, i: _corr_grads(M, dt=D if i[0] % 2 else torch.float32, H=i[0] % 4 + 3, W=i[0] % 3 + 3,
                                                    kh=i[0] % 3 + 1, kw=(i[0] // 3) % 3 + 1), n=12, cmp=lambda a, b: same(a, b, 1e-5, 1e-5)))

K(T, "conv2d_shift_sum", "conv2d", "sum over kernel offsets of strided slices of the padded input (F.pad) times weight slices (einsum)", "seeded N, C, sizes, stride 1–3, padding 0–2, bias/None, float64 grads", '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    c_out, c_in, kh, kw = weight.shape
    xp = F.pad(x, (padding, padding, padding, padding))
    ho = conv_output_size(x.shape[2], kh, padding, stride)
    wo = conv_output_size(x.shape[3], kw, padding, stride)
    out = None
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            term = torch.einsum("nchw,oc->nohw", patch, weight[:, :, a, b])
            out = term if out is None else out + term
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out
''', agree(lambda s: (s,), lambda M, i: _conv(M, N=i[0] % 2 + 1, Ci=i[0] % 3 + 1, H=6 + i[0] % 3, W=5 + i[0] % 2, Co=i[0] % 3 + 1,
                                              k=(i[0] % 3 + 1, (i[0] + 1) % 3 + 1), stride=i[0] % 3 + 1, padding=i[0] % 3,
                                              bias=bool(i[0] % 2), wview=i[0] % 4 == 0), n=12,
           cmp=lambda a, b: same(a, b, 1e-7, 1e-9)))

K(T, "conv_size_int", "conv_output_size", "int(math.floor((n + 2p − k) / s)) + 1", "all n 1–12, k, padding 0–2, stride 1–3 with k ≤ n + 2p", '''
def conv_output_size(n, k, padding=0, stride=1):
    return int(math.floor((n + 2 * padding - k) / stride)) + 1
''', agree(lambda s: (s,), lambda M, i: [M.conv_output_size(n, k, p, st) for n in range(1, 13) for k in range(1, 6)
                                         for p in range(3) for st in range(1, 4) if k <= n + 2 * p], n=1), imports="import math")

K(T, "pool_max_max", "max_pool2d", "x.unfold windows, max over the last axis twice", "seeded N, C, sizes, kernel 1–3, stride None/1–3, float32/64, grads", '''
def max_pool2d(x, kernel_size, stride=None):
    if stride is None:
        stride = kernel_size
    w = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)
    return w.max(dim=-1).values.max(dim=-1).values
''', agree(lambda s: (torch.randn(s % 2 + 1, s % 3 + 1, 5 + s % 3, 4 + s % 4, dtype=D if s % 2 else torch.float32), s % 3 + 1, [None, 1, 2, 3][s % 4]),
           lambda M, i: with_grads(lambda t: M.max_pool2d(t, i[1], i[2]), i[0]) if i[0].dtype == D else M.max_pool2d(*i), n=12))


def _cnn_behaviour(M):
    torch.manual_seed(0)
    m = M.SimpleCNN(num_classes=7, in_channels=2)
    shapes = [tuple(m(r(n, 2, s, s)).shape) for n, s in [(1, 8), (3, 28), (2, 11)]]
    m(r(2, 2, 8, 8)).sum().backward()
    convs = [c.out_channels for c in m.modules() if isinstance(c, nn.Conv2d)]
    return shapes, all(p.grad is not None for p in m.parameters()), len(convs) >= 2 and convs[0] >= 8 and convs[1] >= 16


K(T, "cnn_lecture_10_20", "SimpleCNN", "the lecture's 10/20-channel 5×5 convs with padding 2, adaptive max pooling", "shapes for 8×8, 28×28, 11×11, batch 1; grads reach every parameter; conv channels", '''
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveMaxPool2d(1)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(self.gap(x).flatten(1))
''', agree(lambda s: (s,), lambda M, i: _cnn_behaviour(M), n=1))


# right values for the contract entries
V(T, "conv2d_F", lambda M: _conv(M, stride=2, padding=1))
V(T, "pool_F", lambda M: M.max_pool2d(r(2, 3, 7, 6), 3, 2))
V(T, "cnn_too_few_channels", lambda M: seeded(lambda: [tuple(M.SimpleCNN()(r(n, 1, s, s)).shape) for n, s in [(1, 8), (2, 28)]]))
