"""What a suite calls besides probes and inputs: the mark, the judges, outputs, curves, datasets."""
