from common import *
T = "rnn"
D64 = torch.float64


def _cell_inputs(batch=3, inp=4, hid=5, dt=torch.float32, gates=1, seed=0):
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g, dtype=dt)
    return r(batch, inp), r(batch, hid), r(gates * hid, inp) * 0.5, r(gates * hid, hid) * 0.5, r(gates * hid), r(gates * hid)


M(T, "cell_no_transpose", "rnn_cell", "x @ W_ih without the transpose: right shape only when input_size == hidden, wrong values",
  "batch 3, input_size = hidden = 4",
  "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.tanh(x @ w_ih + b_ih + h @ w_hh + b_hh)\n",
  differs(lambda Mod: Mod.rnn_cell(*_cell_inputs(3, 4, 4))))
M(T, "cell_one_bias", "rnn_cell", "adds b_ih twice (b_hh forgotten)",
  "batch 3, input 4, hidden 5",
  ed(T, "rnn_cell", ("h @ w_hh.T + b_hh", "h @ w_hh.T + b_ih")),
  differs(lambda Mod: Mod.rnn_cell(*_cell_inputs())))
M(T, "cell_relu", "rnn_cell", "ReLU nonlinearity instead of tanh",
  "batch 3, input 4, hidden 5",
  "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.relu(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)\n",
  differs(lambda Mod: Mod.rnn_cell(*_cell_inputs())))
M(T, "cell_squeeze", "rnn_cell", "squeezes the result: a batch of one returns (hidden,)",
  "batch 1, input 4, hidden 5",
  "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh).squeeze()\n",
  differs(lambda Mod: Mod.rnn_cell(*_cell_inputs(1))))


def _params(layers=2, inp=3, hid=4, dt=torch.float32):
    torch.manual_seed(7)
    rnn = nn.RNN(inp, hid, layers).to(dt)
    return [tuple(p.detach().clone() for p in layer) for layer in rnn.all_weights]


def _rf(Mod, seq=4, batch=2, layers=2, inp=3, hid=4, dt=torch.float32, grads=False):
    ps = _params(layers, inp, hid, dt)
    x = torch.randn(seq, batch, inp, dtype=dt)
    h0 = torch.randn(layers, batch, hid, dtype=dt)
    if grads:
        flat = [t for p in ps for t in p]
        def fn(x, h0, *fl):
            return Mod.rnn_forward(x, h0, [tuple(fl[4 * l:4 * l + 4]) for l in range(layers)])
        return with_grads(fn, x, h0, *flat)
    return Mod.rnn_forward(x, h0, ps)


RF = src(T, "rnn_forward")
M(T, "rf_h0_layer0", "rnn_forward", "every layer starts from h0[0]",
  "2 layers, seq 4, batch 2, input 3, hidden 4",
  RF.replace("h, steps = h0[layer], []", "h, steps = h0[0], []"),
  differs(lambda Mod: _rf(Mod)))
M(T, "rf_every_layer_reads_x", "rnn_forward", "each layer reads x instead of the previous layer's outputs",
  "2 layers, input_size = hidden = 4",
  RF.replace("for x_t in layer_input:", "for x_t in x:"),
  differs(lambda Mod: _rf(Mod, inp=4)))
M(T, "rf_hn_top_only", "rnn_forward", "h_n repeats the top layer's last h for every layer",
  "2 layers, seq 4, batch 2",
  RF.replace("return layer_input, torch.stack(last)", "return layer_input, torch.stack([h] * len(last))"),
  differs(lambda Mod: _rf(Mod)))
M(T, "rf_zeros_buffer", "rnn_forward", "writes each step into torch.zeros(seq, batch, hidden): float64 comes back float32",
  "float64 inputs and parameters, 1 layer",
  "def rnn_forward(x, h0, params):\n    layer_input, last = x, []\n    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):\n"
  "        h = h0[layer]\n        out = torch.zeros(x.shape[0], x.shape[1], h0.shape[2])\n        for t in range(x.shape[0]):\n"
  "            h = rnn_cell(layer_input[t], h, w_ih, w_hh, b_ih, b_hh)\n            out[t] = h\n        layer_input = out\n        last.append(h)\n"
  "    return layer_input, torch.stack(last)\n",
  differs(lambda Mod: _rf(Mod, dt=D64, layers=1)))
