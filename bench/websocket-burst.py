#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Many desktops open their events WebSocket at once (issue 13, item 7).

Starts `driftkoll-server serve` on a fresh demo database (127.0.0.1, a free port), then
opens N WebSockets to /api/v1/events spread evenly over SPREAD seconds, each a raw
upgrade request; a socket counts as connected when its "101 Switching Protocols" arrives
within TIMEOUT seconds of its start. Prints how many connected, how long the last one
took, and the median and p99 time from connect() to the 101. Loopback only; every
socket is closed at the end.

    websocket-burst.py SERVER_BINARY [N=10000] [SPREAD=20] [TIMEOUT=30]
"""

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

UPGRADE = (b"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           b"Sec-WebSocket-Version: 13\r\n\r\n")


async def open_one(port, delay, timeout, times, writers):
    await asyncio.sleep(delay)
    start = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), timeout)
        writers.append(writer)
        writer.write(UPGRADE)
        left = timeout - (time.monotonic() - start)
        line = await asyncio.wait_for(reader.readline(), max(left, 0.001))
        if b" 101 " in line:
            times.append(time.monotonic() - start)
    except (asyncio.TimeoutError, OSError):
        pass


async def burst(port, n, spread, timeout):
    times, writers = [], []
    await asyncio.gather(*(open_one(port, spread * i / n, timeout, times, writers)
                           for i in range(n)))
    for writer in writers:
        writer.close()
    return times


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    spread = float(sys.argv[3]) if len(sys.argv) > 3 else 20
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 30
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    with tempfile.TemporaryDirectory(prefix="driftkoll-ws-burst-") as folder:
        db = os.path.join(folder, "server.db")
        subprocess.run([binary, "init", "--db", db, "--demo"], check=True,
                       capture_output=True)
        # The same descriptor limit for any server binary compared: the hard one.
        server = subprocess.Popen(["prlimit", f"--nofile={hard}:{hard}", binary, "serve",
                                   "--db", db, "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            port = int(server.stdout.readline().strip().rsplit(":", 1)[1].rstrip("/"))
            started = time.monotonic()
            times = asyncio.run(burst(port, n, spread, timeout))
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait()

    times.sort()
    p99 = times[int(len(times) * 0.99) - 1] if times else float("nan")
    print(f"{len(times)} of {n} connected ({100 * len(times) / n:.2f} %) in {elapsed:.1f} s; "
          f"connect→101 median {1000 * statistics.median(times) if times else float('nan'):.0f} ms, "
          f"p99 {1000 * p99:.0f} ms, max {1000 * (times[-1] if times else float('nan')):.0f} ms")


if __name__ == "__main__":
    main()
