"""Draw the held-out sets (tests/suites/held_out_<topic>.pt) with a seed nobody keeps.

    python tests/grader/record_held_out.py

Each set is new data drawn from the shipped datasets' classes, so that no file of a release
holds its inputs or its labels: a digit is two shipped images of one class blended, then turned,
scaled, sheared and shifted by a random affine map and quantised to the 17 levels of the digits;
a diabetes row is a random point between two shipped rows of one class, with a little noise.
The seed comes from the operating system and is printed nowhere: a release, which carries this
script, cannot draw the same sets again. Drawing anew changes every student's metric.
"""

from __future__ import annotations

import io
import secrets

import torch
import torch.nn.functional as F

from grader.base.topics import MANIFEST
from grader.checks.judging.data import load_diabetes, load_digits

DIGITS, ROWS = 600, 200


def _pairs(labels: torch.Tensor, n: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
    """(class, first row, second row) of ``n`` draws: a class as often as the data has it, two of its rows."""
    classes = labels[torch.randint(len(labels), (n,), generator=generator)]
    first, second = [], []
    for c in classes.tolist():
        rows = (labels == c).nonzero().flatten()
        pick = rows[torch.randint(len(rows), (2,), generator=generator)]
        first.append(int(pick[0]))
        second.append(int(pick[1]))
    return classes, torch.tensor(first), torch.tensor(second)


def digits(generator: torch.Generator) -> dict[str, torch.Tensor]:
    images, labels = load_digits()
    classes, a, b = _pairs(labels, DIGITS, generator)
    mix = torch.rand(DIGITS, 1, 1, 1, generator=generator) * 0.25 + 0.6
    blended = mix * images[a] + (1 - mix) * images[b]
    angle = (torch.rand(DIGITS, generator=generator) - 0.5) * 0.35  # ±10°
    scale = 0.9 + torch.rand(DIGITS, generator=generator) * 0.2
    shear = (torch.rand(DIGITS, generator=generator) - 0.5) * 0.2
    shift = (torch.rand(DIGITS, 2, generator=generator) - 0.5) * 0.25  # ±half a pixel of 8
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin + shear, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta, list(blended.shape), align_corners=False)
    moved = F.grid_sample(blended, grid, align_corners=False, padding_mode="zeros")
    # the digits' own pixel values, 0 to 16 (held_out_cnn.py scales them as load_digits does)
    return {"inputs": (moved.clamp(0, 1) * 16).round().to(torch.uint8), "labels": classes.long()}


def diabetes(generator: torch.Generator) -> dict[str, torch.Tensor]:
    features, labels = load_diabetes()
    classes, a, b = _pairs(labels.flatten(), ROWS, generator)
    mix = torch.rand(ROWS, 1, generator=generator)
    noise = torch.randn(ROWS, features.shape[1], generator=generator) * 0.03
    rows = (mix * features[a] + (1 - mix) * features[b] + noise).clamp(-1, 1)
    return {"inputs": rows, "labels": classes.reshape(-1, 1).float()}


SETS = {  # HelloRNN learns one word: it has no data to hold out
    "cnn": {"SimpleCNN": digits},
    "mlp": {"DiabetesNet": diabetes, "MLP": digits},
    "inception": {"GoogLeNetMini": digits},
    "resnet": {"SmallResNet": digits},
}


def main() -> None:
    generator = torch.Generator().manual_seed(secrets.randbits(63))  # kept nowhere
    for topic in (t for t in MANIFEST if t.name in SETS):
        drawn = {exercise: draw(generator) for exercise, draw in SETS[topic.name].items()}
        out = io.BytesIO()
        torch.save(drawn, out)
        topic.held_out_data.write_bytes(out.getvalue())
        for exercise, entry in drawn.items():
            print(f"{topic.held_out_data.name}: {exercise} {tuple(entry['inputs'].shape)}")


if __name__ == "__main__":
    main()
