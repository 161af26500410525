"""Image files on disk: under IMAGING_STORAGE_DIR (outside any static or media root), under
random names the server makes, readable by the server's user only. Paths in the database are
relative to the directory, so it can move."""

import os
import secrets
from pathlib import Path

from django.conf import settings

KINDS = ("originals", "display", "thumbnails")


def root() -> Path:
    return Path(settings.IMAGING_STORAGE_DIR)


def absolute(relative: str) -> Path:
    path = (root() / relative).resolve()
    if root().resolve() not in path.parents:
        raise ValueError("outside the image store")
    return path


def _new_name(kind: str, suffix: str) -> str:
    assert kind in KINDS
    directory = root() / kind
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return f"{kind}/{secrets.token_hex(16)}{suffix}"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def store_upload(file, *, max_bytes: int) -> tuple[str, int]:
    """Copy an uploaded file into the store and fsync it (the caller is told "received" only
    when it is on disk). Returns (relative path, size); ValueError when it grew past
    max_bytes on the way."""
    relative = _new_name("originals", ".bin")
    path = absolute(relative)
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            file.seek(0)
            for chunk in file.chunks():
                size += len(chunk)
                if size > max_bytes:
                    raise ValueError("too large")
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return relative, size


def store_bytes(kind: str, data: bytes, suffix: str = ".jpg") -> str:
    relative = _new_name(kind, suffix)
    path = absolute(relative)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return relative


def remove(*relatives: str) -> None:
    for relative in relatives:
        if relative:
            absolute(relative).unlink(missing_ok=True)
