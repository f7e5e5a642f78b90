"""Writing files so that a reader never sees half of one, with the permissions of any new file; a write that
fails (full disk, read-only folder) becomes a UserError naming the file and the cause, and leaves the old file."""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from classicnets.errors import UserError

# what an OSError means to someone running a command, and what to do about it
CAUSES = {
    errno.ENOSPC: ("no space left on the device", "free some space and run the command again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space and run the command again"),
    errno.EROFS: ("the file system is read-only", "choose a folder on a writable disk"),
    errno.EACCES: ("permission denied", "choose a folder you may write to"),
    errno.EPERM: ("permission denied", "choose a folder you may write to"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "choose a path made of folders"),
    errno.EISDIR: ("it is a folder", "give a file name"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path"),
}


TEMP_NAME = re.compile(r".+\.[a-z0-9_]{8}\.tmp(\.\w+)?")  # what atomic_save's tempfile.mkstemp names look like


class WriteError(UserError):
    """A file could not be written; `path` names it, `cause` says why (the old file, if any, is untouched)."""

    def __init__(self, path: Path, cause: str, advice: str) -> None:
        super().__init__(f"cannot write {path}: {cause}; {advice}")
        self.path, self.cause = Path(path), cause


def write_error(path: Path, error: OSError) -> WriteError:
    """The WriteError for an OSError raised while writing `path`."""
    cause, advice = CAUSES.get(error.errno or 0, (error.strerror or str(error), "check the path and the disk"))
    return WriteError(path, cause, advice)


@functools.cache  # read once: the umask is process-wide, and setting it briefly must not race other writers
def _umask() -> int:
    """The process's umask (typically 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _new_file_mode() -> int:
    """The mode open() would give a new file under the process's umask (typically 0644)."""
    return 0o666 & ~_umask()


def new_folder_mode() -> int:
    """The mode mkdir would give a new folder under the process's umask (typically 0755)."""
    return 0o777 & ~_umask()


def make_folder(path: Path) -> None:
    """mkdir -p, with a WriteError naming the folder when it cannot be made."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file of that name is in the way
        raise WriteError(path, "a file of that name is in the way", "choose another folder") from None
    except OSError as error:
        raise write_error(path, error) from None


def atomic_save(path: Path, save: Callable[[Path], None]) -> None:
    """Write `path` by `save(temp_path)`, a file beside it with the same suffix (Keras wants `.keras`), then fsync
    it and rename it into place: a reader, or a run killed meanwhile, sees the old file or the new one."""
    path = Path(path)
    make_folder(path.parent)
    try:
        handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=f".tmp{path.suffix}")
    except OSError as error:
        raise write_error(path, error) from None
    os.close(handle)  # created 0600; `save` writes the file by its name
    try:
        save(Path(temp_name))
        with open(temp_name, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temp_name, _new_file_mode())
        os.replace(temp_name, path)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise write_error(path, error) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """atomic_save for writers that take a binary stream (numpy, matplotlib, text)."""

    def save(temp: Path) -> None:
        with open(temp, "wb") as stream:
            write(stream)

    atomic_save(path, save)


def atomic_write_text(path: Path, text: str) -> None:
    """atomic_write for UTF-8 text."""
    atomic_write(path, lambda stream: stream.write(text.encode("utf-8")))


def remove_temp_files(folder: Path) -> list[Path]:
    """Delete the temp files of writes that were killed half-way in `folder`; returns them."""
    leftovers = [path for path in Path(folder).glob("*.tmp*") if TEMP_NAME.fullmatch(path.name) and path.is_file()]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def check_output(path: Path, force: bool, suffixes: tuple[str, ...], flag: str = "--out") -> Path:
    """Check an output file before any work: the right suffix, not a folder, not an existing file unless `force`,
    and a place where it can be made (the nearest existing folder above it)."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise UserError(f"{flag} {path} must end in {' or '.join(suffixes)}")
    if path.is_dir():
        raise UserError(f"{flag} {path} is a folder; give a file name inside it, e.g. {path / ('out' + suffixes[0])}")
    if path.exists() and not force:
        raise UserError(f"{flag} {path} already exists; nothing was written. Add --force to replace it, "
                        f"or choose another {flag}")
    above = path.parent
    while not above.exists() and above != above.parent:
        above = above.parent
    if not above.is_dir():
        raise WriteError(path, f"{above} is a file, not a folder", f"choose another {flag}")
    if os.statvfs(above).f_flag & os.ST_RDONLY:
        raise write_error(path, OSError(errno.EROFS, "read-only"))
    if not os.access(above, os.W_OK | os.X_OK):
        raise write_error(path, OSError(errno.EACCES, "permission denied"))
    return path


def check_writable(folder: Path) -> None:
    """A WriteError unless a file can be made in `folder` (a read-only disk, no permission); leaves nothing."""
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=".classicnets-", suffix=".tmp")
    except OSError as error:
        raise write_error(folder, error) from None
    os.close(handle)
    os.unlink(name)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (one of another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


EXPORT_TEMP_PREFIX = ".tmp-"  # MODELS_DIR/NAME/.tmp-<pid>-<version>-XXXX: an export being written (servers skip it)


def owned_temp_folder(parent: Path, prefix: str, label: str = "") -> Path:
    """A new folder `<prefix><pid>-<label>XXXX` in `parent`, after removing the folders of that prefix that
    processes which have ended left there (killed before they could clean up); a live process's are kept."""
    remove_ended_temp_folders(parent, prefix)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-{label}", dir=parent))


def remove_ended_temp_folders(parent: Path, prefix: str) -> int:
    """Remove the folders `<prefix><pid>-...` in `parent` whose process has ended; returns how many."""
    left = re.compile(re.escape(prefix) + r"(?P<pid>[0-9]+)-[A-Za-z0-9_.-]+")
    removed = 0
    for entry in parent.iterdir() if parent.is_dir() else []:
        found = left.fullmatch(entry.name)
        if found and entry.is_dir() and not entry.is_symlink() and not process_alive(int(found["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


def folder_safe_name(name: str, default: str, keep: str = "-_") -> str:
    """The last part of `name` with every character but letters, digits and `keep` made '_' (`default` when
    empty): a name for a file or folder of classicnets' own."""
    return "".join(c if c.isalnum() or c in keep else "_" for c in Path(name).name or default)
