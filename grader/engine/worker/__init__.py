"""The worker side: the sandbox, the zygote's workers, a topic's session with them, the pool."""
