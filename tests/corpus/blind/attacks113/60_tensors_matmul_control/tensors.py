import torch


def matmul(a, b):
    return torch.matmul(a, b)


def norms(x):
    return torch.linalg.vector_norm(x, 1), torch.linalg.vector_norm(x)
