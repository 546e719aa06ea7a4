"""Writing a unit's outputs: all of them or none. Each file goes to a temporary beside its target and is
synced; only when every one is written are they renamed into place, so a full disk, a read-only folder or
an output path under a file leaves the previous outputs as they were. Problems are said in Chinese.
write_atomic writes one file the same way and leaves its OSError to the caller."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .os_errors import reason


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (os.umask can only set it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1], 8) for line in fh if line.startswith("Umask:"))
    except (OSError, StopIteration):
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file: outputs are as readable as the user's files


class OutputError(Exception):
    """An output that cannot be written; the message names the path and the reason, in Chinese."""

    def __init__(self, path: Path, exc: OSError):
        self.path = path
        self.reason = reason(exc)
        super().__init__(f"无法写入 {path}：{self.reason}")


def write_all(files: Sequence[tuple[Path, bytes | Iterable[bytes]]]) -> None:
    """Write every (path, data), atomically as a set; data may come in pieces. Raises OutputError."""
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            try:
                fd, tmp = _temporary(path)
            except OSError as exc:
                raise OutputError(path.parent, exc) from None
            written.append((tmp, path))
            try:
                _fill(fd, data)
            except OSError as exc:
                raise OutputError(path, exc) from None
        for tmp, path in written:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(path, exc) from None
    finally:
        for tmp, _ in written:
            Path(tmp).unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it; the file gets FILE_MODE."""
    fd, tmp = _temporary(path)
    try:
        _fill(fd, data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside `path`, its folder made first: (descriptor, name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=".~" + path.name[:40], suffix=".part", dir=path.parent)


def _fill(fd: int, data: bytes | Iterable[bytes]) -> None:
    """Write `data` to a temporary file from _temporary, with FILE_MODE, and sync it to disk."""
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)  # mkstemp makes it 0600
        fh.writelines([data] if isinstance(data, bytes) else data)
        fh.flush()
        os.fsync(fh.fileno())
