"""RNN after d2l 8.5 (从零开始): explicit params, a state tuple, gather-free embedding."""
import torch
from torch import nn


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(torch.mm(x, w_ih.T) + b_ih + torch.mm(h, w_hh.T) + b_hh)


def rnn_forward(x, h0, params):
    """One layer at a time over the whole sequence, d2l's rnn() inside."""
    def rnn(inputs, state, layer_params):
        W_xh, W_hh, b_xh, b_hh = layer_params
        H, = state
        outputs = []
        for X in inputs:
            H = rnn_cell(X, H, W_xh, W_hh, b_xh, b_hh)
            outputs.append(H)
        return torch.stack(outputs), (H,)

    finals = []
    inputs = x
    for i, layer_params in enumerate(params):
        inputs, (H,) = rnn(inputs, (h0[i],), layer_params)
        finals.append(H)
    return inputs, torch.stack(finals)


def embedding_lookup(weight, idx):
    return weight[idx.flatten()].view(*idx.shape, -1)


def encode_chars(text, vocab):
    token_to_idx = {token: idx for idx, token in enumerate(vocab)}
    return torch.tensor([token_to_idx[c] for c in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size, embed_dim=None):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim if embed_dim else vocab_size, hidden_size)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, inputs):
        if self.embedding is None:
            X = nn.functional.one_hot(inputs, self.vocab_size).type(torch.float32)
        else:
            X = self.embedding(inputs)
        Y, state = self.rnn(X)
        return self.linear(Y)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    H = h.shape[-1]
    gates_x = torch.addmm(b_ih, x, w_ih.T)
    gates_h = torch.addmm(b_hh, h, w_hh.T)
    sig = lambda t: torch.where(t >= 0, 1 / (1 + torch.exp(-t.abs())), torch.exp(-t.abs()) / (1 + torch.exp(-t.abs())))  # noqa: E731
    R = sig(gates_x[:, :H] + gates_h[:, :H])
    Z = sig(gates_x[:, H:2 * H] + gates_h[:, H:2 * H])
    H_tilda = torch.tanh(gates_x[:, 2 * H:] + R * gates_h[:, 2 * H:])
    return Z * h + (1 - Z) * H_tilda
