"""k-grams of normalised tokens, hashed (blake2b: stable across processes, unlike ``hash()``), then
winnowed (Schleimer, Wilkerson & Aiken, 2003; MOSS): of each window of ``window`` consecutive hashes
the smallest is kept, the rightmost on a tie, a hash only once per position (what that guarantees:
grader/base/defaults.py, SIMILARITY_K)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from grader.similarity.normalise import Token


@dataclass(frozen=True)
class Fingerprint:
    hash: int
    first_line: int  # the lines of the submitted file its k-gram spans
    last_line: int


def kgram_hashes(tokens: Sequence[Token], k: int) -> list[Fingerprint]:
    """One hash per run of ``k`` tokens; none when there are fewer than ``k``."""
    grams = []
    for start in range(len(tokens) - k + 1):
        run = tokens[start : start + k]
        digest = hashlib.blake2b("\x1f".join(t.text for t in run).encode(), digest_size=8).digest()
        lines = [t.line for t in run]
        grams.append(Fingerprint(int.from_bytes(digest, "big"), min(lines), max(lines)))
    return grams


def winnow(grams: Sequence[Fingerprint], window: int) -> list[Fingerprint]:
    """The minimum hash of every ``window`` consecutive k-grams (robust winnowing)."""
    if len(grams) <= window:
        return [min(reversed(grams), key=lambda g: g.hash)] if grams else []
    chosen: dict[int, Fingerprint] = {}
    for start in range(len(grams) - window + 1):
        best = min(reversed(range(start, start + window)), key=lambda i: grams[i].hash)  # rightmost minimum
        chosen.setdefault(best, grams[best])
    return [chosen[i] for i in sorted(chosen)]


def fingerprints(tokens: Sequence[Token], k: int, window: int) -> list[Fingerprint]:
    return winnow(kgram_hashes(tokens, k), window)
