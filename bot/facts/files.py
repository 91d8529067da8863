"""Read the knowledge files safely: regular files only, each read once, problems as messages.

A knowledge folder is edited by people and mounted into containers, so anything can be
there: a symbolic link to a system file, a directory, a file saved in the wrong encoding,
a file the bot may not read. Each of these becomes a :class:`FileProblem` with a line
number (0 when the problem is the file itself), never a traceback.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

MAX_FILE_BYTES = 50 * 1024 * 1024
MISSING = b"<missing>"
UNREADABLE = b"<unreadable>"


class FileProblem(Exception):
    """A knowledge file that cannot be used; ``line`` is 0 when the problem is the whole file."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


def _refuse_non_regular(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise FileProblem(0, "is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise FileProblem(0, "is not a regular file")


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; symbolic links, directories, devices and pipes are refused."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileProblem(0, "file is missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise FileProblem(0, "is a symbolic link; knowledge files must be regular files") from None
        if exc.errno == errno.EISDIR:
            raise FileProblem(0, "is a directory, not a file") from None
        raise FileProblem(0, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        _refuse_non_regular(info.st_mode)
        if info.st_size > MAX_FILE_BYTES:
            raise FileProblem(0, f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise FileProblem(0, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def decode(data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark is dropped); a bad byte is reported with its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(
            line, f"not valid UTF-8 (byte {exc.start + 1}: {exc.reason}); save the file as UTF-8"
        ) from None


def snapshot(directory: Path, names: Iterable[str]) -> dict[str, bytes]:
    """Each file's bytes, or a marker for a missing or unreadable one; never raises."""
    out: dict[str, bytes] = {}
    for name in names:
        try:
            out[name] = read_bytes(directory / name)
        except FileProblem as problem:
            out[name] = MISSING if problem.message == "file is missing" else UNREADABLE
    return out


def digest(contents: Mapping[str, bytes], names: Iterable[str]) -> str:
    """SHA-256 over the names and bytes of the files, in the order of ``names``."""
    hashed = hashlib.sha256()
    for name in names:
        hashed.update(name.encode())
        hashed.update(contents.get(name, MISSING))
    return hashed.hexdigest()
