"""Everything that grades (and doctor, which diagnoses its confinement): runs the suites' pytest in a sandboxed worker pool and scores it."""
