"""The benchmark (``python -m grader.bench``): main.py its command and figures list, figures.py
the instructor's figures, learner.py the learner's, anchors.py nbgrader and otter in the same run,
clock.py the wall and CPU of every process a figure starts."""
