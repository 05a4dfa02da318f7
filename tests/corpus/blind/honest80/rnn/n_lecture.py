"""RNN — lecture 12 (循环神经网络基础): RNNCell by hand, then the hello → ohlol model."""
import torch
import torch.nn.functional as F


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def rnn_forward(x, h0, params):
    seq_len = x.shape[0]
    num_layers = len(params)
    inputs = [x[t] for t in range(seq_len)]
    h_n = []
    for layer in range(num_layers):
        w_ih, w_hh, b_ih, b_hh = params[layer]
        hidden = h0[layer]
        outputs = []
        for t in range(seq_len):
            hidden = rnn_cell(inputs[t], hidden, w_ih, w_hh, b_ih, b_hh)
            outputs.append(hidden)
        inputs = outputs
        h_n.append(hidden)
    return torch.stack(inputs, dim=0), torch.stack(h_n, dim=0)


def embedding_lookup(weight, idx):
    one_hot = F.one_hot(idx, num_classes=weight.shape[0]).to(weight.dtype)
    return one_hot @ weight


def encode_chars(text, vocab):
    idx2char = list(vocab)
    return torch.LongTensor([idx2char.index(ch) for ch in text])


class HelloRNN(torch.nn.Module):
    def __init__(self, vocab_size, hidden_size, embed_dim=None):
        super(HelloRNN, self).__init__()
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.emb = torch.nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        input_size = embed_dim if embed_dim is not None else vocab_size
        self.rnn = torch.nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=1)
        self.fc = torch.nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        if self.emb is not None:
            x = self.emb(x)
        else:
            x = F.one_hot(x, self.vocab_size).float()
        hidden = torch.zeros(1, x.size(1), self.hidden_size, device=x.device, dtype=x.dtype)
        x, _ = self.rnn(x, hidden)
        return self.fc(x)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    resetgate = torch.sigmoid(i_r + h_r)
    updategate = torch.sigmoid(i_z + h_z)
    newgate = torch.tanh(i_n + resetgate * h_n)
    return newgate + updategate * (h - newgate)
