from common import *  # noqa: F403
import torch
from torch import nn
import torch.nn.functional as F
from mlp import mod_differs, mod_agree

torch.manual_seed(105)
T = "rnn"
D = torch.float64
r = torch.randn
_SRC = open("/work/main/solutions/rnn.py").read()


def _cls(name, *pairs):
    import ast
    tree = ast.parse(_SRC)
    node = next(n for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name == name)
    code = "\n".join(_SRC.splitlines()[node.lineno - 1:node.end_lineno])
    for old, new in pairs:
        assert old in code, old
        code = code.replace(old, new)
    return code


def _cell_args(B=3, I=4, H=5, gates=1, dt=D, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(B, I, generator=g, dtype=dt), torch.randn(B, H, generator=g, dtype=dt),
            torch.randn(gates * H, I, generator=g, dtype=dt) * 0.5, torch.randn(gates * H, H, generator=g, dtype=dt) * 0.5,
            torch.randn(gates * H, generator=g, dtype=dt), torch.randn(gates * H, generator=g, dtype=dt)]


def _cell(fn_name, **kw):
    return lambda M: with_grads(getattr(M, fn_name), *_cell_args(**kw))


def _rnn_args(S=4, B=2, I=3, H=5, L=2, dt=D, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(S, B, I, generator=g, dtype=dt)
    h0 = torch.randn(L, B, H, generator=g, dtype=dt)
    params = []
    for l in range(L):
        params.append([torch.randn(H, I if l == 0 else H, generator=g, dtype=dt) * 0.5, torch.randn(H, H, generator=g, dtype=dt) * 0.5,
                       torch.randn(H, generator=g, dtype=dt), torch.randn(H, generator=g, dtype=dt)])
    return x, h0, params


def _rnn(M, grads=True, **kw):
    x, h0, params = _rnn_args(**kw)
    flat = [x, h0] + [t for p in params for t in p]
    L = len(params)

    def fn(x, h0, *ps):
        return M.rnn_forward(x, h0, [tuple(ps[4 * l:4 * l + 4]) for l in range(L)])
    return with_grads(fn, *flat) if grads else fn(*flat)


# ---------------- mistakes ----------------
M(T, "cell_one_bias", "rnn_cell", "adds b_ih twice (b_hh ignored)", "batch 3, input 4, hidden 5, float64, grads", '''
def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_ih)
''', differs(_cell("rnn_cell")))

M(T, "cell_transposed", "rnn_cell", "w_ih @ x.T: the (hidden, batch) result transposed back wrongly for square shapes", "batch = hidden = 4", '''
def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(w_ih @ x.T + b_ih + w_hh @ h.T + b_hh)
''', differs(_cell("rnn_cell", B=4, H=4)))

M(T, "cell_bias_outside", "rnn_cell", "adds the biases after the tanh", "batch 3, input 4, hidden 5", '''
def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(x @ w_ih.T + h @ w_hh.T) + b_ih + b_hh
''', differs(_cell("rnn_cell")))

M(T, "fwd_ignores_h0", "rnn_forward", "starts every layer from zeros (h0 ignored)", "seq 4, batch 2, 2 layers, float64", _cls(
    "rnn_forward", ("h, steps = h0[layer], []", "h, steps = torch.zeros_like(h0[layer]), []")), differs(_rnn))

M(T, "fwd_hn_top_only", "rnn_forward", "h_n holds only the top layer's last h", "2 layers", _cls(
    "rnn_forward", ("return layer_input, torch.stack(last)", "return layer_input, layer_input[-1:]")), differs(_rnn))

M(T, "fwd_every_layer_reads_x", "rnn_forward", "every layer reads x (not the layer below's outputs)", "input size = hidden = 5, 2 layers", _cls(
    "rnn_forward", ("for x_t in layer_input:", "for x_t in x:")), differs(lambda M: _rnn(M, I=5)))

M(T, "fwd_squeeze", "rnn_forward", "squeezes the stacked outputs: batch of one loses its axis", "batch 1, seq 3", _cls(
    "rnn_forward", ("layer_input = torch.stack(steps)", "layer_input = torch.stack(steps).squeeze()")),
  differs(lambda M: _rnn(M, B=1, S=3, grads=False)))

M(T, "fwd_prealloc_float32", "rnn_forward", "preallocates outputs with torch.zeros: float64 in, float32 out", "float64, seq 3, 1 layer", '''
def rnn_forward(x, h0, params):
    layer_input, last = x, []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        out = torch.zeros(x.shape[0], x.shape[1], h0.shape[2])
        for t in range(x.shape[0]):
            h = rnn_cell(layer_input[t], h, w_ih, w_hh, b_ih, b_hh)
            out[t] = h
        layer_input = out
        last.append(h)
    return layer_input, torch.stack(last)
''', differs(lambda M: _rnn(M, S=3, L=1, grads=False)))

M(T, "emb_flatten", "embedding_lookup", "indexes with idx.flatten(): a 2-D idx returns (numel, dim)", "weight (6,3), idx (2,4)", '''
def embedding_lookup(weight, idx):
    return weight[idx.flatten()]
''', differs(lambda M: M.embedding_lookup(r(6, 3), torch.randint(0, 6, (2, 4)))))

M(T, "emb_index_select", "embedding_lookup", "torch.index_select needs a 1-D index: a 0-dim idx fails", "weight (6,3), idx tensor(2)", '''
def embedding_lookup(weight, idx):
    return torch.index_select(weight, 0, idx)
''', differs(lambda M: M.embedding_lookup(r(6, 3), torch.tensor(2))))

M(T, "emb_one_hot_infer", "embedding_lookup", "F.one_hot(idx) @ weight without num_classes: fails when idx misses the last rows",
  "weight (6,3), idx [0, 2]", '''
def embedding_lookup(weight, idx):
    return F.one_hot(idx).to(weight.dtype) @ weight
''', differs(lambda M: M.embedding_lookup(r(6, 3), torch.tensor([0, 2]))), imports="import torch.nn.functional as F")

M(T, "emb_detached", "embedding_lookup", "looks up in weight.detach(): no gradient reaches the weight", "weight (6,3) float64, idx [1, 1, 4], grads", '''
def embedding_lookup(weight, idx):
    return weight.detach()[idx]
''', differs(lambda M: with_grads(lambda w: M.embedding_lookup(w, torch.tensor([1, 1, 4])), r(6, 3, dtype=D))))

M(T, "enc_sorted_vocab", "encode_chars", "positions in the sorted vocabulary", "encode_chars('hello', 'hole')", '''
def encode_chars(text, vocab):
    position = {c: i for i, c in enumerate(sorted(vocab))}
    return torch.tensor([position[c] for c in text], dtype=torch.int64)
''', differs(lambda M: M.encode_chars("hello", "hole")))

M(T, "enc_empty_float", "encode_chars", "torch.tensor(list) without dtype: an empty text gives float32", "encode_chars('', 'ehlo')", '''
def encode_chars(text, vocab):
    return torch.tensor([list(vocab).index(c) for c in text])
''', differs(lambda M: M.encode_chars("", "ehlo")))

M(T, "enc_int32", "encode_chars", "torch.IntTensor: int32, not int64", "encode_chars('hello', 'ehlo')", '''
def encode_chars(text, vocab):
    return torch.IntTensor([vocab.index(c) for c in text])
''', differs(lambda M: M.encode_chars("hello", "ehlo")))

H = lambda M: M.HelloRNN(4, 6)

M(T, "hello_batch_first", "HelloRNN", "nn.RNN(batch_first=True): (seq_len, batch) input read as (batch, seq_len)", "HelloRNN(4, 6) on idx (5, 3)", _cls(
    "HelloRNN", ("self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)", "self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)")),
  mod_differs(H, lambda: torch.randint(0, 4, (5, 3))))

M(T, "hello_embed_ignored", "HelloRNN", "always one-hot: embed_dim is ignored (no nn.Embedding)", "HelloRNN(4, 6, embed_dim=3): parameter shapes", _cls(
    "HelloRNN", ("self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None", "self.embed = None"),
    ("self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)", "self.rnn = nn.RNN(vocab_size, hidden_size)")),
  differs(lambda M: param_shapes(M.HelloRNN(4, 6, 3))))

M(T, "hello_last_step_only", "HelloRNN", "projects only the last step (h_n) instead of every step", "HelloRNN(4, 6) on idx (5, 2)", _cls(
    "HelloRNN", ("output, _ = self.rnn(x)\n        return self.out(output)", "_, h_n = self.rnn(x)\n        return self.out(h_n)")),
  mod_differs(H, lambda: torch.randint(0, 4, (5, 2))))

M(T, "gru_swapped_mix", "gru_cell", "h' = z ⊙ n + (1 − z) ⊙ h (roles of z swapped)", "batch 3, input 4, hidden 5, float64, grads", '''
def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return z * n + (1 - z) * h
''', differs(_cell("gru_cell", gates=3)))

M(T, "gru_reset_outside_bias", "gru_cell", "r multiplies h·W_hnᵀ only, b_hn added outside", "batch 3, hidden 5, grads", '''
def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    W_ir, W_iz, W_in = w_ih.chunk(3)
    W_hr, W_hz, W_hn = w_hh.chunk(3)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T) + b_hn)
    return (1 - z) * n + z * h
''', differs(_cell("gru_cell", gates=3)))

M(T, "gru_gate_order", "gru_cell", "chunks as (update, reset, new)", "batch 3, hidden 5, grads", '''
def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    i_z, i_r, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    h_z, h_r, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
''', differs(_cell("gru_cell", gates=3)))

M(T, "gru_chunk_dim0", "gru_cell", "chunk(3) without dim=1: splits the batch, not the gates", "batch 3, hidden 5", '''
def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3)
    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
''', differs(_cell("gru_cell", gates=3, B=3)))

# ---------------- contract ----------------
X(T, "emb_F_embedding", "embedding_lookup", "calls the off-limits F.embedding", "weight (6,3), idx (2,2)", '''
def embedding_lookup(weight, idx):
    return F.embedding(idx, weight)
''', calls_forbidden(lambda M: M.embedding_lookup(r(6, 3), torch.tensor([[0, 5], [2, 2]])), [(F, "embedding")], ("embedding",)),
  imports="import torch.nn.functional as F")

X(T, "cell_rnn_tanh_cell", "rnn_cell", "calls the off-limits torch.rnn_tanh_cell", "batch 3, input 4, hidden 5", '''
def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.rnn_tanh_cell(x, h, w_ih, w_hh, b_ih, b_hh)
''', lambda R, C: (same(_cell("rnn_cell")(R), _cell("rnn_cell")(C), 1e-7, 1e-9) and "values differ") or
    calls_forbidden(lambda M: M.rnn_cell(*_cell_args()), [(torch, "rnn_tanh_cell")], ("rnn_tanh_cell",))(R, C))

# ---------------- correct ----------------
K(T, "cell_F_linear", "rnn_cell", "F.linear for both affine maps (allowed here)", "seeded batch incl. 1, sizes, float32/64, grads", '''
def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))
''', agree(lambda s: (s,), lambda M, i: _cell("rnn_cell", B=i[0] % 3 + 1, I=i[0] % 4 + 1, H=i[0] % 5 + 1, seed=i[0])(M),
           n=10, cmp=lambda a, b: same(a, b, 1e-7, 1e-9)), imports="import torch.nn.functional as F")

K(T, "cell_addmm", "rnn_cell", "torch.addmm twice", "seeded, float64, grads", '''
def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t()))
''', agree(lambda s: (s,), lambda M, i: _cell("rnn_cell", B=i[0] % 3 + 1, H=i[0] % 4 + 2, seed=i[0])(M), n=8,
           cmp=lambda a, b: same(a, b, 1e-7, 1e-9)))

K(T, "fwd_list_cat", "rnn_forward", "outputs unsqueezed and concatenated, h_n stacked", "seeded seq incl. 1, batch incl. 1, layers 1–3, float32/64, grads", '''
def rnn_forward(x, h0, params):
    seq = x
    finals = []
    for l, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[l]
        outs = []
        for t in range(seq.shape[0]):
            h = torch.tanh(seq[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
            outs.append(h.unsqueeze(0))
        seq = torch.cat(outs, dim=0)
        finals.append(h.unsqueeze(0))
    return seq, torch.cat(finals, dim=0)
''', agree(lambda s: (s,), lambda M, i: _rnn(M, S=i[0] % 3 + 1, B=i[0] % 2 + 1, I=i[0] % 4 + 1, L=i[0] % 3 + 1, seed=i[0],
                                            dt=D if i[0] % 2 else torch.float32), n=9, cmp=lambda a, b: same(a, b, 1e-5, 1e-6)))

K(T, "emb_reshape_index_select", "embedding_lookup", "index_select on the flattened index, reshaped to idx.shape + (dim,)", "idx 0-dim, 1-D, 2-D, 3-D, repeats, float64 grads", '''
def embedding_lookup(weight, idx):
    rows = torch.index_select(weight, 0, idx.reshape(-1))
    return rows.reshape(*idx.shape, weight.shape[1])
''', agree(lambda s: (torch.randint(0, 5, tuple([2] * (s % 4))), r(5, 3, dtype=D)),
           lambda M, i: with_grads(lambda w: M.embedding_lookup(w, i[0]), i[1]), cmp=strict))

K(T, "emb_one_hot_matmul", "embedding_lookup", "one-hot with num_classes = num_embeddings, matmul", "idx of several ranks, float64 grads with repeats", '''
def embedding_lookup(weight, idx):
    onehot = (idx.unsqueeze(-1) == torch.arange(weight.shape[0], device=weight.device)).to(weight.dtype)
    return onehot @ weight
''', agree(lambda s: (torch.randint(0, 5, tuple([2] * (s % 4))), r(5, 3, dtype=D)),
           lambda M, i: with_grads(lambda w: M.embedding_lookup(w, i[0]), i[1]), cmp=strict))

K(T, "enc_index", "encode_chars", "vocab.index per character, int64", "str and list vocabularies, empty text", '''
def encode_chars(text, vocab):
    vocab = list(vocab)
    return torch.tensor([vocab.index(ch) for ch in text], dtype=torch.long)
''', agree(lambda s: (["hello", "", "ohlol", "l"][s % 4], ["ehlo", list("hole"), "olhe"][s % 3]), lambda M, i: M.encode_chars(*i), n=12))

K(T, "hello_eye_onehot", "HelloRNN", "one-hot via rows of torch.eye (same creation order)", "one-hot and embedding variants, seq/batch incl. 1, grads", _cls(
    "HelloRNN", ("x = nn.functional.one_hot(idx, self.vocab_size).float()", "x = torch.eye(self.vocab_size, device=idx.device)[idx]")),
  all_of(mod_agree(lambda M: M.HelloRNN(4, 6), lambda s: torch.randint(0, 4, (s % 5 + 1, s % 2 + 1)), n=4, grads=False),
         mod_agree(lambda M: M.HelloRNN(4, 6, 3), lambda s: torch.randint(0, 4, (5, s % 3 + 1)), n=3, grads=False)))

K(T, "gru_weight_slices", "gru_cell", "slices W and b per gate by hidden size", "seeded batch incl. 1, sizes, float64, grads", '''
def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    H = h.shape[1]
    gi = [x @ w_ih[k * H:(k + 1) * H].T + b_ih[k * H:(k + 1) * H] for k in range(3)]
    gh = [h @ w_hh[k * H:(k + 1) * H].T + b_hh[k * H:(k + 1) * H] for k in range(3)]
    r = 1 / (1 + torch.exp(-(gi[0] + gh[0])))
    z = 1 / (1 + torch.exp(-(gi[1] + gh[1])))
    n = torch.tanh(gi[2] + r * gh[2])
    return n + z * (h - n)
''', agree(lambda s: (s,), lambda M, i: _cell("gru_cell", gates=3, B=i[0] % 3 + 1, I=i[0] % 4 + 1, H=i[0] % 4 + 1, seed=i[0])(M), n=10,
           cmp=lambda a, b: same(a, b, 1e-7, 1e-9)))


# right values for the contract entries
V(T, "emb_F_embedding", lambda M: with_grads(lambda w: M.embedding_lookup(w, torch.tensor([[0, 5], [2, 2]])), r(6, 3, dtype=D)))
