#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""crowd.py: many first syncs at once against one driftkoll-server, from the server's side.

    crowd.py URL --clients 200 --mode snapshot|paging [--token TOKEN] [--server-pid PID]

Each client is a thread with its own keep-alive connection that does what a first sync
asks of the server, and throws the bytes away (no replica is written: this is the
server's load, not the client's work):

  snapshot  GET /api/v1/snapshot?schema=3 (zstd, read in 256 KiB pieces), then the tail
            GET /api/v1/changes?since=0&base=S&limit=2500 until "more" is false
            (S from the Driftkoll-Snapshot-Seq header)
  paging    GET /api/v1/changes?since=N&limit=2500 from 0 until "more" is false

Both send Accept-Encoding: gzip as libsoup does, so the server compresses the JSON pages
as it would for the real client. Only the end of each page is read for last_seq and more.
Every client starts at the same moment (a barrier). With --token every request carries
it (one login shared by all, so 200 argon2id logins do not swamp what is measured).

Prints one JSON object: wall seconds until the last client finished, each client's
seconds (median, max), bytes received, and with --server-pid the server's CPU seconds
(utime + stime from /proc/PID/stat, the difference over the run) and peak RSS (VmHWM from
/proc/PID/status, since the server started).
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import zlib

TAIL = re.compile(rb'"last_seq":(\d+),"more":(true|false)')
READ = 256 * 1024


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3); utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


class Client(threading.Thread):
    def __init__(self, url, token, mode, barrier):
        super().__init__(daemon=True)
        self.url = url
        self.mode = mode
        self.barrier = barrier
        self.headers = {"Accept-Encoding": "gzip"}
        if token:
            self.headers["Authorization"] = "Bearer " + token
        self.bytes = 0
        self.seconds = None
        self.error = None

    def get(self, conn, path, headers):
        conn.request("GET", self.url.path.rstrip("/") + path, headers=headers)
        return conn.getresponse()

    def page(self, conn, path):
        """One page of changes: (last_seq, more)."""
        response = self.get(conn, path, {**self.headers, "Accept": "application/json"})
        gzipped = response.getheader("Content-Encoding") == "gzip"
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
        tail = b""
        # In pieces, keeping only the end: 200 whole pages at once would be gigabytes.
        while True:
            piece = response.read(READ)
            if not piece:
                break
            self.bytes += len(piece)
            if decoder is not None:
                piece = decoder.decompress(piece)
            tail = (tail + piece)[-200:]
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        body = tail
        match = TAIL.search(body)
        if match is None:
            raise RuntimeError(f"{path}: no last_seq/more at the end of the page")
        return int(match.group(1)), match.group(2) == b"true"

    def pull(self, conn, since, base):
        more = True
        while more:
            path = f"/api/v1/changes?since={since}&limit=2500"
            if base:
                path += f"&base={base}"
            last_seq, more = self.page(conn, path)
            if more and last_seq <= since:
                raise RuntimeError(f"no progress at since={since}")
            since = last_seq

    def snapshot(self, conn):
        headers = {"Accept": "application/zstd, application/vnd.sqlite3;q=0.5"}
        if "Authorization" in self.headers:
            headers["Authorization"] = self.headers["Authorization"]
        response = self.get(conn, "/api/v1/snapshot?schema=3", headers)
        if response.status != 200:
            response.read()
            raise RuntimeError(f"/snapshot: HTTP {response.status}")
        base = int(response.getheader("Driftkoll-Snapshot-Seq"))
        while True:
            piece = response.read(READ)
            if not piece:
                break
            self.bytes += len(piece)
        return base

    def run(self):
        conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=600)
        try:
            self.barrier.wait()
            t0 = time.perf_counter()
            if self.mode == "snapshot":
                base = self.snapshot(conn)
                self.pull(conn, 0, base)
            else:
                self.pull(conn, 0, 0)
            self.seconds = time.perf_counter() - t0
        except Exception as error:  # reported, not raised: one failure must not hang the rest
            self.error = str(error)
        finally:
            conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--mode", choices=("snapshot", "paging"), default="snapshot")
    parser.add_argument("--token")
    parser.add_argument("--server-pid", type=int)
    args = parser.parse_args()

    url = urllib.parse.urlsplit(args.url)
    barrier = threading.Barrier(args.clients + 1)
    clients = [Client(url, args.token, args.mode, barrier) for _ in range(args.clients)]
    for client in clients:
        client.start()

    cpu0 = cpu_seconds(args.server_pid) if args.server_pid else None
    barrier.wait()
    t0 = time.perf_counter()
    for client in clients:
        client.join()
    wall = time.perf_counter() - t0

    errors = [c.error for c in clients if c.error]
    seconds = [c.seconds for c in clients if c.seconds is not None]
    result = {
        "mode": args.mode,
        "clients": args.clients,
        "failed": len(errors),
        "wall_seconds": round(wall, 3),
        "client_seconds_median": round(statistics.median(seconds), 3) if seconds else None,
        "client_seconds_max": round(max(seconds), 3) if seconds else None,
        "received_mb": round(sum(c.bytes for c in clients) / 1e6, 1),
    }
    if args.server_pid:
        result["server_cpu_seconds"] = round(cpu_seconds(args.server_pid) - cpu0, 2)
        result["server_peak_rss_mb"] = round(peak_rss_kb(args.server_pid) / 1024, 1)
    if errors:
        result["first_error"] = errors[0]
    print(json.dumps(result))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
