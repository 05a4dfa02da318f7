"""MLP using the helper module activations.py."""
import math

import torch
from torch import nn

import activations as act


def relu(x):
    return act.positive_part(x)


def tanh(x):
    return act.stable_tanh(x)


def hard_sigmoid_from_relus(x):
    return act.positive_part(x + 0.5) - act.positive_part(x - 0.5)


def dropout(x, p, training=True):
    if not training:
        return x
    if p >= 1.0:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) >= p).to(x.dtype)
    return x * keep * (1.0 / (1.0 - p))


def xavier_uniform_(tensor):
    fan_in, fan_out = act.fans(tensor.shape)
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)


class LogisticRegression(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x):
        return self.model(x)


class DiabetesNet(nn.Module):
    def __init__(self, in_features=8):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)])

    def forward(self, x):
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.n_layers = len(sizes) - 1
        for i in range(self.n_layers):
            setattr(self, f"fc{i}", nn.Linear(sizes[i], sizes[i + 1]))
        self.act = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid()}[activation]
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        for i in range(self.n_layers):
            x = getattr(self, f"fc{i}")(x)
            if i < self.n_layers - 1:
                x = self.drop(self.act(x))
        return x


def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    sum_loss, n = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        y_hat = model(X)
        l = loss_fn(y_hat, y)
        optimizer.zero_grad()
        l.backward()
        optimizer.step()
        sum_loss += l.item() * y.shape[0]
        n += y.shape[0]
    return sum_loss / n


def evaluate(model, loader, device):
    model.eval()
    metric = [0, 0]
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            y_hat = model(X)
            if y_hat.shape[1] > 1:
                cmp = y_hat.argmax(axis=1).type(y.dtype) == y
            else:
                cmp = (y_hat.reshape(-1) > 0.5).float() == y.reshape(-1).float()
            metric[0] += int(cmp.sum())
            metric[1] += y.numel() if y_hat.shape[1] > 1 else y.reshape(-1).numel()
    return metric[0] / metric[1]
