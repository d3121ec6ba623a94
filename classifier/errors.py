"""One exception base class with specific subclasses, so callers can catch exactly what they expect."""

from __future__ import annotations


class CleanerError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(CleanerError):
    """The input cannot be read as text or HTML."""


class BinaryInputError(InputError):
    """The input looks like a binary file (image, PDF, archive…), not text."""


class DecodeError(InputError):
    """The input's bytes cannot be decoded to text."""


class InputTooLargeError(InputError):
    """The input exceeds the documented size limit."""


class LabelError(CleanerError):
    """An unknown label name, or a label set that does not match the package's."""


class LabelsFormatError(CleanerError):
    """A labelled-data file has a malformed line; the message says ``file:line: reason``."""


class ModelError(CleanerError):
    """A model file is missing, corrupt, of another format version or inconsistent."""
