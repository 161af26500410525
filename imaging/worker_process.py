"""The worker process's side of image decoding (`python -m imaging.worker_process`, started
and fed by imaging/worker.py's pool): it caps its own address space, then reads requests from
stdin, decodes each image with imaging.processing and answers on stdout.

The wire format, both ways: a frame header (4-byte big-endian length), a JSON header of that
length, then for a processed image the display JPEG's and the thumbnail's bytes. Nothing is
pickled: a decoder exploited by a crafted image could write anything into the pipe, and the
parent trusts only what it checks.

Kept apart from the pool so that the memory-limited process runs only this code and the
decoder.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
import time

from imaging.processing import ImageRejected, Limits

FRAME_HEADER = struct.Struct(">I")

_START_RSS_KB: int | None = None


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets VmHWM, the peak resident set size
        return True
    except OSError:
        return False


def _limit_memory(memory_mb: int) -> None:
    import resource

    baseline_kb = _status_kb("VmSize") or 0
    limit = baseline_kb * 1024 + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:  # no core dumps of a crashed decoder (they would hold the caller's picture)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):  # pragma: no cover
        pass


def _handle(request: dict) -> tuple[dict, bytes]:
    from imaging.processing import image_bytes_process

    limits = Limits(**request["limits"])
    measure = bool(request.get("measure"))
    stats: dict = {}
    if measure:
        stats["start_rss_kb"] = _START_RSS_KB
        stats["rss_before_kb"] = _status_kb("VmRSS")
        stats["peak_reset"] = _reset_peak()
        cpu0 = time.process_time()
    try:
        with open(request["path"], "rb") as upload:
            data = upload.read(limits.max_upload_bytes + 1)
        image = image_bytes_process(data, limits)
        del data
    except ImageRejected as rejected:
        header, body = {"ok": False, "code": rejected.code}, b""
    except MemoryError:
        header, body = {"ok": False, "code": "memory"}, b""
    except OSError:  # the file could not be read
        header, body = {"ok": False, "code": "decode"}, b""
    else:
        header = {
            "ok": True, "display_len": len(image.display), "thumb_len": len(image.thumbnail),
            "display_width": image.display_width, "display_height": image.display_height,
            "thumb_width": image.thumb_width, "thumb_height": image.thumb_height,
            "source_format": image.source_format,
        }
        body = image.display + image.thumbnail
    if measure:
        stats["peak_rss_kb"] = _status_kb("VmHWM")
        stats["cpu_ms"] = round((time.process_time() - cpu0) * 1000, 2)
        header["stats"] = stats
    header["rss_kb"] = _status_kb("VmRSS")
    return header, body


def _send(out, header: dict, body: bytes = b"") -> None:
    raw = json.dumps(header).encode()
    out.write(FRAME_HEADER.pack(len(raw)) + raw)
    if body:
        out.write(body)
    out.flush()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="imaging worker (internal)")
    parser.add_argument("--memory-mb", type=int, required=True)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The protocol gets private copies of stdin/stdout; whatever a library prints goes to stderr.
    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    import imaging.processing as processing

    processing.IN_WORKER = True  # rejection messages are made by the parent
    _limit_memory(args.memory_mb)
    global _START_RSS_KB
    _START_RSS_KB = _status_kb("VmRSS")
    _send(out, {"ready": True, "pid": os.getpid(), "rss_kb": _START_RSS_KB})
    while True:
        raw = inp.read(FRAME_HEADER.size)
        if len(raw) < FRAME_HEADER.size:
            return 0
        (length,) = FRAME_HEADER.unpack(raw)
        message = b""
        while len(message) < length:
            chunk = inp.read(length - len(message))
            if not chunk:
                return 0
            message += chunk
        try:
            header, body = _handle(json.loads(message))
        except MemoryError:
            header, body = {"ok": False, "code": "memory"}, b""
        _send(out, header, body)


if __name__ == "__main__":
    sys.exit(main())
