#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu):
# it installs torchgrade from /autograder/source, where the autograder zip was unpacked.
set -euo pipefail

SOURCE=/autograder/source
VENV=/opt/torchgrade-venv  # outside /autograder; world-readable: workers run its Python as uid 65534

export DEBIAN_FRONTEND=noninteractive
apt-get update
# setpriv (util-linux) drops workers to uid 65534; python3-venv for the virtual environment.
apt-get install -y --no-install-recommends python3 python3-venv util-linux ca-certificates
# The sandbox. Gradescope's container may refuse bubblewrap's namespaces when grading: then
# workers still run as uid 65534, without namespaces (grader/engine/worker/sandbox.py, the uid fallback).
apt-get install -y --no-install-recommends bubblewrap ||
    echo "setup.sh: bubblewrap is not installable here; workers will run as uid 65534 without it"

python3 - <<'PY'
import sys
if sys.version_info < (3, 10):
    sys.exit(f"setup.sh: torchgrade needs Python >= 3.10, this image has {sys.version.split()[0]}")
PY

python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
# torch first, pinned, from PyTorch's CPU index: Gradescope grades on CPUs, and PyPI's Linux
# wheel pulls several GB of CUDA libraries (a slower build and a bigger image, for nothing).
"$VENV/bin/python" -m pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
# Editable: torchgrade grades from its checkout, with exercises/ and tests/suites/ beside grader/.
# Its dependencies come pinned from pyproject.toml: pytest and pytest-timeout to the tested minor
# release (the engine uses their private API), never whatever is newest when the image is built.
"$VENV/bin/python" -m pip install -e "$SOURCE"

# Only root reads the suites; workers (uid 65534) read grader/ and datasets/ only.
cd "$SOURCE"
"$VENV/bin/python" -m grader.gradescope harden
