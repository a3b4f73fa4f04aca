"""Synthetic but realistic station data for demos, training, reports and benchmarks."""
