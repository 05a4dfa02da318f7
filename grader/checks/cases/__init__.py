"""The domain battery's parts: each domain's cases, the walkers, the stored answers, the grid."""
