from common import *  # noqa: F403
import torch
import torch.nn.functional as F
from torch import nn

T = "cnn"
D = torch.float64
r = torch.randn

CORR_REF = '''
def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """Window times kernel, summed, at every position."""
'''

# ---------------- mistakes ----------------
M(T, "corr2d_off_by_one", "corr2d", "loop bounds range(H − kh) and range(W − kw): the last row and column of outputs are missing",
  "x (4, 5), k (2, 2)", CORR_REF + '''    kh, kw = k.shape
    rows = [torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw)])
            for i in range(x.shape[0] - kh)]
    return torch.stack(rows)
''', differs(lambda M: M.corr2d(torch.arange(20.).reshape(4, 5), torch.tensor([[1., 0.], [0., -1.]]))))

M(T, "corr2d_float32_zeros", "corr2d", "d2l style Y = torch.zeros(h, w) filled in place: float32 whatever x's dtype",
  "x (3, 3) float64, k (2, 2) float64", CORR_REF + '''    h, w = k.shape
    Y = torch.zeros((x.shape[0] - h + 1, x.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return Y
''', differs(lambda M: M.corr2d(r(3, 3, dtype=D), r(2, 2, dtype=D))))

M(T, "corr2d_flipped_kernel", "corr2d", "flips the kernel (a true convolution) instead of cross-correlating",
  "x (3, 3), k [[1, 2], [3, 4]]", CORR_REF + '''    kh, kw = k.shape
    kf = k.flip(0, 1)
    rows = [torch.stack([(x[i:i + kh, j:j + kw] * kf).sum() for j in range(x.shape[1] - kw + 1)])
            for i in range(x.shape[0] - kh + 1)]
    return torch.stack(rows)
''', differs(lambda M: M.corr2d(torch.arange(9.).reshape(3, 3), torch.tensor([[1., 2.], [3., 4.]]))))

M(T, "corr2d_square_kernel", "corr2d", "uses kh for both kernel sides: a non-square kernel is cut to kh × kh",
  "x (4, 4), k (1, 3)", CORR_REF + '''    n = k.shape[0]
    rows = [torch.stack([(x[i:i + n, j:j + n] * k).sum() for j in range(x.shape[1] - n + 1)])
            for i in range(x.shape[0] - n + 1)]
    return torch.stack(rows)
''', differs(lambda M: M.corr2d(torch.arange(16.).reshape(4, 4), torch.tensor([[1., -1., 2.]]))))

CONV_HEAD = '''
def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """im2col with F.unfold, then one matrix product."""
'''
M(T, "conv2d_bias_none", "conv2d", "adds bias[:, None] unconditionally: the default bias=None raises",
  "x (2, 3, 5, 5), weight (4, 3, 3, 3), bias left at None", CONV_HEAD + '''    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(c_out, -1) @ columns + bias[:, None]
    return out.reshape(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))
''', differs(lambda M: M.conv2d(r(2, 3, 5, 5), r(4, 3, 3, 3)), atol=1e-5))

M(T, "conv2d_pad_width_only", "conv2d", "F.pad(x, (p, p)): pads only the width, then unfolds without padding",
  "x (1, 2, 4, 4), weight (3, 2, 3, 3), padding 1", CONV_HEAD + '''    x = F.pad(x, (padding, padding))
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), stride=stride)
    out = weight.reshape(c_out, -1) @ columns
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, c_out, conv_output_size(h, kh, 0, stride), -1)
''', differs(lambda M: M.conv2d(r(1, 2, 4, 4), r(3, 2, 3, 3), None, 1, 1), atol=1e-5))

M(T, "conv2d_weight_view", "conv2d", "weight.view(c_out, −1): a non-contiguous weight raises",
  "weight = randn(3, 2, 3, 3).transpose(2, 3) (non-contiguous)", CONV_HEAD + '''    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.view(c_out, -1) @ columns
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))
''', differs(lambda M: M.conv2d(r(1, 2, 5, 5), r(3, 2, 3, 3).transpose(2, 3), r(3), 1, 0), atol=1e-5))

M(T, "conv2d_ceil_size", "conv2d", "output side by ceiling division: the reshape fails when (H + 2p − k) is not a multiple of the stride",
  "x (1, 1, 6, 6), weight (2, 1, 3, 3), stride 2", CONV_HEAD + '''    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(c_out, -1) @ columns
    if bias is not None:
        out = out + bias[:, None]
    h_out = -(-(h + 2 * padding - kh) // stride) + 1
    w_out = -(-(w + 2 * padding - kw) // stride) + 1
    return out.reshape(n, c_out, h_out, w_out)
''', differs(lambda M: M.conv2d(r(1, 1, 6, 6), r(2, 1, 3, 3), r(2), 2, 0), atol=1e-5))

