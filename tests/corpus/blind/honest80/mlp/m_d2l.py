"""MLP after d2l 4.1–4.6 (多层感知机从零开始, 暂退法)."""
import math

import torch
from torch import nn
import torch.nn.functional as F


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def tanh(X):
    # (1 - exp(-2|x|)) / (1 + exp(-2|x|)), with the sign put back
    e = torch.exp(-2 * torch.abs(X))
    t = (1 - e) / (1 + e)
    return torch.where(X < 0, -t, t)


def hard_sigmoid_from_relus(X):
    return relu(X + 0.5) - relu(X - 0.5)


def dropout(X, p, training=True):
    """d2l's dropout_layer, with a training switch."""
    if not training:
        return X
    assert 0 <= p <= 1
    if p == 1:
        return torch.zeros_like(X)
    if p == 0:
        return X
    mask = (torch.rand(X.shape, device=X.device) > p).float()
    return (mask * X / (1.0 - p)).to(X.dtype)


def xavier_uniform_(tensor):
    dims = tensor.dim()
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    if dims > 2:
        receptive_field_size = tensor[0][0].numel()
    fan_in = num_input_fmaps * receptive_field_size
    fan_out = num_output_fmaps * receptive_field_size
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)


class LogisticRegression(nn.Module):
    def __init__(self, in_features):
        super(LogisticRegression, self).__init__()
        self.linear = torch.nn.Linear(in_features, 1)

    def forward(self, x):
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred


class DiabetesNet(nn.Module):
    def __init__(self, in_features=8):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, 6), nn.Sigmoid(),
                                 nn.Linear(6, 4), nn.Sigmoid(),
                                 nn.Linear(4, 1), nn.Sigmoid())

    def forward(self, X):
        return self.net(X)


class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.num_layers = len(sizes) - 1
        for i in range(self.num_layers):
            setattr(self, f"fc{i}", nn.Linear(sizes[i], sizes[i + 1]))
        self.activation = activation
        self.dropout = dropout
        self.in_features = sizes[0]

    def forward(self, X):
        H = X.reshape((-1, self.in_features))
        for i in range(self.num_layers):
            H = getattr(self, f"fc{i}")(H)
            if i < self.num_layers - 1:
                H = getattr(torch, self.activation)(H)
                if self.training and self.dropout > 0:
                    H = F.dropout(H, self.dropout)
        return H


def train_epoch(model, loader, loss_fn, optimizer, device):
    """d2l's train_epoch_ch3 with an Accumulator of (loss sum, count)."""
    model.train()
    metric = [0.0, 0]
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        y_hat = model(X)
        l = loss_fn(y_hat, y)
        optimizer.zero_grad()
        l.backward()
        optimizer.step()
        metric[0] += float(l) * X.shape[0]
        metric[1] += X.shape[0]
    return metric[0] / metric[1]


def evaluate(model, loader, device):
    model.eval()
    right, total = 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            y_hat = model(X)
            if y_hat.shape[1] > 1:
                pred = y_hat.argmax(axis=1)
            else:
                pred = (y_hat.reshape(-1) > 0.5).to(y.dtype)
                y = y.reshape(-1)
            right += int((pred == y).sum())
            total += y.numel()
    return right / total
