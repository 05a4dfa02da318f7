"""The commented course file ``grade course init`` writes (:func:`example`): the course's own
topics and their exercises (grader/topics.py), the default limits (grader/defaults.py) and two
homeworks; :func:`grader.course.toml.load_course` reads it back (tests/grader/test_course.py)."""

from __future__ import annotations

from grader import defaults
from grader.topics import TOPICS
from grader.topics import exercises as stub_exercises


def _homeworks() -> dict[str, str]:
    """The example's homeworks, from the course's own topics: two topics each (the first four),
    an exercise of the fifth chosen alone and two of the fourth given their own points."""
    first = [TOPICS[i % len(TOPICS)] for i in range(5)]
    alone = f"{first[4]}.{stub_exercises(first[4])[0]}"
    weighed = zip(stub_exercises(first[3]), (15, 10))
    return {
        "hw1": f"{first[0]} and {first[1]}",
        "hw1_topics": f'"{first[0]}", "{first[1]}"',
        "hw2": f"{first[2]} and {first[3]}",
        "hw2_topics": f'"{first[2]}", "{first[3]}"',
        "alone": alone,
        "pad": " " * max(1, 31 - len(f'# exercises = ["{alone}"]')),  # the comments' column
        "weighed": "\n".join(f'"{first[3]}.{name}" = {points}' for name, points in weighed),
    }


def example() -> str:
    """The commented course file ``grade course init`` writes: the topics and their exercises
    (grader/topics.py), the default limits (grader/defaults.py) and two homeworks."""
    topics = "\n".join(f"#   {t}: {', '.join(stub_exercises(t))}" for t in TOPICS)
    return EXAMPLE.format(
        topics=topics,
        **_homeworks(),
        timeout=defaults.PROBE_TIMEOUT,
        memory_mb=defaults.MEMORY_MB,
        budget=defaults.SUBMISSION_BUDGET,
    )


EXAMPLE = """\
# course.toml: one file that says what the course is (read by `grade batch --course`,
# `grade release`, `grade gradescope` and `grade notebooks`; a flag on the command line wins).
# Its topics and their exercises (write an exercise as topic.exercise):
{topics}

[course]
name = "Deep learning with PyTorch"
# seed = "change-me"          # hidden checks draw each student's own inputs (--course-seed)
# roster = "roster.csv"        # the LMS's class list, beside this file (--roster)
timezone = "Europe/Berlin"     # due dates without an offset are in this zone
# language = "zh_CN"           # the release's, Gradescope zip's and batch feedback's messages (an
                               # assignment's own `language` wins; a learner's --lang or locale too)
# packs = ["packs/attention"]  # your own topics, each a folder (`grade author new`, docs/authors.md);
                               # relative to this file (the checkout's, or one given with --course)

[limits]                       # as --timeout, --memory and --budget (these are the defaults)
timeout = {timeout}
memory_mb = {memory_mb}
budget = {budget}

[assignments.hw1]
title = "Homework 1: {hw1}"
topics = [{hw1_topics}]
points = 100                   # spread equally over the exercises not listed below
due = "2026-10-07 23:59"
lms_column = "Homework 1"
late = {{ policy = "per_day", penalty = 10, cap = 50, grace_minutes = 15 }}

[assignments.hw2]
title = "Homework 2: {hw2}"
topics = [{hw2_topics}]
# exercises = ["{alone}"]{pad}# single exercises, beside or instead of whole topics
points = 100
due = "2026-10-14 23:59"
lms_column = "Homework 2"
excused = []                   # excused students (Canvas: EX), by any name the LMS uses
twin = "zero"                  # an exercise calling a function its docstring puts off limits
                               # earns nothing; "half": half its points; "check": only the
                               # checks that saw the call fail
# times = "hw2-times.csv"      # student,submitted_at, where the LMS's files do not say (--times)
anonymous = false              # true: marking in the browser names no student (a pseudonym
                               # each) until set false again, once the marks are released

[assignments.hw2.exercise_points]   # these exercises' points; the rest share what is left
{weighed}

# [assignments.hw2.manual.explain]  # graded by a person (`grade batch mark`), inside the points:
# title = "Why does Adam need bias correction?"          # the exercises share what is left
# heading = "Question 1"  # in a notebook, the cells under this heading answer it (default: the
#                         # title), or the cells tagged "explain" (tag = ..., default: the id)
# points = 20
# rubric = [{{ id = "moments", points = 10, text = "names the zero-initialised moments" }},
#           {{ id = "early", points = 10, text = "says the first steps are too small" }}]

[assignments.hw2.kind_weights]      # how an exercise's points spread over its checks
shape = 1
gradient = 1
convergence = 3
device = 1

[assignments.hw2.late]
policy = "per_hour"            # none, per_day, per_hour or not_accepted
penalty = 2                    # percent per started hour
cap = 40                       # percent at most
grace_minutes = 10

# [assignments.hw2.submissions]  # graded submissions (each optional): one over a limit is not
# max_submissions = 20           # graded, the last graded score stands and the student is told
# per_day = 3                    # when the next one counts (grade batch: max_submissions of an
# cooldown_minutes = 30          # LMS's numbered uploads; Gradescope: all three)

# [[assignments.hw2.leaderboard]]  # an exercise's metric on its held-out set, ranked (no points):
# exercise = "Net"                 # `grade batch leaderboard`, and Gradescope's leaderboard
# metric = "accuracy"              # the default, as the held-out set declares it
# order = "desc"                   # desc: higher ranks first; asc: lower
# name = "Digits accuracy"         # the column's title (default: "Net accuracy")

[assignments.hw2.extensions]   # a student's own due time (id, login, email or full name)
# "jsmith" = "2026-10-16 23:59"
# "Liskov, Barbara" = "2026-10-17 12:00"
"""
