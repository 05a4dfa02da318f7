"""``python -m grader.gradescope run|harden``: the autograder inside Gradescope's container."""

import sys

from grader.gradescope.run import main

sys.exit(main())
