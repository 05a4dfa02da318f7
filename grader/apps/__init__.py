"""Workflows built on the engine: watch, release, hand-outs, self-check, benchmark."""
