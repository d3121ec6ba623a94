"""Corpus building, training of the bundled model, evaluation and benchmarks (not installed with the package)."""