M(T, "conv2d_bias_last_axis", "conv2d", "out + bias on (N, C_out, L): the bias broadcasts along the positions, not the channels",
  "x (1, 1, 4, 4), weight (2, 1, 3, 3) (L = 4 ≠ 2 raises; with L = C_out the values are wrong)", CONV_HEAD + '''    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(c_out, -1) @ columns
    if bias is not None:
        out = out + bias
    return out.reshape(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))
''', differs(lambda M: M.conv2d(r(1, 1, 3, 4), r(2, 1, 2, 3), torch.tensor([1., -1.]), 1, 0), atol=1e-5))

M(T, "conv_output_size_float", "conv_output_size", "true division: a float, and not floored ((6 − 3)/2 + 1 = 2.5)",
  "n 6, k 3, padding 0, stride 2", '''
def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """(n + 2p − k)/s + 1."""
    return (n + 2 * padding - k) / stride + 1
''', differs(lambda M: M.conv_output_size(6, 3, 0, 2)))

M(T, "conv_output_size_pad_once", "conv_output_size", "adds the padding once: n + p − k",
  "n 5, k 3, padding 1, stride 1", '''
def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """⌊(n + p − k)/s⌋ + 1."""
    return (n + padding - k) // stride + 1
''', differs(lambda M: M.conv_output_size(5, 3, 1, 1)))

POOL_HEAD = '''
def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """Windows along H and W, then the max of each."""
'''
M(T, "max_pool_stride_ignored", "max_pool2d", "always steps by kernel_size: an explicit stride is ignored",
  "x (1, 1, 4, 4), kernel 2, stride 1", POOL_HEAD + '''    windows = x.unfold(2, kernel_size, kernel_size).unfold(3, kernel_size, kernel_size)
    return windows.flatten(-2).amax(dim=-1)
''', differs(lambda M: M.max_pool2d(r(1, 1, 4, 4), 2, 1)))

M(T, "max_pool_default_stride_one", "max_pool2d", "stride defaults to 1 instead of kernel_size",
  "x (1, 2, 4, 4), kernel 2, stride left at None", POOL_HEAD + '''    stride = 1 if stride is None else stride
    windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)
    return windows.flatten(-2).amax(dim=-1)
''', differs(lambda M: M.max_pool2d(r(1, 2, 4, 4), 2)))

M(T, "max_pool_reshape_blocks", "max_pool2d", "view(N, C, H//k, k, W//k, k).amax: fails unless H and W are multiples of k (and for other strides)",
  "x (1, 1, 5, 5), kernel 2", POOL_HEAD + '''    n, c, h, w = x.shape
    k = kernel_size
    return x.view(n, c, h // k, k, w // k, k).amax(dim=(3, 5))
''', differs(lambda M: M.max_pool2d(r(1, 1, 5, 5), 2, 2)))

M(T, "max_pool_one_axis", "max_pool2d", "amax over the last window axis only: returns (N, C, Ho, Wo, k)",
  "x (1, 1, 4, 4), kernel 2", POOL_HEAD + '''    stride = stride or kernel_size
    windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)
    return windows.amax(dim=-1)
''', differs(lambda M: M.max_pool2d(r(1, 1, 4, 4), 2, 2)))


def cnn_out(num_classes=10, in_channels=1, size=8, n=2):
    def run(M):
        torch.manual_seed(0)
        m = M.SimpleCNN(num_classes, in_channels)
        return m(r(n, in_channels, size, size)).shape
    return run

SIMPLE_HEAD = '''
class SimpleCNN(nn.Module):
    """conv-relu-pool twice, then linear."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
'''
M(T, "simplecnn_flatten_28", "SimpleCNN", "the lecture's flatten with in_features 320 for 28×28 (5×5 convs, no padding): 8×8 digits fail",
  "SimpleCNN() on (2, 1, 8, 8)", SIMPLE_HEAD + '''        self.conv1 = nn.Conv2d(in_channels, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.fc = nn.Linear(320, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))
''', differs(cnn_out(size=8)))

M(T, "simplecnn_in_channels_ignored", "SimpleCNN", "the first conv hard-codes 1 input channel",
  "SimpleCNN(10, in_channels=3) on (2, 3, 8, 8)", SIMPLE_HEAD + '''        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x).flatten(1))
''', differs(cnn_out(in_channels=3)))

M(T, "simplecnn_num_classes_ignored", "SimpleCNN", "Linear(…, 10) whatever num_classes says",
  "SimpleCNN(num_classes=3) on (2, 1, 8, 8)", SIMPLE_HEAD + '''        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, 10)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x).flatten(1))
''', differs(cnn_out(num_classes=3)))

M(T, "simplecnn_unpadded_5x5", "SimpleCNN", "5×5 convs without padding, global pooling head: an 8×8 input shrinks to nothing before the second conv",
  "SimpleCNN() on (2, 1, 8, 8)", SIMPLE_HEAD + '''        self.conv1 = nn.Conv2d(in_channels, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.mean(dim=(2, 3)))
''', differs(cnn_out(size=8)))

