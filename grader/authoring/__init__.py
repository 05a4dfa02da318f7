"""Authoring: an exercise's checks proven on mutants of its reference (`grade author`)."""
