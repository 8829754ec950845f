"""``make bench``: the scale benchmarks of docs/benchmarks.md (never part of the test suite)."""
