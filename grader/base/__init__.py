"""The shared base: a pack's and a course's declarations read, the settings, the messages' language (docs/architecture.md)."""
