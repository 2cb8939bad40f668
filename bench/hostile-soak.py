#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile-soak.py: a real driftkoll-server under hostile load while one normal client polls.
#
# Starts driftkoll-server (the demo data, 127.0.0.1 only) and, for --seconds, keeps up:
#   --slow N        slow clients: half a request, then one header byte every few seconds
#                   (a slowloris); a client the server closes comes back after a second
#   --websockets N  event WebSockets that complete the handshake and never read again
#   --bodies N      anonymous callers each POSTing a --body-mb MB body to /api/v1/session,
#                   sending it as fast as the server takes it, again and again
#   --writes        a logged-in writer making one change a second (so that the server has
#                   events to push at the sockets that never read)
# while one normal client (logged in as staff, one keep-alive connection as the app's
# SoupSession has) polls GET /api/v1/changes?since=... every --poll-ms. It prints that
# client's latency (median, 95th percentile, max), its failed polls, and the server's
# peak RSS (VmHWM, and the largest VmRSS sampled), its open descriptors (at the start, at
# the peak, and --settle-seconds after every caller closed), and writes them as JSON
# with --json.
#
#   python3 bench/hostile-soak.py                       # the figures, 60 s
#   python3 bench/hostile-soak.py --slow 200 --seconds 20
#
# The server binary: --server, else $DRIFTKOLL_SERVER, else $BUILD_DIR/src/server/
# driftkoll-server, else build/src/server/driftkoll-server. Exit status: 0 when the run
# finished and the server was alive at the end; --check also asks that the normal client
# had every poll answered and the peak RSS stayed under --max-rss-mb (the test
# tests/test-hostile-soak.py uses this; no latency is asserted anywhere).
#
# Every loop is bounded by --seconds; each hostile task waits before it reconnects.

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"
# A normal poll that takes longer than this counts as not answered.
POLL_TIMEOUT_S = 10.0


def find_server(explicit):
    if explicit:
        return explicit
    if os.environ.get("DRIFTKOLL_SERVER"):
        return os.environ["DRIFTKOLL_SERVER"]
    build = os.environ.get("BUILD_DIR", "build")
    return os.path.join(build, "src", "server", "driftkoll-server")


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted))
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


