"""Helpers shared by the tests: paths, the CLI runner, and the Discord double."""