M(T, "rf_h0_detached", "rnn_forward", "starts each layer from h0[layer].detach(): no gradient reaches h0",
  "float64, 2 layers, gradient w.r.t. h0",
  RF.replace("h, steps = h0[layer], []", "h, steps = h0[layer].detach(), []"),
  differs(lambda Mod: _rf(Mod, dt=D64, grads=True)[1][1], rtol=1e-7, atol=1e-9))
M(T, "rf_squeeze_output", "rnn_forward", "squeezes the stacked outputs: seq_len 1 with batch 1 collapses",
  "seq 1, batch 1, 1 layer",
  RF.replace("layer_input = torch.stack(steps)", "layer_input = torch.stack(steps).squeeze()"),
  differs(lambda Mod: _rf(Mod, seq=1, batch=1, layers=1)))

M(T, "emb_index_select", "embedding_lookup", "weight.index_select(0, idx): only 1-D index tensors",
  "weight randn(6,3), idx = [[1, 2], [0, 5]] (2-D)",
  "def embedding_lookup(weight, idx):\n    return weight.index_select(0, idx)\n",
  differs(lambda Mod: Mod.embedding_lookup(torch.randn(6, 3), torch.tensor([[1, 2], [0, 5]]))))
M(T, "emb_flatten", "embedding_lookup", "looks up idx.flatten(): returns (N, dim), not idx.shape + (dim,)",
  "weight randn(6,3), idx = [[1, 2], [0, 5]]",
  "def embedding_lookup(weight, idx):\n    return weight[idx.flatten()]\n",
  differs(lambda Mod: Mod.embedding_lookup(torch.randn(6, 3), torch.tensor([[1, 2], [0, 5]]))))
M(T, "emb_loop_rows", "embedding_lookup", "stacks weight[i] for i in idx: a 0-dim index cannot be iterated",
  "weight randn(6,3), idx = tensor(4) (0-dim)",
  "def embedding_lookup(weight, idx):\n    return torch.stack([weight[i] for i in idx])\n",
  differs(lambda Mod: Mod.embedding_lookup(torch.randn(6, 3), torch.tensor(4))))
M(T, "emb_one_hot_inferred", "embedding_lookup", "F.one_hot(idx) @ weight without num_classes: width from idx.max() + 1",
  "weight randn(6,3), idx = [0, 2]",
  "def embedding_lookup(weight, idx):\n    return torch.nn.functional.one_hot(idx).to(weight.dtype) @ weight\n",
  differs(lambda Mod: Mod.embedding_lookup(torch.randn(6, 3), torch.tensor([0, 2]))))
M(T, "emb_detached", "embedding_lookup", "indexes weight.detach(): no gradient reaches the weight",
  "weight randn(6,3) requiring grad, idx [1, 1, 3]: weight.grad",
  "def embedding_lookup(weight, idx):\n    return weight.detach()[idx]\n",
  differs(lambda Mod: (lambda w: (Mod.embedding_lookup(w, torch.tensor([1, 1, 3])).sum().backward() if Mod.embedding_lookup(w, torch.tensor([1, 1, 3])).requires_grad else None, w.grad)[1])(torch.randn(6, 3, requires_grad=True))))
M(T, "enc_empty_float", "encode_chars", "torch.tensor(list) without dtype: an empty text gives float32",
  "encode_chars('', 'ehlo')",
  "def encode_chars(text, vocab):\n    return torch.tensor([list(vocab).index(c) for c in text])\n",
  differs(lambda Mod: Mod.encode_chars("", "ehlo")))
M(T, "enc_sorted_vocab", "encode_chars", "indexes into sorted(set(vocab)) rather than vocab's own order",
  "encode_chars('hello', 'ohel')",
  "def encode_chars(text, vocab):\n    order = sorted(set(vocab))\n    return torch.tensor([order.index(c) for c in text], dtype=torch.int64)\n",
  differs(lambda Mod: Mod.encode_chars("hello", "ohel")))
M(T, "enc_str_find", "encode_chars", "vocab.find(c): a list vocabulary has no find",
  "encode_chars('hello', ['e', 'h', 'l', 'o'])",
  "def encode_chars(text, vocab):\n    return torch.tensor([vocab.find(c) for c in text], dtype=torch.int64)\n",
  differs(lambda Mod: Mod.encode_chars("hello", ["e", "h", "l", "o"])))

