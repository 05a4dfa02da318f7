"""Helper package for 18_inception_helperpkg: the lecture's branch table and a conv builder."""

from __future__ import annotations

from .spec import BRANCHES, OUT_CHANNELS, build_branch

__all__ = ["BRANCHES", "OUT_CHANNELS", "build_branch"]