M(T, "simplecnn_one_conv", "SimpleCNN", "a single Conv2d, pooled twice: the docstring asks for at least two nn.Conv2d layers",
  "count of nn.Conv2d modules in SimpleCNN()", SIMPLE_HEAD + '''        self.conv = nn.Conv2d(in_channels, 32, 3, padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = F.max_pool2d(x, 2)
        return self.fc(x.mean(dim=(2, 3)))
''', differs(lambda M: sum(isinstance(m, nn.Conv2d) for m in M.SimpleCNN().modules()) >= 2))

# ---------------- contract ----------------
X(T, "max_pool_F", "max_pool2d", "F.max_pool2d(x, kernel_size, stride)",
  "Off limits: ``F.max_pool2d``, ``nn.MaxPool2d``, ``torch.max_pool2d``.", '''
def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """torch's pooling."""
    return F.max_pool2d(x, kernel_size, stride)
''', calls_forbidden(lambda M: M.max_pool2d(r(1, 1, 4, 4), 2, None), [(F, "max_pool2d"), (torch, "max_pool2d")], ("max_pool2d",)))

X(T, "conv2d_F", "conv2d", "F.conv2d(x, weight, bias, stride, padding)",
  "Off limits: ``F.conv2d``, ``torch.conv2d``, ``nn.Conv2d`` and torch's other convolutions", '''
def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """torch's convolution."""
    return F.conv2d(x, weight, bias, stride, padding)
''', calls_forbidden(lambda M: M.conv2d(r(1, 2, 5, 5), r(3, 2, 3, 3), r(3), 1, 1), [(F, "conv2d"), (torch, "conv2d")], ("conv2d",)))

# ---------------- correct ----------------
def g_corr(seed):
    dt = D if seed % 2 else torch.float32
    H, W = seed % 4 + 2, seed % 5 + 2
    return [r(H, W, dtype=dt), r(seed % H + 1, seed % W + 1, dtype=dt)]

def corr_check(R, C):
    why = agree(g_corr, lambda M, i: M.corr2d(*i), rtol=1e-5, atol=1e-5)(R, C)
    return why or agree(lambda s: [t.to(D) for t in g_corr(s)], lambda M, i: with_grads(M.corr2d, *i), rtol=1e-7, atol=1e-12)(R, C)

K(T, "corr2d_zeros_typed", "corr2d", "d2l style: zeros of x's dtype and device, filled element by element (copy_ is differentiable)", CORR_REF + '''    h, w = k.shape
    Y = torch.zeros((x.shape[0] - h + 1, x.shape[1] - w + 1), dtype=x.dtype, device=x.device)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return Y
''', corr_check)

K(T, "corr2d_unfold", "corr2d", "Tensor.unfold windows (not a convolution function), times the kernel, summed", CORR_REF + '''    kh, kw = k.shape
    windows = x.unfold(0, kh, 1).unfold(1, kw, 1)
    return (windows * k).sum(dim=(-2, -1))
''', corr_check)

K(T, "corr2d_shifted_slices", "corr2d", "loops over the kernel's offsets: Σ k[a, b]·x[a:a+Ho, b:b+Wo]", CORR_REF + '''    kh, kw = k.shape
    ho, wo = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = x.new_zeros(ho, wo)
    for a in range(kh):
        for b in range(kw):
            out = out + k[a, b] * x[a:a + ho, b:b + wo]
    return out
''', corr_check)

def g_conv(seed):
    dt = D if seed % 2 else torch.float32
    n, ci, co = seed % 2 + 1, seed % 3 + 1, seed % 4 + 1
    kh, kw = seed % 3 + 1, (seed + 1) % 3 + 1
    pad, stride = seed % 2, seed % 3 + 1
    H, W = kh + seed % 4 + 1, kw + seed % 5 + 1
    x = r(n, ci, H, W, dtype=dt)
    w = r(co, ci, kh, kw, dtype=dt)
    if seed % 4 == 0:
        x = x.transpose(2, 3).contiguous().transpose(2, 3)
    b = r(co, dtype=dt) if seed % 3 else None
    return [x, w, b, stride, pad]

def conv_check(R, C):
    why = agree(g_conv, lambda M, i: M.conv2d(*i), rtol=1e-5, atol=1e-5)(R, C)
    if why:
        return why
    why = agree(g_conv, lambda M, i: M.conv2d(i[0], i[1]), rtol=1e-5, atol=1e-5)(R, C)
    if why:
        return why
    def gd(s):
        i = g_conv(s)
        i[2] = r(i[1].shape[0]) if i[2] is None else i[2]
        return [t.to(D) if isinstance(t, torch.Tensor) else t for t in i]
    return agree(gd, lambda M, i: with_grads(lambda a, b, c: M.conv2d(a, b, c, i[3], i[4]), *i[:3]), rtol=1e-7, atol=1e-12)(R, C)

