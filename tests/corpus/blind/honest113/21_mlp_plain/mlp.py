import math

import torch
from torch import nn


def relu(x):
    a = torch.zeros_like(x)
    return torch.max(x, a)


def tanh(x):
    e = torch.exp(-2 * torch.abs(x))
    t = (1 - e) / (1 + e)
    return torch.where(x < 0, -t, t)


def hard_sigmoid_from_relus(x):
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x, p, training=True):
    assert 0 <= p <= 1
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    if p == 0:
        return x
    mask = (torch.rand(x.shape, device=x.device) > p).float()
    return mask * x / (1.0 - p)


def xavier_uniform_(tensor):
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    if tensor.dim() > 2:
        for s in tensor.shape[2:]:
            receptive_field_size *= s
    fan_in = num_input_fmaps * receptive_field_size
    fan_out = num_output_fmaps * receptive_field_size
    a = math.sqrt(6.0 / float(fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features):
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x):
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred


class DiabetesNet(nn.Module):
    def __init__(self, in_features=8):
        super(DiabetesNet, self).__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)])
        self.activation = activation
        self.p = dropout
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = x.reshape(x.size(0), -1)
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                if self.activation == "relu":
                    x = torch.relu(x)
                elif self.activation == "tanh":
                    x = torch.tanh(x)
                else:
                    x = torch.sigmoid(x)
                if self.p > 0:
                    x = self.drop(x)
        return x


def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    running_loss = 0.0
    n = 0
    for batch_idx, (inputs, target) in enumerate(loader, 0):
        inputs, target = inputs.to(device), target.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * inputs.size(0)
        n += inputs.size(0)
    return running_loss / n


def evaluate(model, loader, device):
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for data in loader:
            images, labels = data
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            if outputs.size(1) == 1:
                predicted = (outputs > 0.5).long().view(-1)
                labels = labels.view(-1).long()
            else:
                _, predicted = torch.max(outputs.data, dim=1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total