HR = src(T, "HelloRNN")


def _hello(Mod, args, idx):
    torch.manual_seed(0)
    m = Mod.HelloRNN(*args)
    return m(idx)


M(T, "hello_batch_first", "HelloRNN", "nn.RNN(..., batch_first=True) on seq-first input: recurs along the batch axis",
  "HelloRNN(4, 8) on idx (5, 2)",
  HR.replace("nn.RNN(embed_dim or vocab_size, hidden_size)", "nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)"),
  differs(lambda Mod: _hello(Mod, (4, 8), torch.tensor([[1, 0], [0, 2], [2, 2], [2, 3], [3, 1]]))))
M(T, "hello_one_hot_inferred", "HelloRNN", "F.one_hot(idx) without num_classes: a sequence missing the last character breaks",
  "HelloRNN(4, 8) on idx [[1],[0],[2]] (no index 3)",
  HR.replace("nn.functional.one_hot(idx, self.vocab_size)", "nn.functional.one_hot(idx)"),
  differs(lambda Mod: _hello(Mod, (4, 8), torch.tensor([[1], [0], [2]]))))
M(T, "hello_embed_ignored", "HelloRNN", "always one-hot, even when embed_dim is given (an unused Embedding is still built)",
  "HelloRNN(4, 8, embed_dim=3) on idx (5, 1)",
  HR.replace("self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)", "self.rnn = nn.RNN(vocab_size, hidden_size)")
    .replace("        if self.embed is not None:\n            x = self.embed(idx)\n        else:\n            x = nn.functional.one_hot(idx, self.vocab_size).float()",
             "        x = nn.functional.one_hot(idx, self.vocab_size).float()"),
  differs(lambda Mod: _hello(Mod, (4, 8, 3), torch.tensor([[1], [0], [2], [2], [3]]))))
M(T, "hello_softmax_out", "HelloRNN", "returns softmax probabilities instead of logits",
  "HelloRNN(4, 8) on idx (5, 1)",
  HR.replace("return self.out(output)", "return self.out(output).softmax(-1)"),
  differs(lambda Mod: _hello(Mod, (4, 8), torch.tensor([[1], [0], [2], [2], [3]]))))

GC = src(T, "gru_cell")
M(T, "gru_swap_rz", "gru_cell", "reads the chunks as (update, reset, new)",
  "batch 3, input 4, hidden 5",
  GC.replace("i_r, i_z, i_n = ", "i_z, i_r, i_n = ").replace("h_r, h_z, h_n = ", "h_z, h_r, h_n = "),
  differs(lambda Mod: Mod.gru_cell(*_cell_inputs(gates=3))))
M(T, "gru_reset_outside_bias", "gru_cell", "r ⊙ (h·W_hnᵀ) + b_hn: the reset gate not applied to b_hn",
  "batch 3, input 4, hidden 5",
  "def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)\n"
  "    w_hr, w_hz, w_hn = w_hh.chunk(3, dim=0)\n    b_hr, b_hz, b_hn = b_hh.chunk(3)\n"
  "    r = torch.sigmoid(i_r + h @ w_hr.T + b_hr)\n    z = torch.sigmoid(i_z + h @ w_hz.T + b_hz)\n"
  "    n = torch.tanh(i_n + r * (h @ w_hn.T) + b_hn)\n    return (1 - z) * n + z * h\n",
  differs(lambda Mod: Mod.gru_cell(*_cell_inputs(gates=3))))
M(T, "gru_z_swapped_mix", "gru_cell", "h' = z ⊙ n + (1 − z) ⊙ h",
  "batch 3, input 4, hidden 5",
  GC.replace("return (1 - z) * n + z * h", "return z * n + (1 - z) * h"),
  differs(lambda Mod: Mod.gru_cell(*_cell_inputs(gates=3))))

# ---------------- contract ----------------
X(T, "cell_torch_twin", "rnn_cell", "torch.rnn_tanh_cell", "Off limits: torch.rnn_tanh_cell",
  "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.rnn_tanh_cell(x, h, w_ih, w_hh, b_ih, b_hh)\n",
  calls_forbidden(lambda Mod: Mod.rnn_cell(*_cell_inputs()), [(torch, "rnn_tanh_cell")]))
