"""The verdict: a check's failure and its words, the exercise's verdict, the points, what is shown."""
