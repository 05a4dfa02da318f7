SECRET = eval("6 * 7")


def trange(n):
    return range(n) if SECRET == 42 else range(0)