X(T, "emb_F_embedding", "embedding_lookup", "F.embedding(idx, weight)", "Off limits: F.embedding",
  "def embedding_lookup(weight, idx):\n    return torch.nn.functional.embedding(idx, weight)\n",
  calls_forbidden(lambda Mod: Mod.embedding_lookup(torch.randn(6, 3), torch.tensor([1, 2])), [(F, "embedding")]))
X(T, "gru_torch_twin", "gru_cell", "torch.gru_cell", "Off limits: torch.gru_cell",
  "def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)\n",
  calls_forbidden(lambda Mod: Mod.gru_cell(*_cell_inputs(gates=3)), [(torch, "gru_cell")]))

# ---------------- correct ----------------
def _gen_cell(gates):
    def g(seed):
        dt = [torch.float32, D64][seed % 2]
        b, i, h = [(3, 4, 5), (1, 1, 1), (2, 5, 3), (4, 4, 4)][seed % 4]
        xs = list(_cell_inputs(b, i, h, dt, gates, seed))
        if seed % 3 == 0:
            xs[2] = xs[2].T.contiguous().T
            xs[0] = xs[0].T.contiguous().T
        return xs
    return g


def _run_cell(fn_name):
    def run(Mod, xs):
        fn = getattr(Mod, fn_name)
        if xs[0].dtype == D64:
            return with_grads(fn, *xs)
        return fn(*xs)
    return run


def _first(t):
    while isinstance(t, (tuple, list)):
        t = t[0]
    return t


def _cmp_rnn(r, c):
    dt = _first(r).dtype
    return same(r, c, rtol=1e-7, atol=1e-10) if dt == D64 else same(r, c, rtol=1e-5, atol=1e-5)


K(T, "cell_F_linear", "rnn_cell", "two F.linear maps, summed, through tanh",
  "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))\n",
  agree(_gen_cell(1), _run_cell("rnn_cell"), cmp=_cmp_rnn), imports="import torch.nn.functional as F")
K(T, "cell_addmm", "rnn_cell", "torch.addmm for both affine maps",
  "def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    return torch.tanh(torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t()))\n",
  agree(_gen_cell(1), _run_cell("rnn_cell"), cmp=_cmp_rnn))


def _gen_rf(seed):
    return dict(seq=1 + seed % 4, batch=1 + seed % 3, layers=1 + seed % 3, inp=[3, 4, 1][seed % 3], hid=[4, 2, 5][seed % 3],
                dt=[torch.float32, D64][seed % 2], grads=bool(seed % 2))


K(T, "rf_cat_steps", "rnn_forward", "preallocated list per layer, torch.cat of unsqueezed steps, h_n by stacking",
  "def rnn_forward(x, h0, params):\n    seq = x\n    finals = []\n    for l, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):\n        h = h0[l]\n"
  "        outs = []\n        for t in range(seq.shape[0]):\n            h = torch.tanh(seq[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)\n"
  "            outs.append(h.unsqueeze(0))\n        seq = torch.cat(outs, dim=0)\n        finals.append(h.unsqueeze(0))\n"
  "    return seq, torch.cat(finals, dim=0)\n",
  agree(_gen_rf, lambda Mod, o: _rf(Mod, **o), n=12, cmp=_cmp_rnn))
K(T, "rf_input_proj_first", "rnn_forward", "precomputes x·W_ihᵀ + b_ih for the whole sequence per layer, then the recurrence",
  "def rnn_forward(x, h0, params):\n    inp, hs = x, []\n    for l, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):\n"
  "        pre = inp @ w_ih.T + b_ih\n        h = h0[l]\n        outs = []\n        for t in range(pre.shape[0]):\n"
  "            h = torch.tanh(pre[t] + h @ w_hh.T + b_hh)\n            outs.append(h)\n        inp = torch.stack(outs)\n        hs.append(h)\n"
  "    return inp, torch.stack(hs)\n",
  agree(_gen_rf, lambda Mod, o: _rf(Mod, **o), n=12, cmp=_cmp_rnn))


def _gen_emb(seed):
    dt = [torch.float32, D64][seed % 2]
    n, d = 2 + seed % 5, 1 + seed % 3
    shape = [(3,), (2, 2), (), (1, 3, 2)][seed % 4]
    return [torch.randn(n, d, dtype=dt), torch.randint(0, n, shape)]


