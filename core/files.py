"""Files the product keeps for itself (the embedded shape's SQLite database and secret key, the
development SMS outbox): readable by the product's own user only, as the caller's images are
(imaging/storage.py). Standard library only: the settings use it before Django is set up."""

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path, *, ours: bool = False) -> Path:
    """Create the directory `path` (and its parents) 0700. An existing one is tightened only
    when it is `ours` (the var directory): SQLITE_PATH may point into a shared one like /tmp."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if ours:
        _tighten(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create the file `path` empty and 0600, or take group's and others' access away from one
    of ours that was made before this rule (0644 by the umask)."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    except FileExistsError:
        _tighten(path, PRIVATE_FILE_MODE)
    return path


def _tighten(path: Path, mode: int) -> None:
    status = path.stat()
    if status.st_uid == os.getuid() and status.st_mode & 0o777 & ~mode:
        path.chmod(status.st_mode & 0o777 & mode)
