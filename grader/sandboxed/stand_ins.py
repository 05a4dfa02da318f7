"""Stand-ins for the listed modules that cannot work in a worker: ``tqdm`` (a progress bar, not
installed here, whose real monitor starts a thread) and ``matplotlib`` (whose import wants a
writable cache folder and builds a font cache: seconds of CPU past a submission's import budget).

A learner's training loop with ``for batch in tqdm(loader)`` or a plotting helper beside the
exercises is ordinary code: the subset lists these modules (``grader/engine/subset/rules.py``,
``LISTED``), and here they run harmlessly. The progress bar iterates what it wraps and draws
nothing; the plots draw nothing and save nothing. Installed in ``sys.modules`` before the
submission is imported (:func:`install`), whether or not the real package is installed, so that
a submission grades the same everywhere.
"""

from __future__ import annotations

import importlib.machinery
import sys
import types
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np


class ProgressBar:
    """A progress bar that draws nothing: iterates ``iterable``, counts, and takes every option
    (graded code imports it as ``tqdm``)."""

    def __init__(self, iterable: Iterable[Any] | None = None, desc: str | None = None, total: Any = None,
                 *args: Any, **kwargs: Any) -> None:  # fmt: skip
        self.iterable = iterable
        self.desc = desc or ""
        self.total = total if total is not None else _length(iterable)
        self.n: float = 0
        self.postfix: Any = None
        self.disable = bool(kwargs.get("disable", False))

    def __iter__(self) -> Iterator[Any]:
        if self.iterable is None:
            raise TypeError("tqdm() without an iterable is not iterable: call update() instead")
        for item in self.iterable:
            yield item
            self.n += 1

    def __len__(self) -> int:
        return int(self.total or 0)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, n: float = 1) -> None:
        self.n += n

    def set_description(self, desc: str | None = None, refresh: bool = True) -> None:
        self.desc = desc or ""

    set_description_str = set_description

    def set_postfix(self, ordered_dict: Any = None, refresh: bool = True, **kwargs: Any) -> None:
        self.postfix = dict(ordered_dict or {}, **kwargs)

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        self.postfix = s

    def reset(self, total: Any = None) -> None:
        self.n = 0
        if total is not None:
            self.total = total

    def close(self) -> None:
        pass

    def refresh(self, *args: Any, **kwargs: Any) -> None:
        pass

    clear = display = refresh

    @staticmethod
    def write(s: str, file: Any = None, end: str = "\n", nolock: bool = False) -> None:
        print(s, end=end, file=file)

    def __repr__(self) -> str:
        return f"{self.desc}: {self.n}/{self.total}" if self.desc else f"{self.n}/{self.total}"


def _length(iterable: Any) -> int | None:
    try:
        return len(iterable)
    except TypeError:
        return None


def trange(*args: Any, **kwargs: Any) -> ProgressBar:
    """``tqdm(range(*args), **kwargs)``."""
    return ProgressBar(range(*args), **kwargs)


class Drawing:
    """A figure, axes, line or anything else a plot returns: every public method draws nothing
    and returns another drawing; a drawing unpacks as one (``line, = ax.plot(x, y)``)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _nothing

    def __iter__(self) -> Iterator[Drawing]:
        yield Drawing()

    def __repr__(self) -> str:
        return "<drawing (not drawn: graded code draws nothing)>"


def _nothing(*args: Any, **kwargs: Any) -> Drawing:
    return Drawing()


def subplots(
    nrows: int = 1, ncols: int = 1, *args: Any, squeeze: bool = True, **kwargs: Any
) -> tuple[Drawing, Any]:
    """A figure and its axes, shaped as matplotlib's: one, a row or column, or a grid (an array)."""
    axes = np.empty((nrows, ncols), dtype=object)
    for index in np.ndindex(axes.shape):
        axes[index] = Drawing()
    if squeeze and nrows == ncols == 1:
        return Drawing(), axes[0, 0]
    return Drawing(), axes.squeeze() if squeeze and 1 in (nrows, ncols) else axes


def xlim(*args: Any, **kwargs: Any) -> tuple[float, float]:
    return 0.0, 1.0


DRAWN = (
    "plot figure show title xlabel ylabel legend imshow savefig close hist scatter grid tight_layout "
    "semilogy gcf gca subplot"
).split()  # pyplot's functions the stand-in has (the subset lists some of them)


def _pyplot() -> types.ModuleType:
    pyplot = _module("matplotlib.pyplot", "A stand-in: graded code draws nothing.")
    for name in DRAWN:
        setattr(pyplot, name, _nothing)
    pyplot.subplots = subplots  # type: ignore[attr-defined]
    pyplot.xlim = pyplot.ylim = xlim  # type: ignore[attr-defined]
    return pyplot


def _module(name: str, doc: str, package: bool = False) -> types.ModuleType:
    """A module with a spec, as ``importlib.util.find_spec`` wants of what ``sys.modules`` holds
    (torch asks it of third-party packages: ``ValueError: tqdm.__spec__ is None`` without one);
    a package's submodules other than the stand-ins' are then not found, as in a package."""
    module = types.ModuleType(name, doc)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None, origin="stand-in", is_package=package)
    if package:
        module.__path__ = []
    return module


def modules() -> dict[str, types.ModuleType]:
    """The stand-in modules, by the name graded code imports."""
    progress = _module("tqdm", "A stand-in: graded code draws no progress bar.", package=True)
    auto = _module("tqdm.auto", "A stand-in: graded code draws no progress bar.")
    for module in (progress, auto):
        module.tqdm, module.trange = ProgressBar, trange  # type: ignore[attr-defined]
    progress.auto = auto  # type: ignore[attr-defined]
    plotting = _module("matplotlib", "A stand-in: graded code draws nothing.", package=True)
    plotting.pyplot = _pyplot()  # type: ignore[attr-defined]
    return {"tqdm": progress, "tqdm.auto": auto, "matplotlib": plotting, "matplotlib.pyplot": plotting.pyplot}


_installed: dict[str, types.ModuleType] = {}  # the stand-ins this process made


def install() -> None:
    """Put the stand-ins where ``import`` finds them first, before the submission's import, and
    drop whatever of the real packages something imported before (none of it stays reachable);
    kept where they are already (a zygote's children have its)."""
    if _installed and all(sys.modules.get(name) is module for name, module in _installed.items()):
        return
    stand_ins = modules()
    packages = {name.split(".")[0] for name in stand_ins}
    for name in [n for n in sys.modules if n.split(".")[0] in packages]:
        del sys.modules[name]
    sys.modules.update(stand_ins)
    _installed.update(stand_ins)
