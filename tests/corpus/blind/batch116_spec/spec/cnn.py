from common import *  # noqa
import math as _m
T = "cnn"
r = torch.randn
D = torch.float64
SOL = open('/work/main/solutions/cnn.py').read()
def sub(src, old, new):
    assert old in src, old
    return src.replace(old, new)
CNN_SRC = SOL[SOL.index('class SimpleCNN('):].rstrip() + "\n"
CONV_SRC = SOL[SOL.index('def conv2d('):SOL.index('def conv_output_size(')].rstrip() + "\n"
POOL_SRC = SOL[SOL.index('def max_pool2d('):SOL.index('class SimpleCNN(')].rstrip() + "\n"

M(T, "corr2d_off_by_one", "corr2d", "range(H − kh) misses the last row and column",
  "x (4,5), k (2,2)", "def corr2d(x, k):\n    kh, kw = k.shape\n    rows = [torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw)])\n            for i in range(x.shape[0] - kh)]\n    return torch.stack(rows)",
  differs(lambda M: M.corr2d(r(4, 5), r(2, 2))))
M(T, "corr2d_zeros_float32", "corr2d", "output buffer torch.zeros(h_out, w_out): float64 inputs give float32",
  "float64 x (4,4), k (2,3)", "def corr2d(x, k):\n    kh, kw = k.shape\n    out = torch.zeros(x.shape[0] - kh + 1, x.shape[1] - kw + 1)\n    for i in range(out.shape[0]):\n        for j in range(out.shape[1]):\n            out[i, j] = (x[i:i + kh, j:j + kw] * k).sum()\n    return out",
  differs(lambda M: M.corr2d(r(4, 4, dtype=D), r(2, 3, dtype=D))))
M(T, "corr2d_flipped_kernel", "corr2d", "flips the kernel (true convolution, not cross-correlation)",
  "x (4,4), asymmetric k (2,2)", "def corr2d(x, k):\n    k = k.flip(0, 1)\n    kh, kw = k.shape\n    rows = [torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw + 1)])\n            for i in range(x.shape[0] - kh + 1)]\n    return torch.stack(rows)",
  differs(lambda M: M.corr2d(r(4, 4), torch.tensor([[1., 2.], [3., 4.]]))))
M(T, "corr2d_detached_item", "corr2d", "fills the output with .item() values: no gradient reaches x or k",
  "float64 x (3,3), k (2,2), gradient", "def corr2d(x, k):\n    kh, kw = k.shape\n    out = torch.empty(x.shape[0] - kh + 1, x.shape[1] - kw + 1, dtype=x.dtype)\n    for i in range(out.shape[0]):\n        for j in range(out.shape[1]):\n            out[i, j] = (x[i:i + kh, j:j + kw] * k).sum().item()\n    return out",
  differs(lambda M: with_grads(M.corr2d, r(3, 3, dtype=D), r(2, 2, dtype=D))[1]))
M(T, "conv2d_pad_h_only", "conv2d", "pads only the height axis",
  "x (1,2,5,5), w (3,2,3,3), padding 1", sub(CONV_SRC, "    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)", "    x = F.pad(x, (0, 0, padding, padding))\n    columns = F.unfold(x, (kh, kw), stride=stride)\n    w = w + 2 * padding"),
  differs(lambda M: M.conv2d(r(1, 2, 5, 5), r(3, 2, 3, 3), r(3), 1, 1)))
M(T, "conv2d_weight_view", "conv2d", "weight.view(c_out, −1): a non-contiguous weight raises",
  "weight = randn(2,3,3,4).transpose(2,3) (non-contiguous), x (2,2,6,6)", sub(CONV_SRC, "weight.reshape(c_out, -1)", "weight.view(c_out, -1)"),
  differs(lambda M: M.conv2d(r(2, 2, 6, 6), r(2, 3, 3, 4).transpose(2, 3).transpose(0, 1))))
M(T, "conv2d_ceil_size", "conv2d", "output side rounded up ((n + 2p − k + s − 1)//s + 1): reshape fails when stride does not divide",
  "x (1,1,6,6), w (1,1,3,3), stride 2", sub(CONV_SRC, "conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))", "(h + 2 * padding - kh + stride - 1) // stride + 1, (w + 2 * padding - kw + stride - 1) // stride + 1)"),
  differs(lambda M: M.conv2d(r(1, 1, 6, 6), r(1, 1, 3, 3), None, 2)))
