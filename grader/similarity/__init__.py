"""``grade similarity``: which submissions look copied, from each other or from the reference solution, on
source text only (submitted code is parsed, never imported or run); its stages: docs/architecture.md."""