K(T, "conv2d_offset_loops", "conv2d", "F.pad, then loops over kernel offsets with strided slices and einsum over channels (loops allowed)", '''
def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """Sum over kernel offsets of strided slices."""
    if padding:
        x = F.pad(x, (padding, padding, padding, padding))
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = x.new_zeros(n, c_out, ho, wo)
    for a in range(kh):
        for b in range(kw):
            patch = x[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            out = out + torch.einsum("nchw,oc->nohw", patch, weight[:, :, a, b])
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out
''', conv_check)

K(T, "conv2d_unfold_einsum", "conv2d", "F.unfold with padding, einsum against the flattened weight, bias via reshape", '''
def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """im2col, then an einsum."""
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    cols = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)
    out = torch.einsum("ok,nkl->nol", weight.reshape(c_out, -1), cols)
    ho = (h + 2 * padding - kh) // stride + 1
    out = out.reshape(n, c_out, ho, -1)
    return out if bias is None else out + bias.reshape(1, c_out, 1, 1)
''', conv_check)

K(T, "conv_output_size_trunc", "conv_output_size", "int((n + 2p − k) / s) + 1 (the numerator is ≥ 0, so truncation is the floor)", '''
def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """Truncated division of a non-negative numerator."""
    return int((n + 2 * padding - k) / stride) + 1
''', agree(lambda s: [s % 20 + 3, s % 3 + 1, s % 3, s % 4 + 1], lambda M, i: [M.conv_output_size(*i), M.conv_output_size(i[0], i[1])]))

def g_pool(seed):
    dt = D if seed % 2 else torch.float32
    k = seed % 3 + 1
    s = [None, 1, 2, 3][seed % 4]
    x = r(seed % 2 + 1, seed % 3 + 1, k + seed % 5, k + seed % 4, dtype=dt)
    if seed % 5 == 0:
        x = x.transpose(2, 3)
    return [x, k, s]

K(T, "max_pool_offset_maximum", "max_pool2d", "torch.maximum over the k·k strided slices (one per window offset)", '''
def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """Running maximum over window offsets."""
    s = kernel_size if stride is None else stride
    k = kernel_size
    ho, wo = (x.shape[2] - k) // s + 1, (x.shape[3] - k) // s + 1
    out = None
    for a in range(k):
        for b in range(k):
            part = x[:, :, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]
            out = part if out is None else torch.maximum(out, part)
    return out
''', all_of(agree(g_pool, lambda M, i: M.max_pool2d(*i)),
            agree(lambda s: [r(1, 2, 6, 6, dtype=D), 2, [None, 1, 2][s % 3]], lambda M, i: with_grads(lambda t: M.max_pool2d(t, i[1], i[2]), i[0]), rtol=1e-7, atol=1e-12)))


def cnn_behaviour(R, C):
    for nc, ic in [(10, 1), (3, 3)]:
        torch.manual_seed(0)
        m = C.SimpleCNN(nc, ic)
        if sum(isinstance(x, nn.Conv2d) for x in m.modules()) < 2:
            return "fewer than two Conv2d"
        for hw in [(8, 8), (28, 28), (9, 13)]:
            x = r(2, ic, *hw)
            out = m(x)
            if out.shape != (2, nc):
                return f"shape {out.shape} at {hw}"
        m.zero_grad()
        F.cross_entropy(m(r(4, ic, 8, 8)), torch.randint(0, nc, (4,))).backward()
        if any(p.grad is None or p.grad.abs().sum() == 0 for p in m.parameters()):
            return "a parameter gets no gradient"
        if m(r(1, ic, 8, 8)).shape != (1, nc):
            return "batch of 1"
    return None

K(T, "simplecnn_8_16", "SimpleCNN", "the issue's narrow network: 8 and 16 channels, 3×3 convs with padding, global average pooling",
  SIMPLE_HEAD + '''        self.conv1 = nn.Conv2d(in_channels, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.mean(dim=(2, 3)))
''', cnn_behaviour, verified="behaviour (shapes at 8×8, 28×28, 9×13, batch 1, in_channels 3, gradients reach every parameter); convergence not verified")

K(T, "simplecnn_adaptive_max", "SimpleCNN", "the lecture's 10/20 channels with 5×5 convs (padding 2) and an adaptive max-pool to 2×2 before the linear layer",
  SIMPLE_HEAD + '''        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.AdaptiveMaxPool2d(2)
        self.fc = nn.Linear(20 * 2 * 2, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        return self.fc(self.head(x).flatten(1))
''', cnn_behaviour, verified="behaviour (shapes, batch 1, in_channels 3, gradients); convergence not verified")
