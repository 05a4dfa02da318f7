# 卷积神经网络 (lecture 10) — answers, plus a digits training demo with torch.save.
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """Y[i, j] = sum(X[i:i+h, j:j+w] * K)"""
    h, w = k.shape
    out_h, out_w = x.shape[0] - h + 1, x.shape[1] - w + 1
    vals = [(x[i:i + h, j:j + w] * k).sum() for i in range(out_h) for j in range(out_w)]
    return torch.stack(vals).reshape(out_h, out_w)


def corr2d_multi_in(X: Tensor, K: Tensor) -> Tensor:
    # d2l: sum the single-channel results over the input channels
    return sum(corr2d(x, k) for x, k in zip(X, K))


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    if padding > 0:
        x = F.pad(x, (padding, padding, padding, padding))
    N, C, H, W = x.shape
    O, _, kh, kw = weight.shape
    patches = x.unfold(2, kh, stride).unfold(3, kw, stride)          # N, C, Ho, Wo, kh, kw
    Ho, Wo = patches.shape[2], patches.shape[3]
    patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(N, Ho, Wo, C * kh * kw)
    out = patches @ weight.reshape(O, -1).t()                         # N, Ho, Wo, O
    if bias is not None:
        out = out + bias
    return out.permute(0, 3, 1, 2).contiguous()


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n - k + 2 * padding) // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    if stride is None:
        stride = kernel_size
    patches = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)
    N, C, Ho, Wo = patches.shape[:4]
    return patches.reshape(N, C, Ho, Wo, -1).max(dim=-1)[0]


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.pooling = nn.MaxPool2d(2)
        self.fc = nn.Linear(20, num_classes)

    @property
    def num_classes(self) -> int:
        return self.fc.out_features

    def forward(self, x):
        batch_size = x.size(0)
        x = F.relu(self.pooling(self.conv1(x)))
        x = F.relu(self.pooling(self.conv2(x)))
        x = F.adaptive_max_pool2d(x, 1).view(batch_size, -1)
        x = self.fc(x)
        return x


if __name__ == "__main__":
    xy = np.loadtxt("digits.csv.gz", delimiter=",", dtype=np.float32)
    images = torch.from_numpy(xy[:, :-1] / 16).view(-1, 1, 8, 8)
    labels = torch.from_numpy(xy[:, -1]).long()
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    model = SimpleCNN().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=64, shuffle=True)
    for epoch in range(5):
        running_loss = 0.0
        for batch_idx, (inputs, target) in enumerate(loader):
            inputs, target = inputs.to(device), target.to(device)
            optimizer.zero_grad()
            loss = criterion(model(inputs), target)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        print("[%d] loss: %.3f" % (epoch + 1, running_loss / (batch_idx + 1)))
    torch.save(model.state_dict(), "simple_cnn.pth")
    print(conv2d(torch.randn(1, 3, 5, 5), torch.randn(2, 3, 3, 3), padding=1).shape)
    print(corr2d_multi_in(torch.randn(2, 4, 4), torch.randn(2, 2, 2)).shape)
