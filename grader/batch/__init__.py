"""``grade batch``: a whole class into a gradebook.

``intake`` turns each entry of a submissions folder into one student's submission (or a
rejection with a reason), ``run`` grades them all with the engine, ``gradebook`` keeps the
results in SQLite (the latest row per student and every grading in its history), ``exports``
writes CSV, JSON, feedback and Gradescope files from it.
"""