M(T, "conv2d_bias_broadcast", "conv2d", "bias added as bias[None, :] (over the spatial axis instead of the channels)",
  "x (2,3,5,5), w (3,3,3,3), bias (3,)", sub(CONV_SRC, "out = out + bias[:, None]", "out = out + bias[None, None, :]"),
  differs(lambda M: M.conv2d(r(2, 3, 5, 5), r(3, 3, 3, 3), r(3))))
M(T, "conv_output_size_float", "conv_output_size", "true division: returns a float",
  "n 28, k 5, padding 0, stride 1", "def conv_output_size(n, k, padding=0, stride=1):\n    return (n + 2 * padding - k) / stride + 1",
  differs(lambda M: M.conv_output_size(28, 5)))
M(T, "conv_output_size_round", "conv_output_size", "round() instead of floor",
  "n 9, k 2, padding 0, stride 2 → 4 (round(3.5) = 4)", "def conv_output_size(n, k, padding=0, stride=1):\n    return round((n + 2 * padding - k) / stride) + 1",
  differs(lambda M: M.conv_output_size(9, 2, 0, 2)))
M(T, "maxpool_zero_init", "max_pool2d", "running maximum started from zeros: all-negative windows give 0",
  "x = −rand(1,1,4,4) − 1, kernel 2", "def max_pool2d(x, kernel_size, stride=None):\n    stride = stride or kernel_size\n    n, c, h, w = x.shape\n    ho, wo = (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1\n    out = torch.zeros(n, c, ho, wo, dtype=x.dtype)\n    for a in range(kernel_size):\n        for b in range(kernel_size):\n            out = torch.maximum(out, x[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride])\n    return out",
  differs(lambda M: M.max_pool2d(-torch.rand(1, 1, 4, 4) - 1, 2)))
M(T, "maxpool_reshape_blocks", "max_pool2d", "reshape into k×k blocks: H not divisible by k raises",
  "x (1,2,5,5), kernel 2", "def max_pool2d(x, kernel_size, stride=None):\n    k = kernel_size\n    n, c, h, w = x.shape\n    return x.reshape(n, c, h // k, k, w // k, k).amax(dim=(3, 5))",
  differs(lambda M: M.max_pool2d(r(1, 2, 5, 5), 2)))
M(T, "maxpool_stride_one_default", "max_pool2d", "stride defaults to 1 instead of kernel_size",
  "x (1,1,4,4), kernel 2, stride None", sub(POOL_SRC, "stride = stride or kernel_size", "stride = stride or 1"),
  differs(lambda M: M.max_pool2d(r(1, 1, 4, 4), 2)))
M(T, "maxpool_max_namedtuple", "max_pool2d", "windows.max(dim=-1) returns (values, indices), not a tensor",
  "x (1,1,4,4), kernel 2", sub(POOL_SRC, "return windows.flatten(-2).amax(dim=-1)", "return windows.flatten(-2).max(dim=-1)"),
  differs(lambda M: M.max_pool2d(r(1, 1, 4, 4), 2)))
def cnn_shapes(M, ctor, sizes=((8, 8), (28, 28)), ch=1, n=2):
    torch.manual_seed(0)
    m = ctor(M)
    return [tuple(m(r(n, ch, h, w)).shape) for h, w in sizes]
M(T, "cnn_fixed_flatten", "SimpleCNN", "flattens the 8×8 feature map into a fixed-size linear layer: 28×28 fails",
  "SimpleCNN(), inputs (2,1,8,8) then (2,1,28,28)", sub(sub(CNN_SRC, "            nn.AdaptiveAvgPool2d(1))\n        self.classifier = nn.Linear(32, num_classes)", ")\n        self.classifier = nn.Linear(32 * 2 * 2, num_classes)"), "", ""),
  differs(lambda M: cnn_shapes(M, lambda Mo: Mo.SimpleCNN())))
M(T, "cnn_no_padding", "SimpleCNN", "3×3 convolutions without padding: an 8×8 image shrinks to nothing before the second pool",
  "SimpleCNN(), input (2,1,8,8)", sub(sub(CNN_SRC, "nn.Conv2d(in_channels, 16, 3, padding=1)", "nn.Conv2d(in_channels, 16, 3)"), "nn.Conv2d(16, 32, 3, padding=1)", "nn.Conv2d(16, 32, 3)"),
  differs(lambda M: cnn_shapes(M, lambda Mo: Mo.SimpleCNN(), ((8, 8),))))
