"""The output folder of one ``acdsim run``: locked, written privately, swapped in as a whole.

A run never writes into its output folder ``DIR`` directly. It

1. takes an exclusive ``flock`` on ``.<name>.acdsim-lock`` beside ``DIR`` (in its parent), so a
   second run into the same folder stops at once with "folder in use by PID N"; the kernel
   drops the lock when the process ends, however it ends (even ``kill -9``);
2. refuses a non-empty ``DIR`` that is not an acdsim output folder (it would be replaced);
3. writes every file into a fresh private sibling ``<name>.acdsim-new-XXXXXXXX`` (``mkdtemp``:
   mode 0700, random name, so no file is ever opened through somebody else's symlink);
4. on success swaps the sibling in (``renameat2(RENAME_EXCHANGE)`` on Linux, else two
   renames), then removes the previous contents.

Taking the lock, creating the sibling, the swap, and the final clean-up (removing the
sibling or the previous contents, then the lock file) run inside ``signals.deferred()``: a
SIGINT, SIGTERM or SIGHUP waits until such a step is complete, so a stopped run leaves
neither the lock file nor a sibling behind.

So ``DIR`` holds either the previous run's files or this run's, never a mixture. The sibling
is the run's one *temporary root*: everything temporary (``--jobs`` parts included) lives in
it, and leaving the ``with`` block without :meth:`OutputFolder.commit` removes it.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from ..errors import ScenarioError
from ..signals import deferred

MANIFEST = "manifest.json"
NEW_TAG = ".acdsim-new-"
OLD_TAG = ".acdsim-old-"

# Names an acdsim run writes without a manifest (older versions; run_scenario called from
# Python): such a folder may be replaced too.
_LEGACY = frozenset({
    "summary.json", "calls.csv", "offers.csv", "agents.csv", "status.csv", "intervals.csv",
    "agent_events.jsonl", "agent_states.csv", "agent_pauses.csv", "intervals_summary.csv", "scenario.yaml",
    "report.html", "report.html.tmp",
})


def is_output_folder(path: Path) -> bool:
    """Whether ``path`` may be replaced by a run: empty, holding a manifest, or holding only
    names an earlier acdsim run writes (its files, PNG plots, leftover ``.part`` files)."""
    names = [p.name for p in path.iterdir()]
    if not names or MANIFEST in names:
        return True
    return all(
        n in _LEGACY or n.endswith(".png") or (n.startswith(".") and n.endswith(".part"))
        or n.startswith(".acdsim-parts-")
        for n in names
    )


class FolderLock:
    """An exclusive ``flock`` on ``parent/.<name>.acdsim-lock``, holding "PID start-time"."""

    def __init__(self, target: Path, shown: str) -> None:
        self.path = target.parent / f".{target.name}.acdsim-lock"
        self.shown = shown
        self.fd = -1

    def acquire(self) -> None:
        for _ in range(20):  # retried only when the file was replaced while we waited
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise ScenarioError.single(
                    self.shown, f"cannot create the lock file {self.path} ({exc.strerror or exc})"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split(maxsplit=1)
                os.close(fd)
                who = (f"PID {holder[0]} (acdsim run started at {holder[1].strip()})"
                       if len(holder) == 2 else "another acdsim run")
                raise ScenarioError.single(self.shown, f"folder in use by {who}") from None
            # The holder before us unlinks the file while still holding it: if ours is no
            # longer the one at the path, lock the new one instead.
            try:
                same = os.stat(self.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                started = dt.datetime.now().astimezone().replace(microsecond=0).isoformat(sep=" ")
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()} {started}\n".encode(), 0)
                return
            os.close(fd)
        raise ScenarioError.single(self.shown, f"cannot lock {self.path} (it keeps being replaced)")

    def release(self) -> None:
        if self.fd < 0:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            self.fd = -1


class OutputFolder:
    """``with OutputFolder(DIR) as folder:`` write into ``folder.staging``, then ``commit()``.

    ``folder.staging`` is the temporary root of the run; it is removed on every way out of the
    block unless committed. ``committed`` tells an interruption message what ``DIR`` holds."""

    def __init__(self, out_dir: Path) -> None:
        self.shown = str(out_dir)
        self.target = Path(os.path.abspath(out_dir))
        if self.target.is_symlink():
            self.target = self.target.resolve()  # swap the folder the link points at, keep the link
        self.lock = FolderLock(self.target, self.shown)
        self.staging = self.target
        self.committed = False
        self.old: Path | None = None  # the previous contents, once swapped out

    def __enter__(self) -> OutputFolder:
        target = self.target
        if target.parent == target:
            raise ScenarioError.single(self.shown, "the root folder cannot be an output folder")
        if Path.cwd().resolve().is_relative_to(target.resolve()):
            raise ScenarioError.single(
                self.shown, "holds the current folder: a run replaces its output folder as a whole, "
                "so run from another folder or choose another -o"
            )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ScenarioError.single(self.shown, f"cannot create the output folder ({exc.strerror or exc})") from None
        with deferred():  # the lock file is known to self.lock once it exists
            self.lock.acquire()
        try:
            self._check_target()
            self._remove_leftovers()
            with deferred():  # the sibling is known to self.staging once it exists
                self.staging = Path(tempfile.mkdtemp(prefix=target.name + NEW_TAG, dir=target.parent))
        except BaseException as exc:
            self.__exit__(None, None, None)  # the sibling, if made (a signal held in its step)
            if isinstance(exc, OSError):
                raise ScenarioError.single(
                    self.shown, f"cannot prepare the output folder ({exc.strerror or exc})"
                ) from None
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        with deferred():  # all of it, also when a signal comes after a successful run
            try:
                if self.old is not None:
                    shutil.rmtree(self.old, ignore_errors=True)
                elif not self.committed and self.staging != self.target:
                    shutil.rmtree(self.staging, ignore_errors=True)
            finally:
                self.lock.release()

    def _check_target(self) -> None:
        t = self.target
        if os.path.lexists(t) and not t.is_dir():
            raise ScenarioError.single(self.shown, "the output folder exists but is not a folder")
        if t.is_dir() and not is_output_folder(t):
            raise ScenarioError.single(
                self.shown, f"is not empty and holds no {MANIFEST}: it is not the folder of an acdsim "
                "run, and a run replaces its output folder as a whole; choose another -o or empty it"
            )

    def _remove_leftovers(self) -> None:
        """Siblings of a run that was killed (we hold the lock: no live run owns them)."""
        prefixes = (self.target.name + NEW_TAG, self.target.name + OLD_TAG)
        for entry in sorted(os.scandir(self.target.parent), key=lambda e: e.name):
            if entry.name.startswith(prefixes) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)

    def commit(self) -> None:
        """Swap the staging folder in as ``DIR``; the previous contents are removed on exit."""
        target, staging = self.target, self.staging
        os.chmod(staging, _folder_mode(target))
        with deferred():  # a stop signal waits until both folders are in place
            if target.is_dir():
                if _exchange(staging, target):
                    self.old = staging
                else:
                    old = staging.with_name(staging.name.replace(NEW_TAG, OLD_TAG))
                    os.rename(target, old)
                    try:
                        os.rename(staging, target)
                    except BaseException:
                        os.rename(old, target)
                        raise
                    self.old = old
            else:
                os.rename(staging, target)
            self.committed = True
        # The previous contents are removed on leaving the ``with`` block, even interrupted.


def _folder_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o777 & ~mask


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with ``renameat2(RENAME_EXCHANGE)``; False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # an old kernel or a file system without the flag: two renames instead
    raise OSError(code, os.strerror(code), str(b))
