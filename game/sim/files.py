"""Atomic file writes: a temp file in the same folder, then a rename, so a crash never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temp file beside ``path``; on a clean exit rename it over ``path``, on an exception delete it.

    Args:
        path: The file to write.
        mode: "w" for text or "wb" for bytes.
        encoding: Text encoding (ignored for bytes).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:  # keep the old file's permissions; a new file gets the usual ones (mkstemp makes it private)
            mode_bits = target.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode_bits = 0o666 & ~umask
        os.chmod(tmp_name, mode_bits)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write text to ``path`` atomically."""
    with atomic_open(path, "w") as handle:
        handle.write(text)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes to ``path`` atomically."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def read_text_file(path: str | os.PathLike[str], what: str, error: type[Exception]) -> str:
    """Read a UTF-8 text file, turning every failure into ``error`` with a message that names the file.

    Args:
        path: The file.
        what: What the file should be, for the message ("track file", "circuit file", ...).
        error: Exception class to raise.
    """
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the file ({exc})") from None


def set_aside(path: str | os.PathLike[str]) -> Path | None:
    """Rename a file that could not be read to ``<name>.bak`` (``<name>.bak.1``, ... if taken), never overwriting.

    Returns:
        The new path, or None when the file could not be moved (it is then left where it is).
    """
    path = Path(path)
    for n in range(100):
        backup = path.with_name(f"{path.name}.bak" + (f".{n}" if n else ""))
        if backup.exists():
            continue
        try:
            os.link(path, backup)  # unlike a rename, never replaces a backup made meanwhile
        except FileExistsError:
            continue
        except OSError:  # no hard links here (or no such file): a plain rename
            try:
                os.rename(path, backup)
            except OSError:
                return None
            return backup
        try:
            os.unlink(path)
        except OSError:
            return None
        return backup
    return None
