"""Training curves: what a convergence probe recorded, the shape it has, and pictures of it
(their form and shapes: docs/checks.md, "Training curves"). Curves come from the sandbox, so
:func:`clean` checks one before anything reads it; a curve only explains a failure."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from grader.base import defaults
from grader.base.i18n import N_, _

Curve = dict[str, Any]
BARS = "▁▂▃▄▅▆▇█"
GAP = "×"  # a NaN or inf point in a sparkline
EVERY = re.compile(r"epoch|step|([1-9][0-9]{0,5}) steps")
HINTS = {
    "nan": N_(
        "NaN or inf in the loss: a learning rate far too high, or a log or a division of 0 "
        "(clamp probabilities, or work with logits and log-sum-exp)"
    ),
    "diverged": N_(
        "the loss climbs: a loss maximised instead of minimised (its sign), a learning rate far "
        "too high, or gradients piling up across batches without optimizer.zero_grad()"
    ),
    "flat": N_(
        "the loss never fell: is optimizer.step() called after backward()? do the gradients reach "
        "the weights (no .detach(), .item() or torch.no_grad() inside the computation)? do inputs and "
        "labels stay paired (shuffle them together)? a learning rate far too high can also freeze a "
        "model at once"
    ),
    "slower": N_(
        "it learns, but far slower than correct code: cross-entropy wants raw logits (no softmax "
        "or ReLU on the output), every layer must be used, and the learning rate must be the one given"
    ),
    "learned": "",
}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _series(values: Any, length: int | None = None) -> list[float] | None:
    if not isinstance(values, list) or not 0 < len(values) <= defaults.CURVE_POINTS:
        return None
    numbers = [_number(v) for v in values]
    if any(n is None for n in numbers) or (length is not None and len(numbers) != length):
        return None
    return [n for n in numbers if n is not None]


def clean(curve: Any) -> Curve | None:
    """A copy of ``curve`` if it is a well-formed curve (floats, at most ``CURVE_POINTS``), else None."""
    if not isinstance(curve, dict) or not isinstance(curve.get("every"), str):
        return None
    loss = _series(curve.get("loss"))
    if loss is None or not EVERY.fullmatch(curve["every"]):
        return None
    out: Curve = {"loss": loss, "every": curve["every"]}
    if curve.get("metric") is not None:
        metric = _series(curve["metric"], len(loss))
        if metric is None:
            return None
        out["metric"] = metric
    return out


def _stride(curve: Curve) -> int:
    match = EVERY.fullmatch(curve["every"])
    return int(match.group(1)) if match and match.group(1) else 1


def unit(every: str) -> str:
    """A curve's unit as a sentence names it: "epoch", "step", "10 steps"."""
    match = EVERY.fullmatch(every)
    if match and match.group(1):
        return _("%(n)s steps") % {"n": match.group(1)}
    return _("epoch") if every == "epoch" else _("step") if every == "step" else every


def where(curve: Curve, index: int) -> str:
    """Point ``index`` in the curve's own unit: "epoch 3", "step 40"."""
    if curve["every"] == "epoch":
        return _("epoch %(n)d") % {"n": index}
    return _("step %(n)d") % {"n": index * _stride(curve)}


def shape_of(curve: Curve, reference_band: tuple[float, float] | None = None) -> tuple[str, str]:
    """(label, sentence): "nan", "diverged", "flat", "slower" (the final loss above
    ``reference_band``, correct code's (lowest, highest) final loss) or "learned"."""
    loss = curve["loss"]
    broken = next((i for i, v in enumerate(loss) if not math.isfinite(v)), None)
    if broken is not None:
        what = "NaN" if math.isnan(loss[broken]) else "inf"
        return "nan", _("%(what)s from %(where)s") % {"what": what, "where": where(curve, broken)}
    start, final = loss[0], loss[-1]
    scale = max(abs(start), 1e-12)
    risen = next((i for i, v in enumerate(loss) if v > start + defaults.CURVE_DIVERGED_RISE * scale), None)
    if risen is not None:
        return "diverged", _(
            "diverged at %(where)s: the loss rose from %(start)s to %(end)s (highest %(highest)s)"
        ) % {
            "where": where(curve, risen),
            "start": f"{start:.3g}",
            "end": f"{loss[risen]:.3g}",
            "highest": f"{max(loss):.3g}",
        }
    if (start - min(loss)) / scale < defaults.CURVE_FLAT_FALL:
        return "flat", _("flat: the loss moved by less than %(percent)s %% (%(start)s → %(end)s)") % {
            "percent": f"{100 * defaults.CURVE_FLAT_FALL:g}",
            "start": f"{start:.3g}",
            "end": f"{final:.3g}",
        }
    if reference_band is not None and final > reference_band[1]:
        low, high = reference_band
        return "slower", _(
            "slower than the reference: the loss fell from %(start)s to %(end)s; correct code "
            "ends between %(low)s and %(high)s"
        ) % {"start": f"{start:.3g}", "end": f"{final:.3g}", "low": f"{low:.3g}", "high": f"{high:.3g}"}
    return "learned", _("learned: the loss fell from %(start)s to %(end)s") % {
        "start": f"{start:.3g}",
        "end": f"{final:.3g}",
    }