M(T, "cnn_in_channels_ignored", "SimpleCNN", "first convolution hard-wired to 1 input channel",
  "SimpleCNN(10, in_channels=3), input (2,3,8,8)", sub(CNN_SRC, "nn.Conv2d(in_channels, 16, 3, padding=1)", "nn.Conv2d(1, 16, 3, padding=1)"),
  differs(lambda M: cnn_shapes(M, lambda Mo: Mo.SimpleCNN(10, 3), ((8, 8),), ch=3)))
M(T, "cnn_num_classes_ignored", "SimpleCNN", "linear layer hard-wired to 10 outputs",
  "SimpleCNN(num_classes=4), input (2,1,8,8)", sub(CNN_SRC, "nn.Linear(32, num_classes)", "nn.Linear(32, 10)"),
  differs(lambda M: cnn_shapes(M, lambda Mo: Mo.SimpleCNN(4), ((8, 8),))))

X(T, "conv2d_uses_f_conv2d", "conv2d", "delegates to F.conv2d", "Off limits: ``F.conv2d``, ``torch.conv2d``",
  "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    return F.conv2d(x, weight, bias, stride, padding)", calls_forbidden(lambda M: M.conv2d(r(1, 2, 5, 5), r(3, 2, 3, 3)), [(F, "conv2d")], ("conv2d",)), inp="x (1,2,5,5), w (3,2,3,3)")
X(T, "maxpool_uses_f", "max_pool2d", "delegates to F.max_pool2d", "Off limits: ``F.max_pool2d``",
  "def max_pool2d(x, kernel_size, stride=None):\n    return F.max_pool2d(x, kernel_size, stride)", calls_forbidden(lambda M: M.max_pool2d(r(1, 2, 4, 4), 2), [(F, "max_pool2d")], ("max_pool2d", "max_pool2d_with_indices")), inp="x (1,2,4,4), kernel 2")

def gcorr(s):
    dt = [torch.float32, torch.float64][s % 2]
    H, W = s % 4 + 2, s % 3 + 3
    x = torch.randn(H, W, dtype=dt)
    return [x if s % 3 else x.T.contiguous().T, torch.randn(s % H + 1, s % 2 + 1, dtype=dt)]
K(T, "corr2d_unfold", "corr2d", "Tensor.unfold windows times k, summed", "def corr2d(x, k):\n    kh, kw = k.shape\n    return (x.unfold(0, kh, 1).unfold(1, kw, 1) * k).sum(dim=(-2, -1))",
  agree(gcorr, lambda M, i: with_grads(M.corr2d, *i) if i[0].dtype == D else M.corr2d(*i), rtol=1e-5, atol=1e-5))
K(T, "corr2d_shift_sum", "corr2d", "sum over kernel offsets of shifted slices of x", "def corr2d(x, k):\n    kh, kw = k.shape\n    ho, wo = x.shape[0] - kh + 1, x.shape[1] - kw + 1\n    out = 0\n    for a in range(kh):\n        for b in range(kw):\n            out = out + k[a, b] * x[a:a + ho, b:b + wo]\n    return out",
  agree(gcorr, lambda M, i: with_grads(M.corr2d, *i) if i[0].dtype == D else M.corr2d(*i), rtol=1e-5, atol=1e-5))
def gconv(s):
    dt = [torch.float32, torch.float64][s % 2]
    n, ci, co = s % 2 + 1, s % 3 + 1, s % 4 + 1
    kh, kw = s % 3 + 1, (s + 1) % 3 + 1
    H, W = s % 4 + 5, s % 3 + 5
    return [torch.randn(n, ci, H, W, dtype=dt), torch.randn(co, ci, kh, kw, dtype=dt), torch.randn(co, dtype=dt) if s % 2 else None, s % 3 + 1, s % 3]
K(T, "conv2d_einsum", "conv2d", "F.pad then F.unfold, product by einsum", "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    n, _, h, w = x.shape\n    c_out, _, kh, kw = weight.shape\n    cols = F.unfold(F.pad(x, (padding, padding, padding, padding)), (kh, kw), stride=stride)\n    out = torch.einsum('ok,nkl->nol', weight.reshape(c_out, -1), cols)\n    if bias is not None:\n        out = out + bias.reshape(1, -1, 1)\n    ho = (h + 2 * padding - kh) // stride + 1\n    wo = (w + 2 * padding - kw) // stride + 1\n    return out.reshape(n, c_out, ho, wo)",
  agree(gconv, lambda M, i: with_grads(lambda a, b: M.conv2d(a, b, i[2], i[3], i[4]), i[0], i[1]) if i[0].dtype == D else M.conv2d(*i), rtol=1e-5, atol=1e-5))
