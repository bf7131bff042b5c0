"""Peak memory of one large streamed file upload (and its download).

    .venv/bin/python -m bench.upload_memory                 # 200 MB through a real server, local files
    .venv/bin/python -m bench.upload_memory --gridfs        # the GridFS adapter alone, writes discarded

Server mode starts `parse-clone serve` (SQLite, local files directory) in a subprocess, warms it
up with a small upload, resets the kernel's peak-RSS mark (/proc/PID/clear_refs), streams SIZE
MB generated on the fly (chunked transfer), then reads the server's peak RSS (VmHWM). The figure
that matters is peak minus the RSS before the upload: it must stay a few MB, whatever SIZE is.

GridFS mode feeds SIZE MB to GridFSAdapter.create over a stand-in database that drops what it
is given (no MongoDB server can run here) and reports tracemalloc's peak: the adapter's own
buffering.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

MB = 1024 * 1024
PIECE = 256 * 1024


async def generated(size: int, digest: Any) -> AsyncIterator[bytes]:
    """SIZE bytes made up on the fly (never all in memory on the client either)."""
    for i in range(size // PIECE):
        chunk = i.to_bytes(8, "big") * (PIECE // 8)
        digest.update(chunk)
        yield chunk


def _status(pid: int) -> dict[str, int]:
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
    return out


def _reset_peak(pid: int) -> None:
    with open(f"/proc/{pid}/clear_refs", "w") as fh:
        fh.write("5")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(work: str, port: int, size_mb: int) -> subprocess.Popen[bytes]:
    """`parse-clone serve` on SQLite with local files, public upload on; waits for /health."""
    base = f"http://127.0.0.1:{port}/1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "parse_clone", "serve", "--port", str(port), "--mountPath", "/1",
         "--appId", "bench", "--masterKey", "bench", "--databaseURI", f"sqlite:///{work}/db.sqlite3",
         "--maxUploadSize", f"{size_mb + 10}mb", "--fileUpload", '{"enableForPublic": true}',
         "--serverURL", base, "--no-schema", "--no-cloud", "--logLevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not come up")


async def _transfer(base: str, pid: int, size_mb: int) -> dict[str, Any]:
    headers = {"X-Parse-Application-Id": "bench", "Content-Type": "application/octet-stream"}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/files/warmup.bin", data=b"w" * MB, headers=headers) as r:
            assert r.status == 201, await r.text()
        before = _status(pid)
        _reset_peak(pid)
        sent = hashlib.sha256()
        started = time.perf_counter()
        async with http.post(f"{base}/files/big.bin", data=generated(size_mb * MB, sent), headers=headers) as r:
            saved = await r.json()
            assert r.status == 201, saved
        upload_s = time.perf_counter() - started
        after_upload = _status(pid)
        _reset_peak(pid)
        got = hashlib.sha256()
        async with http.get(saved["url"]) as r:
            async for chunk in r.content.iter_chunked(MB):
                got.update(chunk)
        after_download = _status(pid)
    assert got.hexdigest() == sent.hexdigest(), "downloaded bytes differ"
    return {
        "mode": "server (local files adapter)", "size_mb": size_mb,
        "rss_before_mb": round(before["VmRSS"] / MB, 1),
        "upload_peak_rss_mb": round(after_upload["VmHWM"] / MB, 1),
        "upload_peak_over_before_mb": round((after_upload["VmHWM"] - before["VmRSS"]) / MB, 1),
        "download_peak_over_before_mb": round((after_download["VmHWM"] - before["VmRSS"]) / MB, 1),
        "upload_seconds": round(upload_s, 2),
        "stored_name": saved["name"],
    }


def server_mode(size_mb: int) -> dict[str, Any]:
    """Upload and download SIZE MB through a real server; report its RSS peaks."""
    work = tempfile.mkdtemp(prefix="upload-mem-")
    port = _free_port()
    proc = _start_server(work, port, size_mb)
    try:
        result = asyncio.run(_transfer(f"http://127.0.0.1:{port}/1", proc.pid, size_mb))
        result["stored_bytes"] = os.path.getsize(os.path.join(work, "files", result.pop("stored_name")))
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


class _Discard:
    """A collection that accepts GridFS writes and forgets them."""

    async def create_index(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def insert_many(self, docs: list[dict[str, Any]]) -> None:
        return None

    async def insert_one(self, doc: dict[str, Any]) -> None:
        return None

    async def delete_many(self, query: dict[str, Any]) -> None:
        return None


async def gridfs_mode(size_mb: int) -> dict[str, Any]:
    from parse_clone.files.base import FileOptions
    from parse_clone.files.gridfs import GridFSAdapter

    sink = _Discard()
    adapter = GridFSAdapter(lambda: {"fs.files": sink, "fs.chunks": sink})
    tracemalloc.start()
    stored = await adapter.create("big.bin", generated(size_mb * MB, hashlib.sha256()), FileOptions())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"mode": "GridFSAdapter.create, writes discarded", "size_mb": size_mb, "length": stored.length,
            "tracemalloc_peak_mb": round(peak / MB, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--gridfs", action="store_true", help="measure the GridFS adapter alone")
    args = parser.parse_args()
    result = asyncio.run(gridfs_mode(args.size_mb)) if args.gridfs else server_mode(args.size_mb)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
