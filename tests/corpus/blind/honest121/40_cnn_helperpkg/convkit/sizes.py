def out_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """⌊(n + 2p − k)/s⌋ + 1 in integer arithmetic (exact for any int size)."""
    return (n + 2 * padding - k) // stride + 1
