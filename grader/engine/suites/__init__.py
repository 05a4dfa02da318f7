"""The suite side: a suite collected in-process, its pytest plugin and lean run, a hand run."""
