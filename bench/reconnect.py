#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench/reconnect.py: how soon a running client tells the truth about the connection.

    python3 bench/reconnect.py [RUNS]        (RUNS=10; BUILD_DIR=build)

A real driftkoll-server with the demo data, reached through tests' dk-test-proxy, and a
logged-in `driftkoll-cli sync --watch` with the engine's DEFAULT tunables (ping 5 s,
liveness 12 s, TCP keepalive 5 s, retries within 3 s while the outage is young). RUNS
times each: the server stopped (SIGTERM), killed (SIGKILL), paused (SIGSTOP), and a silent
drop in the proxy (no FIN, nothing forwarded); the seconds from the signal (or the drop)
to the watcher's "Offline; retrying", and from the server's return (restarted on its
port, SIGCONT, forwarding again) to "Online again". Prints each run and the medians as
JSON. Nothing is asserted: the tests do that (tests/test-sync-connection.c).
"""

import json
import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import shutil

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD_DIR", os.path.join(REPO, "build"))
SERVER = os.environ.get("DRIFTKOLL_SERVER", os.path.join(BUILD, "src/server/driftkoll-server"))
CLI = os.environ.get("DRIFTKOLL_CLI", os.path.join(BUILD, "src/cli/driftkoll-cli"))
PROXY = os.environ.get("DK_TEST_PROXY", os.path.join(BUILD, "tests/dk-test-proxy"))
TIMEOUT = 120


class Server:
    def __init__(self, workdir):
        self.db = os.path.join(workdir, "server.db")
        subprocess.run([SERVER, "init", "--db", self.db, "--demo"], check=True,
                       stdout=subprocess.DEVNULL)
        self.listen = "127.0.0.1:0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([SERVER, "serve", "--db", self.db, "--listen", self.listen],
                                     stdout=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline().strip()
        url = first[len("listening on "):]
        self.listen = url[len("http://"):].rstrip("/")
        self.port = int(self.listen.rsplit(":", 1)[1])

    def reap(self):
        self.proc.wait(timeout=TIMEOUT)
        self.proc.stdout.close()
        self.proc = None

    def stop(self):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.send_signal(signal.SIGTERM)
            self.reap()


class Watcher:
    """driftkoll-cli sync --watch; its stderr lines with the time they came."""

    def __init__(self, data_dir):
        env = dict(os.environ, LC_ALL="C", LANGUAGE="C")
        self.proc = subprocess.Popen([CLI, "--data-dir", data_dir, "sync", "--watch"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.put((time.monotonic(), line.strip()))

    def drain(self):
        while not self.lines.empty():
            self.lines.get_nowait()

    def wait(self, text, since):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                when, line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if text in line:
                return when - since
        raise SystemExit(f"the watcher never said {text!r}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=TIMEOUT)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    workdir = tempfile.mkdtemp(prefix="driftkoll-bench.")
    server = Server(workdir)
    server.start()
    proxy = subprocess.Popen([PROXY, str(server.port)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, bufsize=1)
    proxy_url = f"http://127.0.0.1:{proxy.stdout.readline().strip()}/"

    def tell_proxy(command):
        proxy.stdin.write(command + "\n")
        proxy.stdin.flush()
        assert proxy.stdout.readline().strip() == "ok"

    data_dir = os.path.join(workdir, "data")
    subprocess.run([CLI, "--server", proxy_url, "--data-dir", data_dir, "login", "servicedesk"],
                   input="demo\n", text=True, check=True, stdout=subprocess.DEVNULL)
    watcher = Watcher(data_dir)
    time.sleep(3)
    figures = {"stop": [], "kill": [], "pause": [], "drop": [],
               "back_after_stop": [], "back_after_kill": [], "back_after_pause": [],
               "back_after_drop": []}
    try:
        for run in range(runs):
            for case in ("stop", "kill", "pause", "drop"):
                watcher.drain()
                start = time.monotonic()
                if case == "stop":
                    server.proc.send_signal(signal.SIGTERM)
                elif case == "kill":
                    server.proc.send_signal(signal.SIGKILL)
                elif case == "pause":
                    server.proc.send_signal(signal.SIGSTOP)
                else:
                    tell_proxy("drop")
                figures[case].append(watcher.wait("Offline", start))
                time.sleep(1)
                watcher.drain()
                if case in ("stop", "kill"):
                    server.reap()
                    start = time.monotonic()
                    server.start()
                elif case == "pause":
                    start = time.monotonic()
                    server.proc.send_signal(signal.SIGCONT)
                else:
                    start = time.monotonic()
                    tell_proxy("forward")
                figures["back_after_" + case].append(watcher.wait("Online again", start))
                print(json.dumps({"run": run + 1, "case": case,
                                  "offline_s": round(figures[case][-1], 3),
                                  "online_s": round(figures["back_after_" + case][-1], 3)}),
                      flush=True)
                # The WebSocket opens again; then a random moment between two pings, so a
                # silent cut is not always timed from the same phase.
                time.sleep(3 + random.uniform(0, 5))
        print(json.dumps({"runs": runs, "median_s": {k: round(statistics.median(v), 3)
                                                     for k, v in figures.items()}}, indent=1))
    finally:
        watcher.stop()
        proxy.stdin.close()
        proxy.wait()
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