class Server:
    """driftkoll-server serve on 127.0.0.1:0 with the demo data in a private folder."""

    def __init__(self, binary, extra_args):
        self.dir = tempfile.mkdtemp(prefix="driftkoll-soak-")
        self.db = os.path.join(self.dir, "server.db")
        subprocess.run([binary, "init", "--db", self.db, "--demo"], check=True,
                       stdout=subprocess.DEVNULL)
        self.log = open(os.path.join(self.dir, "server.log"), "w+")
        env = dict(os.environ)
        with open(binary, "rb") as f:
            self.asan = b"__asan_init" in f.read()
        if self.asan:
            # AddressSanitizer keeps up to 256 MB of freed memory in quarantine: that is
            # the sanitizer's, not the server's; a small one keeps the RSS the server's.
            env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                                   ":quarantine_size_mb=16").lstrip(":")
        # The server keeps the descriptor limit this script was started with (raised
        # only for this process below), as it would have from its service unit.
        self.process = subprocess.Popen(
            [binary, "serve", "--db", self.db, "--listen", HOST + ":0"] + extra_args,
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        first = self.process.stdout.readline().strip()
        prefix = "listening on http://%s:" % HOST
        if not first.startswith(prefix):
            self.stop()
            raise SystemExit("driftkoll-server did not start: %r" % first)
        self.port = int(first[len(prefix):].rstrip("/"))
        self.peak_rss_kb = 0
        self.fds_start = self.count_fds()
        self.peak_fds = self.fds_start

    def alive(self):
        return self.process.poll() is None

    def status_kb(self, field):
        try:
            with open("/proc/%d/status" % self.process.pid) as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def count_fds(self):
        try:
            return len(os.listdir("/proc/%d/fd" % self.process.pid))
        except OSError:
            return 0

    def sample_rss(self):
        self.peak_rss_kb = max(self.peak_rss_kb, self.status_kb("VmRSS"),
                               self.status_kb("VmHWM"))
        self.peak_fds = max(self.peak_fds, self.count_fds())

    def log_tail(self, lines=20):
        self.log.flush()
        self.log.seek(0)
        return "".join(self.log.readlines()[-lines:])

    def terminate(self):
        """SIGTERM, as a service manager stops it; returns the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def sanitizer_report(self):
        """The first line of an ASan/LSan/UBSan report in the server's log, or None."""
        self.log.flush()
        self.log.seek(0)
        for line in self.log:
            if "Sanitizer" in line and "ERROR" in line or "runtime error:" in line:
                return line.strip()
        return None

    def stop(self):
        self.terminate()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- a minimal HTTP/1.1 client on asyncio streams ----

async def read_response(reader):
    """Reads one response; returns (status, headers, body)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed before the status line")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("closed in the headers")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return status, headers, body


def request_bytes(method, path, token=None, body=None, extra=()):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % HOST]
    if token:
        lines.append("Authorization: Bearer " + token)
    lines.extend(extra)
    if body is not None:
        lines.append("Content-Type: application/json")
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


async def one_request(port, method, path, token=None, body=None):
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(request_bytes(method, path, token, body, ["Connection: close"]))
        await writer.drain()
        return await read_response(reader)
    finally:
        writer.close()


async def login(port, username="staff", password="demo"):
    body = json.dumps({"username": username, "password": password}).encode()
    status, _, reply = await one_request(port, "POST", "/api/v1/session", body=body)
    if status != 200:
        raise SystemExit("login failed: %d %r" % (status, reply[:200]))
    return json.loads(reply)["token"]


# ---- the hostile callers ----

class Counters:
    def __init__(self):
        self.slow_connects = 0
        self.slow_closed_by_server = 0
        self.websockets_open = 0
        self.websockets_opened = 0
        self.websockets_refused = 0
        self.bodies_started = 0
        self.bodies_refused_early = 0
        self.bodies_sent_whole = 0
        self.bytes_uploaded = 0
        self.writes = 0
        self.connect_errors = 0


async def slow_client(port, deadline, counters, index):
    # Spread the first connects over a second or two rather than 1,000 at once.
    await asyncio.sleep((index % 200) / 100)
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            counters.connect_errors += 1
            await asyncio.sleep(1)
            continue
        counters.slow_connects += 1
        try:
            writer.write(b"GET /api/v1/changes?since=0 HTTP/1.1\r\nHost: %s\r\nX-Slow: "
                         % HOST.encode())
            await writer.drain()
            while time.monotonic() < deadline:
                # One byte every 5 s, never the end of the headers.
                try:
                    data = await asyncio.wait_for(reader.read(4096), 5)
                    if not data:
                        counters.slow_closed_by_server += 1
                        break
                except asyncio.TimeoutError:
                    pass
                writer.write(b"a")
                await writer.drain()
        except (OSError, ConnectionError):
            counters.slow_closed_by_server += 1
        finally:
            writer.close()
        await asyncio.sleep(1)


WS_REQUEST = ("GET /api/v1/events HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n\r\n" % HOST).encode()


async def deaf_websocket(port, deadline, counters, index):
    await asyncio.sleep((index % 200) / 100)
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            counters.connect_errors += 1
            await asyncio.sleep(1)
            continue
        try:
            writer.write(WS_REQUEST)
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), 30)
            if not status_line.startswith(b"HTTP/1.1 101"):
                counters.websockets_refused += 1
                writer.close()
                await asyncio.sleep(1)
                continue
            counters.websockets_open += 1
            counters.websockets_opened += 1
            # From here on nothing is read: pings and events pile up on the server's side
            # until it gives up on this socket. Wait until the deadline, or until the
            # server closes us (only seen once the transport notices).
            transport = writer.transport
            transport.pause_reading()
            while time.monotonic() < deadline and not transport.is_closing():
                await asyncio.sleep(1)
            counters.websockets_open -= 1
        except (OSError, ConnectionError, asyncio.TimeoutError):
            counters.websockets_refused += 1
        finally:
            writer.close()
        await asyncio.sleep(1)


async def big_body(port, deadline, counters, size_mb):
    chunk = b"\0" * 65536
    total = size_mb * 1024 * 1024
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            counters.connect_errors += 1
            await asyncio.sleep(1)
            continue
        counters.bodies_started += 1
        head = ("POST /api/v1/session HTTP/1.1\r\nHost: %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                % (HOST, total)).encode()
        sent = 0
        try:
            writer.write(head)
            await writer.drain()
            while sent < total and time.monotonic() < deadline:
                writer.write(chunk)
                await asyncio.wait_for(writer.drain(), 30)
                sent += len(chunk)
                counters.bytes_uploaded += len(chunk)
            if sent >= total:
                counters.bodies_sent_whole += 1
                await asyncio.wait_for(reader.read(65536), 30)
        except (OSError, ConnectionError, asyncio.TimeoutError):
            # The server answered from the headers and closed: what it should do.
            counters.bodies_refused_early += 1
        finally:
            writer.close()
        await asyncio.sleep(0.2)


async def writer_task(port, deadline, token, counters):
    case_id = "a258b71c-f0a9-5bb7-b9ec-2b0d7d28f3bd"
    n = 0
    while time.monotonic() < deadline:
        n += 1
        body = json.dumps({"mutations": [{
            "id": "00000000-0000-4000-8000-%012d" % n, "op": "case.add_update",
            "data": {"id": case_id, "update": {
                "id": "00000000-0000-4000-9000-%012d" % n, "phrase": "monitoring",
                "text": "Bevakning %d." % n}}}]}).encode()
        try:
            status, _, _ = await asyncio.wait_for(
                one_request(port, "POST", "/api/v1/mutations", token, body), 30)
            if status == 200:
                counters.writes += 1
        except (OSError, ConnectionError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(1)


# ---- the normal client ----

class Poller:
    def __init__(self):
        self.latencies = []
        self.failures = []
        self.since = 0

    async def run(self, port, deadline, token, interval):
        reader = writer = None
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection(HOST, port), POLL_TIMEOUT_S)
                writer.write(request_bytes(
                    "GET", "/api/v1/changes?since=%d&limit=500" % self.since, token))
                await writer.drain()
                status, headers, body = await asyncio.wait_for(read_response(reader),
                                                               POLL_TIMEOUT_S)
                if status != 200:
                    raise ConnectionError("status %d" % status)
                self.since = json.loads(body)["last_seq"]
                self.latencies.append(time.monotonic() - started)
                if headers.get("connection", "").lower() == "close":
                    writer.close()
                    writer = None
            except (OSError, ConnectionError, asyncio.TimeoutError, ValueError,
                    asyncio.IncompleteReadError) as e:
                # A keep-alive connection the server closed between polls is retried once
                # on a new one, as libsoup does; anything else is a failed poll.
                if writer is not None:
                    writer.close()
                    writer = None
                if isinstance(e, (asyncio.IncompleteReadError, ConnectionError)) and \
                        time.monotonic() - started < POLL_TIMEOUT_S and not self.retrying:
                    self.retrying = True
                    continue
                self.failures.append("%.1f s: %s" % (time.monotonic() - self.t0,
                                                     e.__class__.__name__ + " " + str(e)))
            self.retrying = False
            await asyncio.sleep(max(0, interval - (time.monotonic() - started)))
        if writer is not None:
            writer.close()

    retrying = False
    t0 = 0.0


async def sample_rss(server, deadline):
    while time.monotonic() < deadline + 1:
        server.sample_rss()
        await asyncio.sleep(0.2)


async def soak(server, args):
    port = server.port
    token = await login(port)
    writer_token = await login(port, "servicedesk") if args.writes else None
    counters = Counters()
    poller = Poller()
    start = time.monotonic()
    poller.t0 = start
    deadline = start + args.seconds

    tasks = [asyncio.create_task(sample_rss(server, deadline)),
             asyncio.create_task(poller.run(port, deadline, token, args.poll_ms / 1000))]
    tasks += [asyncio.create_task(slow_client(port, deadline, counters, i))
              for i in range(args.slow)]
    tasks += [asyncio.create_task(deaf_websocket(port, deadline, counters, i))
              for i in range(args.websockets)]
    tasks += [asyncio.create_task(big_body(port, deadline, counters, args.body_mb))
              for _ in range(args.bodies)]
    if args.writes:
        tasks.append(asyncio.create_task(writer_task(port, deadline, writer_token, counters)))

    progress = asyncio.create_task(report_progress(server, poller, counters, deadline))
    # Each task ends by its deadline; give the slowest a grace period, then cancel.
    done, pending = await asyncio.wait(tasks, timeout=args.seconds + 60)
    for task in pending:
        task.cancel()
    progress.cancel()
    for task in done:
        if task.exception() is not None:
            raise task.exception()

    # After the load: does a new caller still get an answer?
    try:
        status, _, _ = await asyncio.wait_for(one_request(port, "GET", "/api/v1/healthz"),
                                              POLL_TIMEOUT_S)
        healthz_after = status
    except (OSError, ConnectionError, asyncio.TimeoutError) as e:
        healthz_after = "no answer (%s)" % e.__class__.__name__
    return poller, counters, healthz_after


async def report_progress(server, poller, counters, deadline):
    while True:
        await asyncio.sleep(5)
        print("  %3.0f s left: polls %d ok / %d failed, RSS peak %.0f MB, slow connects %d,"
              " websockets open %d, body bytes %.0f MB" % (
                  max(0, deadline - time.monotonic()), len(poller.latencies),
                  len(poller.failures), server.peak_rss_kb / 1024, counters.slow_connects,
                  counters.websockets_open, counters.bytes_uploaded / 1e6),
              file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(
        description="A real driftkoll-server under hostile load while a normal client polls.")
    parser.add_argument("--server")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--websockets", type=int, default=1000)
    parser.add_argument("--bodies", type=int, default=8)
    parser.add_argument("--body-mb", type=int, default=50)
    parser.add_argument("--writes", action="store_true", default=True)
    parser.add_argument("--no-writes", dest="writes", action="store_false")
    parser.add_argument("--poll-ms", type=int, default=200)
    parser.add_argument("--max-rss-mb", type=float, default=200)
    parser.add_argument("--settle-seconds", type=float, default=3,
                        help="after the load, wait this long, then count the server's "
                             "open descriptors")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless the server lived, every poll was answered "
                             "and the peak RSS stayed under --max-rss-mb")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("server_args", nargs="*",
                        help="after --: extra arguments for `serve`")
    args = parser.parse_args()

    binary = find_server(args.server)
    server = Server(binary, args.server_args)
    # Only this process gets more descriptors (the server was started before).
    raise_fd_limit(args.slow + args.websockets + args.bodies + 256)
    print("driftkoll-server pid %d on port %d: %d slow clients, %d deaf WebSockets, "
          "%d x %d MB anonymous bodies, %s, %.0f s" % (
              server.process.pid, server.port, args.slow, args.websockets, args.bodies,
              args.body_mb, "a write a second" if args.writes else "no writes",
              args.seconds), file=sys.stderr, flush=True)
    try:
        poller, counters, healthz_after = asyncio.run(soak(server, args))
        alive = server.alive()
        server.sample_rss()
        # Every hostile caller has closed by now: what the server still holds a few
        # seconds later it holds for nobody (a deadline or its EOF should free it).
        time.sleep(args.settle_seconds)
        fds_end = server.count_fds()
        # Stopped first, so that a sanitizer's report at exit is in the log below.
        exit_status = server.terminate()
        sanitizer = server.sanitizer_report()
        lat = sorted(poller.latencies)
        figures = {
            "seconds": args.seconds,
            "slow_clients": args.slow,
            "websockets": args.websockets,
            "bodies": args.bodies,
            "body_mb": args.body_mb,
            "polls_answered": len(lat),
            "polls_failed": len(poller.failures),
            "latency_median_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
            "latency_p95_ms": round(lat[int(len(lat) * 0.95) - 1] * 1000, 1) if lat else None,
            "latency_max_ms": round(lat[-1] * 1000, 1) if lat else None,
            "peak_rss_mb": round(server.peak_rss_kb / 1024, 1),
            "server_fds_start": server.fds_start,
            "server_fds_peak": server.peak_fds,
            "server_fds_after_settle": fds_end,
            "server_alive": alive,
            "server_asan": server.asan,
            "server_exit_status_after_sigterm": exit_status,
            "sanitizer_report": sanitizer,
            "healthz_after": healthz_after,
            "counters": vars(counters),
        }
        print(json.dumps(figures, indent=2))
        if poller.failures:
            print("failed polls (first 10):\n  " + "\n  ".join(poller.failures[:10]),
                  file=sys.stderr)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(figures, f, indent=2)

        problems = []
        if not alive:
            problems.append("the server died (exit status %s)" % server.process.returncode)
        if sanitizer is not None:
            problems.append("the server's sanitizer reported: " + sanitizer)
        if healthz_after != 200:
            problems.append("after the load, /api/v1/healthz: %s" % healthz_after)
        if args.check:
            if not lat:
                problems.append("the normal client got no answer at all")
            if poller.failures:
                problems.append("the normal client had %d polls unanswered"
                                % len(poller.failures))
            if figures["peak_rss_mb"] >= args.max_rss_mb:
                problems.append("peak RSS %.1f MB, not under %.0f MB"
                                % (figures["peak_rss_mb"], args.max_rss_mb))
        if problems:
            print("server log (last lines):\n" + server.log_tail(), file=sys.stderr)
            for p in problems:
                print("FAIL: " + p, file=sys.stderr)
            return 1
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
