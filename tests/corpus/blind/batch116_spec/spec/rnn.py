from common import *  # noqa
T = "rnn"
r = torch.randn
D = torch.float64
SOL = open('/work/main/solutions/rnn.py').read()
def sub(src, old, new):
    assert old in src, old
    return src.replace(old, new)
FWD = SOL[SOL.index('def rnn_forward('):SOL.index('def embedding_lookup(')].rstrip() + "\n"
HR = SOL[SOL.index('class HelloRNN('):SOL.index('def gru_cell(')].rstrip() + "\n"
GRU = SOL[SOL.index('def gru_cell('):].rstrip() + "\n"
def cell_args(b=3, i=4, h=5, dt=torch.float32, g=1, seed=0):
    gen = torch.Generator().manual_seed(seed)
    R = lambda *s: torch.randn(*s, generator=gen, dtype=dt)
    return [R(b, i), R(b, h), R(g * h, i), R(g * h, h), R(g * h), R(g * h)]
def rnn_params(L=2, i=3, h=4, dt=torch.float32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    R = lambda *s: torch.randn(*s, generator=gen, dtype=dt) * 0.5
    return [(R(h, i if l == 0 else h), R(h, h), R(h), R(h)) for l in range(L)]
def fwd_run(T_=4, B=2, L=2, i=3, h=4, dt=torch.float32, grads=False):
    def run(M):
        gen = torch.Generator().manual_seed(9)
        x = torch.randn(T_, B, i, generator=gen, dtype=dt); h0 = torch.randn(L, B, h, generator=gen, dtype=dt)
        ps = rnn_params(L, i, h, dt)
        if grads:
            flat = [t for p in ps for t in p]
            def f(x, h0, *w):
                return M.rnn_forward(x, h0, [tuple(w[4 * l:4 * l + 4]) for l in range(L)])
            return with_grads(f, x, h0, *flat)
        return M.rnn_forward(x, h0, ps)
    return run

M(T, "rnn_cell_one_bias", "rnn_cell", "adds only b_ih (b_hh forgotten)",
  "batch 3, input 4, hidden 5", "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.tanh(x @ w_ih.T + h @ w_hh.T + b_ih)",
  differs(lambda M: M.rnn_cell(*cell_args())))
M(T, "rnn_cell_no_transpose", "rnn_cell", "x @ w_ih without the transpose: fails when input_size ≠ hidden",
  "batch 3, input 4, hidden 5", "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh + b_hh)",
  differs(lambda M: M.rnn_cell(*cell_args())))
M(T, "rnn_forward_h0_layer0", "rnn_forward", "every layer starts from h0[0]",
  "seq 4, batch 2, 2 layers", sub(FWD, "h, steps = h0[layer], []", "h, steps = h0[0], []"), differs(fwd_run()))
M(T, "rnn_forward_hn_top_only", "rnn_forward", "h_n built from the top layer's last output repeated",
  "seq 4, batch 2, 2 layers", sub(FWD, "return layer_input, torch.stack(last)", "return layer_input, layer_input[-1].expand(len(params), -1, -1)"), differs(fwd_run()))
M(T, "rnn_forward_layers_read_x", "rnn_forward", "every layer reads the original x instead of the previous layer's output",
  "seq 4, batch 2, 2 layers, input_size = hidden = 4", sub(FWD, "for x_t in layer_input:", "for x_t in x:"), differs(fwd_run(i=4)))
M(T, "rnn_forward_zeros_buffer", "rnn_forward", "output buffer torch.zeros(seq, batch, hidden): float64 inputs give float32",
  "float64, seq 3, 1 layer", sub(FWD, "        layer_input = torch.stack(steps)", "        out = torch.zeros(len(steps), steps[0].shape[0], steps[0].shape[1])\n        for t, s in enumerate(steps):\n            out[t] = s\n        layer_input = out"), differs(fwd_run(T_=3, L=1, dt=D)))
M(T, "rnn_forward_squeeze", "rnn_forward", "squeezes the stacked outputs: batch 1 loses its axis",
  "seq 3, batch 1, 1 layer", sub(FWD, "        layer_input = torch.stack(steps)", "        layer_input = torch.stack(steps).squeeze()"), differs(fwd_run(T_=3, B=1, L=1, i=4)))
M(T, "rnn_forward_h0_detached", "rnn_forward", "h0 detached before the loop: no gradient reaches h0",
  "float64 seq 3, batch 2, 2 layers, gradients", sub(FWD, "h, steps = h0[layer], []", "h, steps = h0[layer].detach(), []"), differs(fwd_run(T_=3, dt=D, grads=True), rtol=1e-7, atol=1e-9))
M(T, "embedding_flatten", "embedding_lookup", "looks up idx.flatten() and never restores idx's shape",
  "weight (5,3), idx (2,4)", "def embedding_lookup(weight, idx):\n    return weight[idx.flatten()]",
  differs(lambda M: M.embedding_lookup(r(5, 3), torch.randint(0, 5, (2, 4)))))
M(T, "embedding_index_select_0d", "embedding_lookup", "index_select on idx.reshape(−1) reshaped to (−1, dim): a 0-dim index returns (1, dim) instead of (dim,)",
  "weight (5,3), idx = tensor(2) (0-dim)", "def embedding_lookup(weight, idx):\n    return weight.index_select(0, idx.reshape(-1)).reshape(-1, weight.shape[1])",
  differs(lambda M: M.embedding_lookup(r(5, 3), torch.tensor(2))))
M(T, "embedding_data_detached", "embedding_lookup", "indexes weight.data: no gradient reaches the weight",
  "float64 weight (4,2), idx [1,1,3], gradient", "def embedding_lookup(weight, idx):\n    return weight.data[idx]",
  differs(lambda M: with_grads(lambda w: M.embedding_lookup(w, torch.tensor([1, 1, 3])), r(4, 2, dtype=D))))
M(T, "encode_sorted_vocab", "encode_chars", "positions in sorted(set(vocab)): a vocabulary not in sorted order is renumbered",
  "encode_chars('hello', 'ohle')", "def encode_chars(text, vocab):\n    order = sorted(set(vocab))\n    return torch.tensor([order.index(c) for c in text], dtype=torch.int64)",
  differs(lambda M: M.encode_chars("hello", "ohle")))
M(T, "encode_str_find", "encode_chars", "vocab.find(c): a list vocabulary has no .find",
  "encode_chars('hello', ['e','h','l','o'])", "def encode_chars(text, vocab):\n    return torch.tensor([vocab.find(c) for c in text], dtype=torch.int64)",
  differs(lambda M: M.encode_chars("hello", ["e", "h", "l", "o"])))
M(T, "encode_empty_float", "encode_chars", "torch.tensor(list) without dtype: the empty text gives a float32 tensor",
  "encode_chars('', 'ehlo')", "def encode_chars(text, vocab):\n    position = {c: i for i, c in enumerate(vocab)}\n    return torch.tensor([position[c] for c in text])",
  differs(lambda M: M.encode_chars("", "ehlo")))
def hello_run(args, idx):
    def run(M):
        torch.manual_seed(0)
        m = M.HelloRNN(*args)
        return m(idx)
    return run
M(T, "hello_onehot_no_num_classes", "HelloRNN", "F.one_hot(idx) without num_classes: the width follows the largest index in the batch",
  "HelloRNN(4, 8), idx [[0],[1],[2]] (no 'o')", sub(HR, "nn.functional.one_hot(idx, self.vocab_size)", "nn.functional.one_hot(idx)"),
  differs(hello_run((4, 8), torch.tensor([[0], [1], [2]]))))
M(T, "hello_batch_first", "HelloRNN", "nn.RNN(..., batch_first=True): the seq-first input is read as batch-first",
  "HelloRNN(4, 8), idx (5, 2)", sub(HR, "self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)", "self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)"),
  differs(hello_run((4, 8), torch.tensor([[1, 0], [0, 1], [2, 2], [2, 3], [3, 0]]))))
M(T, "hello_embed_ignored", "HelloRNN", "embed_dim accepted but one-hot always used",
  "HelloRNN(4, 8, 3), idx (5, 1)", sub(HR, "self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None\n        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)", "self.embed = None\n        self.rnn = nn.RNN(vocab_size, hidden_size)"),
  differs(hello_run((4, 8, 3), torch.tensor([[1], [0], [2], [2], [3]]))))
M(T, "gru_z_swapped", "gru_cell", "h' = z ⊙ n + (1 − z) ⊙ h (update gate roles swapped)",
  "batch 3, input 4, hidden 5", sub(GRU, "return (1 - z) * n + z * h", "return z * n + (1 - z) * h"),
  differs(lambda M: M.gru_cell(*cell_args(g=3))))
M(T, "gru_bhn_outside_reset", "gru_cell", "r multiplies h·W_hnᵀ only; b_hn added outside the reset gate",
  "batch 3, input 4, hidden 5", sub(GRU, "    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)", "    h_r, h_z, h_n = (h @ w_hh.T).chunk(3, dim=1)\n    bh_r, bh_z, bh_n = b_hh.chunk(3)\n    h_r, h_z = h_r + bh_r, h_z + bh_z").replace("n = torch.tanh(i_n + r * h_n)", "n = torch.tanh(i_n + r * h_n + bh_n)"),
  differs(lambda M: M.gru_cell(*cell_args(g=3))))
M(T, "gru_gate_order", "gru_cell", "chunks read as (update, reset, new)",
  "batch 3, input 4, hidden 5", sub(GRU, "    r = torch.sigmoid(i_r + h_r)\n    z = torch.sigmoid(i_z + h_z)", "    z = torch.sigmoid(i_r + h_r)\n    r = torch.sigmoid(i_z + h_z)"),
  differs(lambda M: M.gru_cell(*cell_args(g=3))))

X(T, "rnn_cell_torch_twin", "rnn_cell", "delegates to torch.rnn_tanh_cell", "Off limits: ... ``torch.rnn_tanh_cell``",
  "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.rnn_tanh_cell(x, h, w_ih, w_hh, b_ih, b_hh)", calls_forbidden(lambda M: M.rnn_cell(*cell_args()), [(torch, "rnn_tanh_cell")], ("rnn_tanh_cell",)), inp="batch 3, input 4, hidden 5")
X(T, "gru_torch_twin", "gru_cell", "delegates to torch.gru_cell", "Off limits: ``nn.GRUCell``, ``nn.GRU``, ``torch.gru_cell``",
  "def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)", calls_forbidden(lambda M: M.gru_cell(*cell_args(g=3)), [(torch, "gru_cell")], ("gru_cell",)), inp="batch 3, input 4, hidden 5")
X(T, "embedding_f_embedding", "embedding_lookup", "delegates to F.embedding", "Off limits: ``F.embedding``",
  "def embedding_lookup(weight, idx):\n    return torch.nn.functional.embedding(idx, weight)", calls_forbidden(lambda M: M.embedding_lookup(r(5, 3), torch.tensor([1, 2])), [(F, "embedding")], ("embedding",)), inp="weight (5,3), idx [1,2]")

def gcell(s, g=1):
    dt = [torch.float32, torch.float64][s % 2]
    a = cell_args(s % 3 + 1, s % 4 + 1, s % 5 + 1, dt, g, s)
    if s % 3 == 0:
        a[2] = a[2].T.contiguous().T
    return a
K(T, "rnn_cell_f_linear", "rnn_cell", "F.linear for both affine maps", "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))",
  agree(gcell, lambda M, i: with_grads(M.rnn_cell, *i) if i[0].dtype == D else M.rnn_cell(*i), rtol=1e-5, atol=1e-5), imports="import torch.nn.functional as F")
K(T, "rnn_cell_addmm", "rnn_cell", "torch.addmm for the two products", "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.tanh(torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t()))",
  agree(gcell, lambda M, i: with_grads(M.rnn_cell, *i) if i[0].dtype == D else M.rnn_cell(*i), rtol=1e-5, atol=1e-5))
K(T, "rnn_forward_precomputed", "rnn_forward", "input projections for all steps at once, then the recurrence; outputs written to a list", '''def rnn_forward(x, h0, params):
    seq = x
    finals = []
    for l, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        pre = seq @ w_ih.T + b_ih
        h = h0[l]
        outs = []
        for t in range(seq.shape[0]):
            h = torch.tanh(pre[t] + h @ w_hh.T + b_hh)
            outs.append(h)
        seq = torch.stack(outs, dim=0)
        finals.append(h)
    return seq, torch.stack(finals, dim=0)
''', agree(lambda s: [s % 4 + 1, s % 3 + 1, s % 3 + 1, s % 4 + 1, s % 5 + 1, [torch.float32, D][s % 2]],
           lambda M, i: fwd_run(*i, grads=i[-1] == D)(M), rtol=1e-5, atol=1e-5))
def gemb(s):
    dt = [torch.float32, D][s % 2]
    n = s % 5 + 2
    return [torch.randn(n, s % 3 + 1, dtype=dt), torch.randint(0, n, [(), (4,), (2, 3), (1, 1, 2)][s % 4])]
K(T, "embedding_index_select", "embedding_lookup", "index_select on the flat indices, reshaped to idx.shape + (dim,)", "def embedding_lookup(weight, idx):\n    flat = torch.index_select(weight, 0, idx.reshape(-1))\n    return flat.reshape(*idx.shape, weight.shape[1])",
  agree(gemb, lambda M, i: with_grads(lambda w: M.embedding_lookup(w, i[1]), i[0])))
K(T, "embedding_onehot_matmul", "embedding_lookup", "one_hot(idx) @ weight (F.one_hot is allowed here)", "def embedding_lookup(weight, idx):\n    return F.one_hot(idx, weight.shape[0]).to(weight.dtype) @ weight",
  agree(gemb, lambda M, i: with_grads(lambda w: M.embedding_lookup(w, i[1]), i[0])), imports="import torch.nn.functional as F")
K(T, "encode_list_index", "encode_chars", "list(vocab).index per character", "def encode_chars(text, vocab):\n    v = list(vocab)\n    return torch.tensor([v.index(c) for c in text], dtype=torch.long)",
  agree(lambda s: [["hello", "ohlol", "", "l"][s % 4], ["ehlo", ["e", "h", "l", "o"], "olhe", ("h", "e", "l", "o")][s % 4]], lambda M, i: M.encode_chars(*i)))
def hello_agree(R, C):
    for args in [(4, 8), (4, 8, 3), (5, 6, None)]:
        for idx in [torch.tensor([[1], [0], [2], [2], [3]]), torch.randint(0, 4, (3, 2)), torch.tensor([[0]])]:
            why = hello_run(args, idx)(R)
            why = same(why, hello_run(args, idx)(C), 1e-5, 1e-5)
            if why:
                return f"{args}: {why}"
    return None
K(T, "hello_onehot_eye", "HelloRNN", "one-hot rows of an identity on the input's device, same layer order", sub(HR, "x = nn.functional.one_hot(idx, self.vocab_size).float()", "x = torch.eye(self.vocab_size, device=idx.device)[idx]"),
  hello_agree, inp="HelloRNN(4,8), (4,8,3), (5,6,None); idx (5,1), (3,2), (1,1)")
K(T, "gru_split_weights", "gru_cell", "weights chunked first, six separate F.linear calls", '''def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    W_ir, W_iz, W_in = w_ih.chunk(3, 0)
    W_hr, W_hz, W_hn = w_hh.chunk(3, 0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(F.linear(x, W_ir, b_ir) + F.linear(h, W_hr, b_hr))
    z = torch.sigmoid(F.linear(x, W_iz, b_iz) + F.linear(h, W_hz, b_hz))
    n = torch.tanh(F.linear(x, W_in, b_in) + r * F.linear(h, W_hn, b_hn))
    return n + z * (h - n)
''', agree(lambda s: gcell(s, 3), lambda M, i: with_grads(M.gru_cell, *i) if i[0].dtype == D else M.gru_cell(*i), rtol=1e-5, atol=1e-5), imports="import torch.nn.functional as F")