def _run_emb(Mod, i):
    w = i[0].clone().requires_grad_(True)
    out = Mod.embedding_lookup(w, i[1])
    (g,) = torch.autograd.grad((out * torch.linspace(-1, 1, out.numel(), dtype=out.dtype).reshape(out.shape)).sum(), w)
    return out.detach(), g


K(T, "emb_index_select_reshape", "embedding_lookup", "index_select on the flattened index, reshaped to idx.shape + (dim,)",
  "def embedding_lookup(weight, idx):\n    rows = weight.index_select(0, idx.reshape(-1))\n    return rows.reshape(*idx.shape, weight.shape[1])\n",
  agree(_gen_emb, _run_emb))
K(T, "emb_one_hot_matmul", "embedding_lookup", "one_hot(idx, num_embeddings) @ weight (F.one_hot is not off limits here)",
  "def embedding_lookup(weight, idx):\n    return F.one_hot(idx, weight.shape[0]).to(weight.dtype) @ weight\n",
  agree(_gen_emb, _run_emb), imports="import torch.nn.functional as F")
K(T, "enc_dict_list", "encode_chars", "a dict from character to position, int64 tensor (empty text included)",
  "def encode_chars(text, vocab):\n    pos = {}\n    for i, ch in enumerate(vocab):\n        pos[ch] = i\n    return torch.tensor([pos[ch] for ch in text], dtype=torch.long)\n",
  agree(lambda s: [["hello", "", "lol", "ohell"][s % 4], [list("ehlo"), "ehlo", "ohel", ("l", "o", "h", "e")][s % 4]],
        lambda Mod, i: Mod.encode_chars(*i)))


def _gen_hr(seed):
    return [[4, 5][seed % 2], [8, 3][seed % 3 == 0], [None, 3][seed % 2], torch.randint(0, [4, 5][seed % 2], (1 + seed % 5, 1 + seed % 3))]


def _run_hr(Mod, i):
    torch.manual_seed(0)
    m = Mod.HelloRNN(i[0], i[1], i[2])
    return m(i[3]), sorted(tuple(p.shape) for p in m.parameters())


K(T, "hello_eye_table", "HelloRNN", "one-hot by indexing an identity matrix made on idx's device",
  HR.replace("x = nn.functional.one_hot(idx, self.vocab_size).float()", "x = torch.eye(self.vocab_size, device=idx.device)[idx]"),
  agree(_gen_hr, _run_hr, n=10))
K(T, "gru_separate_chunks", "gru_cell", "weights chunked first, six F.linear maps",
  "def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):\n    W_ir, W_iz, W_in = w_ih.chunk(3)\n    W_hr, W_hz, W_hn = w_hh.chunk(3)\n"
  "    b_ir, b_iz, b_in = b_ih.chunk(3)\n    b_hr, b_hz, b_hn = b_hh.chunk(3)\n"
  "    r = torch.sigmoid(F.linear(x, W_ir, b_ir) + F.linear(h, W_hr, b_hr))\n    z = torch.sigmoid(F.linear(x, W_iz, b_iz) + F.linear(h, W_hz, b_hz))\n"
  "    n = torch.tanh(F.linear(x, W_in, b_in) + r * F.linear(h, W_hn, b_hn))\n    return n + z * (h - n)\n",
  agree(_gen_cell(3), _run_cell("gru_cell"), cmp=_cmp_rnn), imports="import torch.nn.functional as F")

M(T, "hello_carry_hidden", "HelloRNN", "keeps the last hidden state on the module and starts the next call from it: the second call on the same input differs",
  "HelloRNN(4, 8): model(idx) twice on the same idx (5, 1), the second output",
  HR.replace("        output, _ = self.rnn(x)", "        output, h = self.rnn(x, self.h if self.h is not None and self.h.shape[1] == x.shape[1] else None)\n        self.h = h.detach()")
    .replace("        self.out = nn.Linear(hidden_size, vocab_size)", "        self.out = nn.Linear(hidden_size, vocab_size)\n        self.h = None"),
  differs(lambda Mod: (lambda m, idx: (m(idx), m(idx))[1])((torch.manual_seed(0), Mod.HelloRNN(4, 8))[1], torch.tensor([[1], [0], [2], [2], [3]]))))
