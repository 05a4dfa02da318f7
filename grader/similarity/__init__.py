"""``grade similarity``: which submissions look copied, from each other or from the reference solution.

sources (the class as ``grade batch`` reads it) → normalise (an exercise's syntax tree as
tokens) → fingerprint (k-grams, winnowing) → compare (subtract the stub, weigh down what the
class shares; score and flag every pair and every student against the reference) → report
(CSV, HTML, clusters, a summary). Everything runs in the trusted process on source text:
submitted code is parsed, never imported or run.
"""
