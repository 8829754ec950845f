"""Synthetic Atlas pages in the real format, for scale tests and benchmarks."""
