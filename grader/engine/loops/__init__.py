"""The loop reader: which values a vectorised exercise's code iterates over, followed from its inputs through the learner's files."""
