"""What a suite calls besides the probes and inputs: the check mark, the judges, a classifier's
outputs, training curves and the shipped datasets (suites reach them through the façade)."""
