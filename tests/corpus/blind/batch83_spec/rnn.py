from common import *  # noqa: F403
import torch
import torch.nn.functional as F
from torch import nn

T = "rnn"
D = torch.float64
r = torch.randn


def cell_inputs(b=3, i=4, h=4, dtype=torch.float32, seed=0, gru=False):
    g = torch.Generator().manual_seed(seed)
    k = 3 if gru else 1
    return [torch.randn(b, i, generator=g, dtype=dtype), torch.randn(b, h, generator=g, dtype=dtype),
            torch.randn(k * h, i, generator=g, dtype=dtype), torch.randn(k * h, h, generator=g, dtype=dtype),
            torch.randn(k * h, generator=g, dtype=dtype), torch.randn(k * h, generator=g, dtype=dtype)]


def seq_inputs(seq=4, b=2, i=3, h=3, layers=2, dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    rnn = nn.RNN(i, h, layers).to(dtype)
    x = torch.randn(seq, b, i, dtype=dtype)
    h0 = torch.randn(layers, b, h, dtype=dtype)
    params = [tuple(p.detach() for p in layer) for layer in rnn.all_weights]
    return [x, h0, params]

TOL = dict(rtol=1e-5, atol=1e-5)

# ---------------- mistakes ----------------
M(T, "rnn_cell_no_transpose", "rnn_cell", "x @ w_ih without the transpose: right shape only when input == hidden, wrong values",
  "batch 3, input 4, hidden 4 (square weights)", '''
def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """tanh(x·W_ih + b_ih + h·W_hh + b_hh)."""
    return torch.tanh(x @ w_ih + b_ih + h @ w_hh + b_hh)
''', differs(lambda M: M.rnn_cell(*cell_inputs()), **TOL))

M(T, "rnn_cell_one_bias", "rnn_cell", "adds b_ih only (the hidden bias forgotten)",
  "batch 3, input 4, hidden 4", '''
def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """tanh(x·W_ihᵀ + h·W_hhᵀ + b)."""
    return torch.tanh(x @ w_ih.T + h @ w_hh.T + b_ih)
''', differs(lambda M: M.rnn_cell(*cell_inputs()), **TOL))

RF_HEAD = '''
def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """Layer by layer, step by step."""
'''
M(T, "rnn_forward_h_not_carried", "rnn_forward", "every step starts again from h0: the hidden state is not carried from step to step",
  "seq 4, batch 2, input 3, hidden 3, 2 layers (weights of an nn.RNN)", RF_HEAD + '''    layer_input, last = x, []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        steps = []
        for x_t in layer_input:
            h = rnn_cell(x_t, h0[layer], w_ih, w_hh, b_ih, b_hh)
            steps.append(h)
        layer_input = torch.stack(steps)
        last.append(h)
    return layer_input, torch.stack(last)
''', differs(lambda M: M.rnn_forward(*seq_inputs()), **TOL))

M(T, "rnn_forward_layers_read_x", "rnn_forward", "every layer reads x instead of the previous layer's outputs",
  "seq 4, batch 2, input 3 = hidden 3, 2 layers", RF_HEAD + '''    outputs, last = None, []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h, steps = h0[layer], []
        for x_t in x:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            steps.append(h)
        outputs = torch.stack(steps)
        last.append(h)
    return outputs, torch.stack(last)
''', differs(lambda M: M.rnn_forward(*seq_inputs()), **TOL))

M(T, "rnn_forward_hn_top_only", "rnn_forward", "h_n is the top layer's last h only, shape (1, batch, hidden)",
  "2 layers", RF_HEAD + '''    layer_input = x
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h, steps = h0[layer], []
        for x_t in layer_input:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            steps.append(h)
        layer_input = torch.stack(steps)
    return layer_input, layer_input[-1:]
''', differs(lambda M: M.rnn_forward(*seq_inputs()), **TOL))

M(T, "rnn_forward_first_layer_output", "rnn_forward", "returns the first layer's outputs as output (the top layer's are discarded)",
  "2 layers", RF_HEAD + '''    first, last, layer_input = None, [], x
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h, steps = h0[layer], []
        for x_t in layer_input:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            steps.append(h)
        layer_input = torch.stack(steps)
        if first is None:
            first = layer_input
        last.append(h)
    return first, torch.stack(last)
''', differs(lambda M: M.rnn_forward(*seq_inputs()), **TOL))

M(T, "rnn_forward_h0_layer0", "rnn_forward", "every layer starts from h0[0]",
  "2 layers, distinct h0 per layer", RF_HEAD + '''    layer_input, last = x, []
    for w_ih, w_hh, b_ih, b_hh in params:
        h, steps = h0[0], []
        for x_t in layer_input:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            steps.append(h)
        layer_input = torch.stack(steps)
        last.append(h)
    return layer_input, torch.stack(last)
''', differs(lambda M: M.rnn_forward(*seq_inputs()), **TOL))

M(T, "embedding_view_index", "embedding_lookup", "weight[idx.view(−1)].view(*idx.shape, −1): a non-contiguous idx raises",
  "idx = randint(0, 5, (3, 4)).T (non-contiguous)", '''
def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """Rows of the weight, reshaped."""
    return weight[idx.view(-1)].view(*idx.shape, -1)
''', differs(lambda M: M.embedding_lookup(r(5, 2), torch.randint(0, 5, (3, 4)).T)))

M(T, "embedding_one_hot_inferred", "embedding_lookup", "F.one_hot(idx).float() @ weight: width inferred from idx.max(), and float32 against a float64 weight",
  "weight (5, 2), idx [0, 1] (max index < num_embeddings − 1)", '''
def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """one_hot(idx) @ weight."""
    return F.one_hot(idx).float() @ weight
''', differs(lambda M: M.embedding_lookup(r(5, 2), torch.tensor([0, 1]))), imports="import torch.nn.functional as F")

M(T, "embedding_index_select", "embedding_lookup", "torch.index_select(weight, 0, idx): 1-D indices only",
  "idx (2, 3)", '''
def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """Select the rows."""
    return torch.index_select(weight, 0, idx)
''', differs(lambda M: M.embedding_lookup(r(5, 2), torch.tensor([[0, 1, 4], [2, 2, 3]]))))

M(T, "encode_chars_find", "encode_chars", "vocab.find(c): works for a string vocabulary only, a list raises",
  "encode_chars('hello', ['e', 'h', 'l', 'o'])", '''
def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """Positions in the vocabulary."""
    return torch.tensor([vocab.find(c) for c in text], dtype=torch.int64)
''', differs(lambda M: M.encode_chars("hello", ["e", "h", "l", "o"])))

M(T, "encode_chars_sorted", "encode_chars", "positions in sorted(set(vocab)) rather than in vocab's own order",
  "encode_chars('hello', 'olhe')", '''
def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """Index of each character in the sorted vocabulary."""
    chars = sorted(set(vocab))
    return torch.tensor([chars.index(c) for c in text], dtype=torch.int64)
''', differs(lambda M: M.encode_chars("hello", "olhe")))

M(T, "encode_chars_untyped", "encode_chars", "torch.tensor(list) without a dtype: an empty text gives float32",
  "encode_chars('', 'ehlo')", '''
def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """Positions in the vocabulary."""
    return torch.tensor([list(vocab).index(c) for c in text])
''', differs(lambda M: M.encode_chars("", "ehlo")))

HR_HEAD = '''
class HelloRNN(nn.Module):
    """One-hot or embedding → RNN → linear."""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
'''
HR_REF_INIT = '''        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)
'''


def hello_run(V=4, H=8, E=None, idx=None):
    def run(M):
        torch.manual_seed(0)
        m = M.HelloRNN(V, H, E)
        return m(idx if idx is not None else torch.tensor([[1], [0], [2], [2], [3]]))
    return run


NONCONTIG = torch.tensor([[1, 0, 2, 2, 3], [3, 2, 2, 0, 1]]).T  # (seq 5, batch 2), non-contiguous

M(T, "hello_view_onehot", "HelloRNN", "one-hot via torch.eye(V)[idx.view(−1)].view(S, B, V): a non-contiguous index tensor raises",
  "HelloRNN(4, 8) on idx = tensor (2, 5).T — (seq 5, batch 2), non-contiguous", HR_HEAD + HR_REF_INIT + '''
    def forward(self, idx: Tensor) -> Tensor:
        seq_len, batch = idx.shape
        if self.embed is not None:
            x = self.embed(idx)
        else:
            x = torch.eye(self.vocab_size, device=idx.device)[idx.view(-1)].view(seq_len, batch, -1)
        output, _ = self.rnn(x)
        return self.out(output)
''', differs(hello_run(idx=NONCONTIG), **TOL))

M(T, "hello_embed_ignored", "HelloRNN", "embed_dim is ignored: always one-hot, no nn.Embedding",
  "HelloRNN(4, 8, embed_dim=3): its parameter shapes", HR_HEAD + '''        self.vocab_size = vocab_size
        self.rnn = nn.RNN(vocab_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x = nn.functional.one_hot(idx, self.vocab_size).float()
        output, _ = self.rnn(x)
        return self.out(output)
''', differs(lambda M: sorted(tuple(p.shape) for p in M.HelloRNN(4, 8, 3).parameters())))


def causal(M):
    """Sequences of a batch are independent: changing batch 0's input must not change batch 1's logits (seq-first)."""
    torch.manual_seed(0)
    m = M.HelloRNN(4, 8)
    a = torch.tensor([[1, 0], [0, 2], [2, 2], [2, 1], [3, 3]])
    b = a.clone()
    b[0, 0] = 3
    return torch.allclose(m(a)[:, 1], m(b)[:, 1])

M(T, "hello_batch_first", "HelloRNN", "nn.RNN(..., batch_first=True) on seq-first input: the recurrence runs over the batch",
  "HelloRNN(4, 8) on (seq 5, batch 2): changing batch 0's first index must leave batch 1's logits alone", HR_HEAD + '''        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.embed(idx) if self.embed is not None else nn.functional.one_hot(idx, self.vocab_size).float()
        output, _ = self.rnn(x)
        return self.out(output)
''', differs(causal))

M(T, "hello_vocab_hardcoded", "HelloRNN", "one-hot width and output size hard-coded to the lecture's 4",
  "HelloRNN(5, 8) on indices up to 4", HR_HEAD + '''        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim or 4, hidden_size)
        self.out = nn.Linear(hidden_size, 4)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.embed(idx) if self.embed is not None else nn.functional.one_hot(idx, 4).float()
        output, _ = self.rnn(x)
        return self.out(output)
''', differs(hello_run(V=5, idx=torch.tensor([[4], [0], [2]]))))

GRU_HEAD = '''
def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Reset, update and new gates."""
'''
GI = lambda M: M.gru_cell(*cell_inputs(gru=True))

M(T, "gru_gate_order", "gru_cell", "chunks as (update, reset, new) instead of (reset, update, new)",
  "batch 3, input 4, hidden 4", GRU_HEAD + '''    i_z, i_r, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    h_z, h_r, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
''', differs(GI, **TOL))

M(T, "gru_reset_before_bias", "gru_cell", "r ⊙ (h·W_hnᵀ) + b_hn: the reset gate applied before the hidden bias is added",
  "batch 3, input 4, hidden 4", GRU_HEAD + '''    H = h.shape[1]
    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    hw = h @ w_hh.T
    r = torch.sigmoid(i_r + hw[:, :H] + b_hh[:H])
    z = torch.sigmoid(i_z + hw[:, H:2 * H] + b_hh[H:2 * H])
    n = torch.tanh(i_n + r * hw[:, 2 * H:] + b_hh[2 * H:])
    return (1 - z) * n + z * h
''', differs(GI, **TOL))

M(T, "gru_mix_swapped", "gru_cell", "h' = (1 − z)·h + z·n: the update gate's roles swapped",
  "batch 3, input 4, hidden 4", GRU_HEAD + '''    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * h + z * n
''', differs(GI, **TOL))

M(T, "gru_chunk_dim0", "gru_cell", "chunk(3) along dim 0: splits the batch, not the gates",
  "batch 3, input 4, hidden 4", GRU_HEAD + '''    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3)
    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
''', differs(GI, **TOL))

# ---------------- contract ----------------
X(T, "rnn_cell_torch_cell", "rnn_cell", "torch.rnn_tanh_cell(x, h, w_ih, w_hh, b_ih, b_hh)",
  "Off limits: ``nn.RNNCell``, ``nn.RNN``, ``torch.rnn_tanh_cell``.", '''
def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """torch's fused cell."""
    return torch.rnn_tanh_cell(x, h, w_ih, w_hh, b_ih, b_hh)
''', calls_forbidden(lambda M: M.rnn_cell(*cell_inputs()), [(torch, "rnn_tanh_cell")], ("rnn_tanh_cell",)))

X(T, "gru_torch_cell", "gru_cell", "torch.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)",
  "Off limits: ``nn.GRUCell``, ``nn.GRU``, ``torch.gru_cell``.", '''
def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """torch's fused GRU cell."""
    return torch.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)
''', calls_forbidden(GI, [(torch, "gru_cell")], ("gru_cell",)))

X(T, "embedding_F", "embedding_lookup", "F.embedding(idx, weight)", "Off limits: ``F.embedding``, ``nn.Embedding``.", '''
def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """torch's lookup."""
    return F.embedding(idx, weight)
''', calls_forbidden(lambda M: M.embedding_lookup(r(5, 2), torch.tensor([[0, 4]])), [(F, "embedding")], ("embedding",)),
  imports="import torch.nn.functional as F")

# ---------------- correct ----------------
def g_cell(seed, gru=False):
    dt = D if seed % 2 else torch.float32
    return cell_inputs(seed % 3 + 1, seed % 4 + 1, seed % 5 + 1, dt, seed, gru)

def cell_check(name, gru=False):
    def check(R, C):
        why = agree(lambda s: g_cell(s, gru), lambda M, i: getattr(M, name)(*i), **TOL)(R, C)
        return why or agree(lambda s: [t.to(D) for t in g_cell(s, gru)], lambda M, i: with_grads(getattr(M, name), *i), rtol=1e-7, atol=1e-12)(R, C)
    return check

K(T, "rnn_cell_F_linear", "rnn_cell", "tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)) (F.linear not off limits here)", '''
def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Two affine maps through tanh."""
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))
''', cell_check("rnn_cell"), imports="import torch.nn.functional as F")

K(T, "rnn_cell_addmm", "rnn_cell", "torch.addmm for both affine maps", '''
def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """addmm twice."""
    return torch.tanh(torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t()))
''', cell_check("rnn_cell"))

def g_seq(seed):
    return seq_inputs(seed % 4 + 1, seed % 3 + 1, seed % 4 + 1, seed % 3 + 2, seed % 3 + 1, D if seed % 2 else torch.float32, seed)

def seq_check(R, C):
    why = agree(g_seq, lambda M, i: M.rnn_forward(*i), **TOL)(R, C)
    if why:
        return why
    def gd(s):
        x, h0, params = seq_inputs(3, 2, 2, 3, 2, D, s)
        return [x, h0] + [t for layer in params for t in layer]
    def run(M, i):
        def f(x, h0, *flat):
            params = [tuple(flat[k:k + 4]) for k in range(0, len(flat), 4)]
            return M.rnn_forward(x, h0, params)
        return with_grads(f, *i)
    return agree(gd, run, rtol=1e-7, atol=1e-12, n=6)(R, C)

K(T, "rnn_forward_precomputed_input", "rnn_forward", "projects the whole layer input at once (x·W_ihᵀ + b_ih for every step), then loops over steps", RF_HEAD + '''    layer_input, finals = x, []
    for layer in range(len(params)):
        w_ih, w_hh, b_ih, b_hh = params[layer]
        projected = layer_input @ w_ih.T + b_ih
        h = h0[layer]
        outs = []
        for t in range(projected.shape[0]):
            h = torch.tanh(projected[t] + h @ w_hh.T + b_hh)
            outs.append(h)
        layer_input = torch.stack(outs, dim=0)
        finals.append(h)
    return layer_input, torch.stack(finals, dim=0)
''', seq_check)

def g_emb(seed):
    dt = D if seed % 2 else torch.float32
    w = r(seed % 6 + 1, seed % 3 + 1, dtype=dt)
    shape = [(4,), (2, 3), (2, 1, 3), (1,)][seed % 4]
    idx = torch.randint(0, w.shape[0], shape)
    if seed % 4 == 1:
        idx = idx.T
    return [w, idx]

K(T, "embedding_one_hot_matmul", "embedding_lookup", "F.one_hot(idx, num_embeddings) cast to weight's dtype @ weight (F.one_hot is allowed)", '''
def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """The one-hot product the docstring names."""
    return F.one_hot(idx, weight.shape[0]).to(weight.dtype) @ weight
''', all_of(agree(g_emb, lambda M, i: M.embedding_lookup(*i), **TOL),
            agree(lambda s: [g_emb(s)[0].to(D), g_emb(s)[1]], lambda M, i: with_grads(lambda w: M.embedding_lookup(w, i[1]), i[0]), rtol=1e-7, atol=1e-12)),
  imports="import torch.nn.functional as F")

K(T, "embedding_index_select_reshape", "embedding_lookup", "index_select on idx.reshape(−1), reshaped to idx.shape + (dim,)", '''
def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """Select rows of the flat index, restore the shape."""
    rows = weight.index_select(0, idx.reshape(-1))
    return rows.reshape(*idx.shape, weight.shape[1])
''', all_of(agree(g_emb, lambda M, i: M.embedding_lookup(*i), **TOL),
            agree(lambda s: [g_emb(s)[0].to(D), g_emb(s)[1]], lambda M, i: with_grads(lambda w: M.embedding_lookup(w, i[1]), i[0]), rtol=1e-7, atol=1e-12)))

K(T, "encode_chars_list_index", "encode_chars", "list(vocab).index(c) for each character, dtype=torch.long", '''
def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """Index in the vocabulary's list."""
    chars = list(vocab)
    return torch.tensor([chars.index(c) for c in text], dtype=torch.long)
''', agree(lambda s: [["hello", "", "ohlol", "eeee"][s % 4], ["ehlo", list("olhe"), ("h", "e", "l", "o")][s % 3]],
           lambda M, i: M.encode_chars(*i)))


def hello_check(R, C):
    for V, H, E in [(4, 8, None), (4, 8, 3), (5, 6, None), (6, 5, 2)]:
        for idx in [torch.tensor([[1], [0], [2], [2], [3]]) % V, torch.randint(0, V, (7, 3)), torch.randint(0, V, (3, 5)).T]:
            why = differs(hello_run(V, H, E, idx), **TOL)(R, C)
            if why:
                return f"{(V, H, E)}: {why}"
    return None

K(T, "hello_explicit_h0", "HelloRNN", "keyword-built layers, one-hot cast to the output layer's dtype, an explicit zero h0 on idx's device", HR_HEAD + '''        self.vocab_size = vocab_size
        self.embed = None if embed_dim is None else nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(input_size=vocab_size if embed_dim is None else embed_dim, hidden_size=hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embed is None:
            x = nn.functional.one_hot(idx, num_classes=self.vocab_size).to(self.out.weight.dtype)
        else:
            x = self.embed(idx)
        h0 = torch.zeros(1, idx.shape[1], self.rnn.hidden_size, device=idx.device, dtype=x.dtype)
        output, _ = self.rnn(x, h0)
        return self.out(output)
''', hello_check)

K(T, "gru_sliced_weights", "gru_cell", "weights sliced per gate (w_ih[:H], …) with F.linear; n's hidden term includes b_hn inside r ⊙ (…)", GRU_HEAD + '''    H = h.shape[1]
    Wr, Wz, Wn = w_ih[:H], w_ih[H:2 * H], w_ih[2 * H:]
    Ur, Uz, Un = w_hh[:H], w_hh[H:2 * H], w_hh[2 * H:]
    r = torch.sigmoid(F.linear(x, Wr, b_ih[:H]) + F.linear(h, Ur, b_hh[:H]))
    z = torch.sigmoid(F.linear(x, Wz, b_ih[H:2 * H]) + F.linear(h, Uz, b_hh[H:2 * H]))
    n = torch.tanh(F.linear(x, Wn, b_ih[2 * H:]) + r * F.linear(h, Un, b_hh[2 * H:]))
    return n + z * (h - n)
''', cell_check("gru_cell", gru=True), imports="import torch.nn.functional as F")
