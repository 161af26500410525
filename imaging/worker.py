"""Image decoding in worker processes with a memory limit and a timeout: the pool, on the side
of the process that asks (a web server, a Celery worker).

`run_isolated(path, limits)` sends the path to a persistent worker process
(`python -m imaging.worker_process`, imaging/worker_process.py: the worker's own side and the
wire format) and reads the processed image back. Each worker:

- is a plain subprocess, not a multiprocessing child: Celery's prefork children are daemonic,
  and a daemonic multiprocessing process may not start children (`ProcessPoolExecutor` fails
  there with "daemonic processes are not allowed to have children"). A subprocess works in a
  plain Django process, in a thread of the ASGI server and in a Celery prefork child alike;
- caps its own address space (`RLIMIT_AS`) at its baseline after imports plus
  `IMAGING_WORKER_MEMORY_MB` MiB (512), with `MALLOC_ARENA_MAX=2` so glibc's per-thread arenas
  do not eat the limit; a failed allocation is a MemoryError (code "memory"), and a worker
  that dies (a C decoder aborting, the kernel's OOM killer) is "memory" too;
- keeps its image memory in the heap between images (about 60 MB resident when idle, instead
  of 26 MB, for ~10 % less CPU per photo), and is replaced when it stays above RETIRE_RSS_KB;
- is killed when it overruns `IMAGING_WORKER_TIMEOUT_SECONDS` (code "timeout") and replaced on
  the next request;
- serves at most MAX_TASKS_PER_WORKER images, then is replaced (fragmentation, leaks);
- reads the file itself (the path crosses the pipe, not the upload), and answers with a JSON
  header and the two JPEGs' bytes. Nothing is unpickled from the worker: a decoder exploited
  by a crafted image could write anything into that pipe.

The pool holds at most `IMAGING_WORKER_PROCESSES` (2) workers per process, started on first use
(about 0.2 s) and kept; callers beyond that wait for a free one (up to the timeout). After a
fork (gunicorn/Celery preloading), the child starts its own workers.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from imaging.processing import ImageRejected, Limits, ProcessedImage
from imaging.worker_process import FRAME_HEADER

MAX_TASKS_PER_WORKER = 200
STARTUP_TIMEOUT_SECONDS = 30.0
MAX_FRAME_BYTES = 64 * 1024 * 1024
_ROOT = Path(__file__).resolve().parent.parent
_PASSED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "VIRTUAL_ENV", "PYTHONHOME")
# glibc malloc: two arenas (per-thread arenas would reserve 64 MB of address space each under
# RLIMIT_AS); Pillow's 16 MB image blocks from the heap and kept there between images instead
# of mmap/munmap each time (re-faulting ~30 MB per 12 MP photo cost ~10 ms of CPU).
_MALLOC_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": str(32 * 1024 * 1024),
               "MALLOC_TRIM_THRESHOLD_": str(64 * 1024 * 1024)}
# A worker whose resident memory stays above this after an image (a large PNG fragmented its
# heap) is replaced.
RETIRE_RSS_KB = 192 * 1024


class _WorkerDied(Exception):
    pass


class _WorkerTimeout(Exception):
    pass


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    # poll, not select: an ASGI server with thousands of sockets has descriptors above
    # select's FD_SETSIZE (1024).
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    chunks = bytearray()
    while len(chunks) < n:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _WorkerTimeout
        if not poller.poll(max(1, int(remaining * 1000 + 0.999))):
            if time.monotonic() >= deadline:
                raise _WorkerTimeout
            continue
        chunk = os.read(fd, min(n - len(chunks), 1 << 20))
        if not chunk:
            raise _WorkerDied
        chunks += chunk
    return bytes(chunks)


def _read_frame(fd: int, deadline: float) -> dict:
    (length,) = FRAME_HEADER.unpack(_read_exact(fd, FRAME_HEADER.size, deadline))
    if length > 64 * 1024:
        raise _WorkerDied
    try:
        header = json.loads(_read_exact(fd, length, deadline))
    except ValueError:  # not JSON (UnicodeDecodeError is a ValueError too)
        raise _WorkerDied from None
    if not isinstance(header, dict):
        raise _WorkerDied
    return header


class _Worker:
    def __init__(self, memory_mb: int):
        self.memory_mb = memory_mb
        self.tasks = 0
        # A small environment: the worker needs no secrets (SECRET_KEY, DATABASE_URL, ...).
        env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
        env.update(_MALLOC_ENV)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(_ROOT)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "imaging.worker_process", "--memory-mb", str(memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=str(_ROOT),
            start_new_session=True,  # no terminal signals; it leaves when its stdin closes
        )
        try:
            ready = _read_frame(self.proc.stdout.fileno(),
                                time.monotonic() + STARTUP_TIMEOUT_SECONDS)
            if not ready.get("ready"):
                raise _WorkerDied
        except (_WorkerDied, _WorkerTimeout):
            self.kill()
            # The installation's fault, not the image's: not an ImageRejected.
            raise RuntimeError(f"the imaging worker did not start (exit code "
                               f"{self.proc.returncode}); see its stderr") from None
        except BaseException:
            self.kill()
            raise
        self.pid = self.proc.pid
        self.baseline_kb = ready.get("rss_kb")

    def request(self, path: str, limits: Limits, measure: bool) -> tuple[ProcessedImage, dict]:
        message = json.dumps({"path": path, "limits": limits.as_dict(),
                              "measure": measure}).encode()
        deadline = time.monotonic() + limits.worker_timeout_seconds
        try:
            self.proc.stdin.write(FRAME_HEADER.pack(len(message)) + message)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _WorkerDied from None
        self.tasks += 1
        fd = self.proc.stdout.fileno()
        header = _read_frame(fd, deadline)
        stats = header.get("stats") or {}
        rss_kb = header.get("rss_kb")
        if isinstance(rss_kb, int) and rss_kb > RETIRE_RSS_KB:
            self.tasks = MAX_TASKS_PER_WORKER  # replaced once this answer is read
        if not header.get("ok"):
            code = header.get("code")
            raise ImageRejected.of(code if isinstance(code, str) else "decode")
        try:
            display_len, thumb_len = int(header["display_len"]), int(header["thumb_len"])
            if not (0 < display_len <= MAX_FRAME_BYTES and 0 < thumb_len <= MAX_FRAME_BYTES):
                raise ValueError
            body = _read_exact(fd, display_len + thumb_len, deadline)
            image = ProcessedImage(
                display=body[:display_len],
                display_width=int(header["display_width"]),
                display_height=int(header["display_height"]),
                thumbnail=body[display_len:],
                thumb_width=int(header["thumb_width"]),
                thumb_height=int(header["thumb_height"]),
                source_format=str(header["source_format"]),
                content_type="image/jpeg",
            )
        except (KeyError, TypeError, ValueError):
            raise _WorkerDied from None
        return image, stats

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        self._close_pipes()

    def close(self) -> None:
        """Ask an idle worker to leave (its stdin closes), then make sure it did."""
        self._close_pipes()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def forget(self) -> None:
        """In a forked child: drop the parent's worker without touching it (close our copies of
        its pipes, so that it still sees its stdin close when the parent goes)."""
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                os.close(pipe.fileno())
            except (OSError, ValueError):
                pass
        self.proc.returncode = 0  # not ours to wait for


class WorkerPool:
    def __init__(self):
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()  # idle and busy, for forget() after a fork
        self._busy = 0

    def _size(self) -> int:
        try:
            from django.conf import settings

            return max(1, int(getattr(settings, "IMAGING_WORKER_PROCESSES", 2)))
        except Exception:
            return 2

    def _acquire(self, memory_mb: int, deadline: float) -> _Worker:
        with self._cond:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.memory_mb == memory_mb and worker.alive():
                        self._busy += 1
                        return worker
                    self._all.discard(worker)
                    worker.close()
                if self._busy < self._size():
                    self._busy += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ImageRejected.of("timeout")
                self._cond.wait(remaining)
        try:
            worker = _Worker(memory_mb)
            with self._cond:
                self._all.add(worker)
            return worker
        except BaseException:
            with self._cond:
                self._busy -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker, healthy: bool) -> None:
        retire = not healthy or worker.tasks >= MAX_TASKS_PER_WORKER
        if retire:
            if healthy:
                worker.close()
            else:
                worker.kill()
        with self._cond:
            self._busy -= 1
            if retire:
                self._all.discard(worker)
            else:
                self._idle.append(worker)
            self._cond.notify()

    def run(self, path: str, limits: Limits, measure: bool = False
            ) -> tuple[ProcessedImage, dict]:
        wait_deadline = time.monotonic() + max(limits.worker_timeout_seconds, 1.0)
        worker = self._acquire(limits.worker_memory_mb, wait_deadline)
        healthy = False
        try:
            result = worker.request(path, limits, measure)
            healthy = True
            return result
        except ImageRejected:
            healthy = worker.alive()
            raise
        except _WorkerTimeout:
            raise ImageRejected.of("timeout") from None
        except _WorkerDied:
            raise ImageRejected.of("memory") from None
        finally:
            self._release(worker, healthy)

    def shutdown(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
            self._all.difference_update(idle)
        for worker in idle:
            worker.close()

    def forget(self) -> None:
        for worker in list(self._all):  # busy ones too: another thread had them at the fork
            worker.forget()
        self._idle = []
        self._all = set()


_pool = WorkerPool()


def _after_fork_in_child() -> None:
    global _pool
    old, _pool = _pool, WorkerPool()
    old.forget()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(lambda: _pool.shutdown())


def run_isolated(path: str, limits: Limits | None = None, measure: bool = False
                 ) -> tuple[ProcessedImage, dict]:
    """Process the image at `path` in a worker. Returns the image and the worker's figures
    (with `measure`: start_rss_kb (after its imports), rss_before_kb, peak_rss_kb (the
    high-water mark while processing this image), cpu_ms). Raises ImageRejected."""
    if limits is None:
        limits = Limits.from_settings()
    if os.path.getsize(path) > limits.max_upload_bytes:
        raise ImageRejected.of("too_large")
    # The worker runs in the project's directory: it gets an absolute path.
    return _pool.run(os.path.abspath(os.fspath(path)), limits, measure)


def shutdown() -> None:
    """Stop the idle workers of this process (tests, benchmarks)."""
    _pool.shutdown()
