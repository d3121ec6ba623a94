"""The package version, in one place (the model metadata records it too)."""

__version__ = "0.13.0"
