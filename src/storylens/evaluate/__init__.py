"""Evaluation: metrics and dataset readers for measuring storylens on public data."""
