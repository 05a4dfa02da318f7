"""What the suites import: the check mark, judges, probes, inputs, curves, scoring, data."""
