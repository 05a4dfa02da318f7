"""Graph utilities for scalar_engine."""

from __future__ import annotations

from typing import Iterable, List, Protocol


class HasParents(Protocol):
    parents: tuple


def topological_order(root: HasParents) -> List[HasParents]:
    """Post-order of the graph below root (children before the nodes that use them), iterative."""
    order: List[HasParents] = []
    done: set = set()
    stack: List[tuple] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        if finished:
            order.append(node)
            continue
        if id(node) in done:
            continue
        done.add(id(node))
        stack.append((node, True))
        for p in node.parents:
            if id(p) not in done:
                stack.append((p, False))
    return order


def accumulate(pairs: Iterable[tuple], upstream: float) -> None:
    for parent, local in pairs:
        parent.grad += local * upstream
