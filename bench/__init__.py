"""Benchmarks, run by hand (never in CI): see docs/benchmarks.md for the figures."""
