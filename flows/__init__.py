"""Composition of all stages (compose.py) and the batch flows built on it."""
