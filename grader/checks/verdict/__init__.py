"""The verdict: a check's failure and its words, what a call left untouched, the exercise's
verdict, the points, and what a student is shown of them."""