def summary(curve: Curve, label: str | None = None) -> str:
    """The shape's sentence without the reference's numbers (for hidden checks and pictures):
    ``label`` as recorded at grading ("slower" needs the band, which stays with the suite)."""
    if label == "slower":
        return _("slower than the reference: the loss fell from %(start)s to %(end)s") % {
            "start": f"{curve['loss'][0]:.3g}",
            "end": f"{curve['loss'][-1]:.3g}",
        }
    return shape_of(curve)[1]


def sparkline(values: list[float]) -> str:
    """One character per value, ▁ (lowest) to █ (highest); × for NaN or inf."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return GAP * len(values)
    low, high = min(finite), max(finite)
    span = high - low or 1.0
    return "".join(
        BARS[min(len(BARS) - 1, int((v - low) / span * len(BARS)))] if math.isfinite(v) else GAP
        for v in values
    )


def describe(curve: Curve, reference_band: tuple[float, float] | None = None) -> tuple[str, str]:
    """(label, one line for a message): the shape, then the sparkline of the loss."""
    label, sentence = shape_of(curve, reference_band)
    return label, _("curve: %(shape)s; training loss per %(every)s: %(line)s") % {
        "shape": sentence,
        "every": unit(curve["every"]),
        "line": sparkline(curve["loss"]),
    }


# Fonts with the glyphs of Chinese, the first one installed draws a Chinese figure's words.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Droid Sans Fallback",
)


_CJK = re.compile("[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")  # CJK scripts and their punctuation


def _cjk_family() -> str | None:
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _words(curve: Curve, title: str, band: tuple[float, float] | None) -> tuple[dict[str, str], str | None]:
    """The figure's words in the learner's language and the font family to draw them in; no words
    where they need glyphs no installed font has (a picture of numbers beats one of boxes)."""
    words = {
        "band": _("correct code's final loss (seeds 0–19)"),
        "loss": _("training loss"),
        "metric": _("training accuracy"),
        "x": _("epoch") if curve["every"] == "epoch" else _("step"),
        "title": title or shape_of(curve, band)[1],
    }
    if not any(_CJK.search(text) for text in words.values()):
        return words, None
    family = _cjk_family()
    return (words, family) if family else (dict.fromkeys(words, ""), None)


def figure(curve: Curve, title: str = "", band: tuple[float, float] | None = None) -> Any:
    """A matplotlib Figure of the loss (and the metric on a second axis), with ``band`` (correct
    code's final losses) shaded; needs the ``plots`` extra. Built without pyplot, so it touches
    no global state; a notebook displays it as it is."""
    from matplotlib.figure import Figure

    words, family = _words(curve, title, band)
    font: dict[str, Any] = {"fontfamily": family} if family else {}
    fig = Figure(figsize=(5, 3), dpi=100)
    axes = fig.add_subplot()
    steps = [i * _stride(curve) for i in range(len(curve["loss"]))]
    if band is not None:
        axes.axhspan(*band, color="tab:green", alpha=0.2, label=words["band"])
    axes.plot(steps, curve["loss"], marker=".", color="tab:red", label=words["loss"])
    axes.set_xlabel(words["x"], **font)
    axes.set_ylabel(words["loss"], color="tab:red", **font)
    if curve.get("metric"):
        other = axes.twinx()
        other.plot(steps, curve["metric"], marker=".", color="tab:blue", label=words["metric"])
        other.set_ylabel(words["metric"], color="tab:blue", **font)
    axes.set_title(words["title"], fontsize=9, wrap=True, **font)
    if band is not None and words["band"]:
        axes.legend(fontsize=7, loc="best", prop={"family": family, "size": 7} if family else None)
    fig.tight_layout()
    return fig


def write_png(curve: Curve, path: Path, title: str = "", band: tuple[float, float] | None = None) -> bool:
    """Draw ``curve`` into ``path``; False (nothing written) where matplotlib is not installed."""
    try:
        fig = figure(curve, title, band)
    except ImportError:
        return False
    fig.savefig(path, format="png")
    return True


def _band(value: Any) -> tuple[float, float] | None:
    numbers = [_number(v) for v in value] if isinstance(value, list) and len(value) == 2 else []
    low, high = (numbers + [None, None])[:2]
    return (low, high) if low is not None and high is not None and math.isfinite(low + high) else None


def picture_failures(tests: list[Any], topic: str, folder: Path) -> None:
    """For each failed check of ``topic`` with a training curve (``TestResult`` objects), draw it
    into ``folder`` and name the picture in the message (``grade``'s own run; batch feedback
    draws its own). Nothing happens where matplotlib is not installed."""
    for test in tests:
        curve = clean(test.curve) if test.status == "failed" else None
        if curve is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{topic}.{re.sub(r'[^A-Za-z0-9_.-]+', '_', test.id)}.png"
        if not write_png(curve, path, band=_band(test.curve.get("band"))):
            return
        test.curve = {**test.curve, "picture": str(path)}
        test.message += "\n  " + _("picture of the curve: %(path)s") % {"path": path}
