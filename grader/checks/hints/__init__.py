"""The hint makers: what a wrong answer's values, shape, dtype or raise say of its cause."""
