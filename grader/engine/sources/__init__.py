"""A submission's sources read once: one parse per process, notebooks and their cells' Python."""