K(T, "conv2d_offsets", "conv2d", "loop over kernel offsets, strided slices, channel contraction per offset", "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    x = F.pad(x, (padding,) * 4)\n    n, _, h, w = x.shape\n    c_out, _, kh, kw = weight.shape\n    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1\n    out = 0\n    for a in range(kh):\n        for b in range(kw):\n            patch = x[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]\n            out = out + (patch[:, None] * weight[None, :, :, a, b, None, None]).sum(dim=2)\n    if bias is not None:\n        out = out + bias[None, :, None, None]\n    return out",
  agree(gconv, lambda M, i: with_grads(lambda a, b: M.conv2d(a, b, i[2], i[3], i[4]), i[0], i[1]) if i[0].dtype == D else M.conv2d(*i), rtol=1e-5, atol=1e-5))
K(T, "conv_output_size_floor", "conv_output_size", "math.floor of the true quotient (non-negative numerator)", "def conv_output_size(n, k, padding=0, stride=1):\n    return math.floor((n + 2 * padding - k) / stride) + 1",
  agree(lambda s: [s % 30 + 5, s % 5 + 1, s % 3, s % 4 + 1], lambda M, i: M.conv_output_size(*i)), imports="import math")
def gpool(s):
    dt = [torch.float32, torch.float64][s % 2]
    x = torch.randn(s % 2 + 1, s % 3 + 1, s % 5 + 4, s % 4 + 4, dtype=dt)
    return [x if s % 3 else x.transpose(2, 3).contiguous().transpose(2, 3), s % 3 + 1, [None, 1, 2, 3][s % 4]]
K(T, "maxpool_offsets", "max_pool2d", "torch.maximum over strided slices for each kernel offset", "def max_pool2d(x, kernel_size, stride=None):\n    s = kernel_size if stride is None else stride\n    h, w = x.shape[-2:]\n    ho, wo = (h - kernel_size) // s + 1, (w - kernel_size) // s + 1\n    out = None\n    for a in range(kernel_size):\n        for b in range(kernel_size):\n            v = x[:, :, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]\n            out = v if out is None else torch.maximum(out, v)\n    return out",
  agree(gpool, lambda M, i: M.max_pool2d(*i)))
def cnn_behaviour(R, C):
    for ctor_args in [(), (4, 3)]:
        torch.manual_seed(0)
        m = C.SimpleCNN(*ctor_args)
        ch = ctor_args[1] if ctor_args else 1
        ncls = ctor_args[0] if ctor_args else 10
        convs = [mod for mod in m.modules() if isinstance(mod, nn.Conv2d)]
        if len(convs) < 2 or convs[0].out_channels < 8 or convs[1].out_channels < 16:
            return "conv layers"
        for h, w in [(8, 8), (28, 28), (9, 13)]:
            out = m(r(2, ch, h, w))
            if out.shape != (2, ncls):
                return f"shape {tuple(out.shape)} at {h}x{w}"
            m.zero_grad(); out.sum().backward()
            if any(p.grad is None or p.grad.abs().sum() == 0 for p in m.parameters()):
                return "a parameter got no gradient"
    return None
K(T, "cnn_lecture_sizes", "SimpleCNN", "lecture's 10/20 channels, kernel 5 padding 2, adaptive max pooling before the linear layer", "class SimpleCNN(nn.Module):\n    def __init__(self, num_classes=10, in_channels=1):\n        super().__init__()\n        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)\n        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)\n        self.pool = nn.MaxPool2d(2)\n        self.fc = nn.Linear(20, num_classes)\n\n    def forward(self, x):\n        x = self.pool(F.relu(self.conv1(x)))\n        x = self.pool(F.relu(self.conv2(x)))\n        x = F.adaptive_max_pool2d(x, 1).flatten(1)\n        return self.fc(x)\n",
  cnn_behaviour, verified="behaviour", inp="SimpleCNN() and SimpleCNN(4, 3) on 8×8, 28×28, 9×13: shapes, conv channels, gradients into every parameter")
