"""Errors a reader raises: each names the file and says what is wrong with it."""

from __future__ import annotations


class BulletinError(Exception):
    """A bulletin could not be processed; ``stage`` says where, the message says why."""

    stage = "extract"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[BulletinError], tuple[str, str]]:
        # Errors cross process boundaries when ingest runs with --jobs.
        return (self.__class__, (self.path, self.reason))


class EmptyFile(BulletinError):
    """The file has no content."""


class BinaryFile(BulletinError):
    """The file is not text in any supported form."""


class UndecodableFile(BulletinError):
    """The bytes are not valid in any supported encoding."""

    stage = "decode"


class OverlongLine(BulletinError):
    """A line of a text file is longer than any bulletin's (no line breaks, or not text)."""


class TooManyLines(BulletinError):
    """A text file holds more lines than any bulletin (a data dump, a log)."""


class NoTable(BulletinError):
    """The text holds no table this tool can read."""


class UnsupportedFormat(BulletinError):
    """No reader handles this kind of file."""
