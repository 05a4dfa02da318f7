"""Lecture 12 (RNN basics): RNNCell by hand, a stacked RNN, embedding, the hello -> ohlol model."""
import torch


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(torch.mm(x, w_ih.t()) + b_ih + torch.mm(h, w_hh.t()) + b_hh)


def rnn_forward(x, h0, params):
    num_layers = len(params)
    seq_len = x.shape[0]
    hidden = [h0[l] for l in range(num_layers)]
    outputs = []
    for t in range(seq_len):
        inp = x[t]
        for l in range(num_layers):
            w_ih, w_hh, b_ih, b_hh = params[l]
            hidden[l] = rnn_cell(inp, hidden[l], w_ih, w_hh, b_ih, b_hh)
            inp = hidden[l]
        outputs.append(inp)
    return torch.stack(outputs, dim=0), torch.stack(hidden, dim=0)


def embedding_lookup(weight, idx):
    return weight[idx]


def encode_chars(text, vocab):
    idx2char = list(vocab)
    return torch.LongTensor([idx2char.index(c) for c in text])


class HelloRNN(torch.nn.Module):
    def __init__(self, vocab_size, hidden_size, embed_dim=None):
        super(HelloRNN, self).__init__()
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_layers = 1
        if embed_dim is not None:
            self.emb = torch.nn.Embedding(vocab_size, embed_dim)
            input_size = embed_dim
        else:
            self.emb = None
            input_size = vocab_size
        self.rnn = torch.nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=self.num_layers)
        self.fc = torch.nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        if self.emb is not None:
            x = self.emb(x)
        else:
            one_hot_lookup = torch.eye(self.vocab_size, device=x.device)
            x = one_hot_lookup[x]
        hidden = torch.zeros(self.num_layers, x.size(1), self.hidden_size, device=x.device)
        out, _ = self.rnn(x, hidden)
        return self.fc(out)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gi = torch.mm(x, w_ih.t()) + b_ih
    gh = torch.mm(h, w_hh.t()) + b_hh
    H = h.shape[1]
    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h


if __name__ == "__main__":
    idx2char = ['e', 'h', 'l', 'o']
    inputs = encode_chars("hello", idx2char).view(-1, 1)
    labels = encode_chars("ohlol", idx2char)
    net = HelloRNN(4, 8)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
    for epoch in range(15):
        optimizer.zero_grad()
        outputs = net(inputs).view(-1, 4)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        _, idx = outputs.max(dim=1)
        print('Predicted: ', ''.join([idx2char[x] for x in idx]), end='')
        print(', Epoch [%d/15] loss = %.3f' % (epoch + 1, loss.item()))
