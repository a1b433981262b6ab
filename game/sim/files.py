"""Atomic file writes: a temp file in the same folder, then a rename, so a crash never leaves half a file.

Also :func:`set_aside`: a broken file the player's data folder holds is renamed out of the way, not deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


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
        _give_permissions(Path(tmp_name), target)
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


def read_json_file(path: str | os.PathLike[str], what: str, error: type[Exception]) -> Any:
    """Read a JSON file (:func:`read_text_file`); broken JSON is ``error`` saying at which line."""
    text = read_text_file(path, what, error)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"broken JSON at line {exc.lineno}") from None


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


def clean_temp_files(folder: str | os.PathLike[str], target_prefix: str = "") -> list[Path]:
    """Delete the temp files that :func:`atomic_open` left in ``folder`` when its process was killed.

    Only ``.<target>.*.tmp`` files whose target name starts with ``target_prefix`` are deleted (e.g. "ckpt_" for a
    run folder's checkpoints, "base." for one model's files); call it where no other process writes those targets.

    Returns:
        The files deleted.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for path in folder.glob(f".{target_prefix}*.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


@contextlib.contextmanager
def files_together(targets: list[Path]) -> Iterator[dict[Path, Path]]:
    """Write several files that belong together (a model's .zip, .npz and .json): all of them, or none.

    Yields a temp path beside each target to write to. On a clean exit the temp files are renamed over their
    targets in the order given (put the one that readers load first, e.g. the ``.npz``, last); if a rename fails,
    the targets already replaced get their old files back. On an exception every temp file is deleted and the
    targets are untouched. (Only a kill during the renames, microseconds, could leave a mix.)
    """
    targets = [Path(t) for t in targets]
    temps: dict[Path, Path] = {}
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            temps[target] = Path(name)
        yield temps
        for target in targets:
            _fsync(temps[target], target)
        _replace_all(targets, temps)
    finally:
        for temp in temps.values():
            with contextlib.suppress(OSError):
                temp.unlink()


def install_together(sources: dict[Path, Path | None], backup_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Copy files into place together (:func:`files_together`), keeping copies of the files they replace.

    Args:
        sources: Target -> source file, or None for a target to delete (an old file that no longer belongs).
            Targets are replaced in this order.
        backup_dir: Where the replaced and deleted files are copied first (made if needed), or None.

    Returns:
        The backup copies made.
    """
    import shutil

    kept = []
    if backup_dir is not None:
        for target in sources:
            if Path(target).is_file():
                Path(backup_dir).mkdir(parents=True, exist_ok=True)
                kept.append(Path(shutil.copy2(target, Path(backup_dir) / Path(target).name)))
    replace = [Path(t) for t, source in sources.items() if source is not None]
    with files_together(replace) as temps:
        for target in replace:
            shutil.copyfile(sources[target], temps[target])  # type: ignore[arg-type]
    for target, source in sources.items():
        if source is None:
            Path(target).unlink(missing_ok=True)
    return kept


def _fsync(temp: Path, target: Path) -> None:
    """Flush a finished temp file to disk and give it the target's permissions (or the usual ones)."""
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())
    _give_permissions(temp, target)


def _give_permissions(temp: Path, target: Path) -> None:
    """Give a temp file the permissions of the file it replaces, or a new file's usual ones (mkstemp's are private)."""
    try:
        mode_bits = target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode_bits = 0o666 & ~umask
    os.chmod(temp, mode_bits)


def _replace_all(targets: list[Path], temps: dict[Path, Path]) -> None:
    """Rename each temp over its target; on a failure put back the old files of the targets already replaced."""
    import shutil

    olds: dict[Path, Path | None] = {}
    try:
        for target in targets:
            old = None
            if target.exists():
                fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".old.tmp", dir=target.parent)
                os.close(fd)
                old = Path(name)
                try:
                    old.unlink()
                    os.link(target, old)  # a second name for the old file, for a roll-back
                except OSError:
                    shutil.copy2(target, old)
            olds[target] = old
            os.replace(temps[target], target)
    except BaseException:
        for target, old in olds.items():
            with contextlib.suppress(OSError):
                if old is not None:
                    os.replace(old, target)
                else:
                    target.unlink(missing_ok=True)
        raise
    finally:
        for old in olds.values():
            if old is not None:
                with contextlib.suppress(OSError):
                    old.unlink()
