"""Writing a unit's outputs: all of them or none. Each file goes to a temporary beside its target and is
synced; only when every one is written are they renamed into place, so a full disk, a read-only folder or
an output path under a file leaves the previous outputs as they were. Problems are said in Chinese."""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .render.package import FILE_MODE

REASONS = {
    errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
    errno.EROFS: "是只读的文件系统", errno.ENAMETOOLONG: "文件名太长", errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "路径中有一段是文件而不是文件夹", errno.EISDIR: "是一个文件夹",
}


class OutputError(Exception):
    """An output that cannot be written; the message names the path and the reason, in Chinese."""

    def __init__(self, path: Path, exc: OSError):
        self.path = path
        self.reason = REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
        super().__init__(f"无法写入 {path}：{self.reason}")


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write every (path, data), atomically as a set. Raises OutputError."""
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".~" + path.name[:40], suffix=".part", dir=path.parent)
            except OSError as exc:
                raise OutputError(path.parent, exc) from None
            written.append((tmp, path))
            try:
                with os.fdopen(fd, "wb") as fh:
                    os.fchmod(fh.fileno(), FILE_MODE)  # mkstemp makes it 0600
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
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
