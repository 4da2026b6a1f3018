"""Benchmarks of sohoa with their baselines, and the synthetic data they run on (`bench.corpus`)."""
