"""Why a file or network operation failed, in Chinese (the system's own words where we have none)."""
from __future__ import annotations

import errno

REASONS = {
    errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
    errno.EROFS: "是只读的文件系统", errno.ENAMETOOLONG: "文件名太长", errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "路径中有一段是文件而不是文件夹", errno.EISDIR: "是一个文件夹", errno.ENOENT: "路径中的文件夹不存在或无法创建",
    errno.EADDRINUSE: "端口已被占用", errno.EADDRNOTAVAIL: "本机没有这个地址",
}


def reason(exc: OSError) -> str:
    """Why an OSError happened, in Chinese where we know it."""
    return REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
