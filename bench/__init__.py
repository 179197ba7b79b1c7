"""Benchmarks (`make bench`). They print figures; nothing here asserts timings."""
