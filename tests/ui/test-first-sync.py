#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A first sync in the desktop app, watched as a person would (issue 14).

A real driftkoll-server with the demo data and GEN_CASES generated cases (20,000), its
snapshots built (`driftkoll-server snapshot`), reached through a slow proxy of this
test's own (a few MB/s towards the app, and a pause). A new desktop logs in and starts:
under the header bar a progress bar says "Loading cases: 4 MB of 15 MB · 3 MB/s · 4 s
left" and the empty lists say "Loading Cases…" (and are busy to a screen reader); the
proxy is paused there for the screenshot, and the filters still open. Let through, the
first sync ends: the replica has its cursor, the bar is gone and the lists not busy. The same
with DRIFTKOLL_NO_SNAPSHOT=1: the bar counts cases, and the lists fill page by page.
Screenshots in en, sv, nb, 360 px wide and dark go to SCREENSHOT_DIR.

    test-first-sync.py SCREENSHOT_DIR   (run by run-ui.sh inside Xvfb and a private D-Bus)
Environment: DRIFTKOLL_SERVER, DRIFTKOLL_CLI, DRIFTKOLL_APP, GSETTINGS_SCHEMA_DIR,
DRIFTKOLL_LOCALEDIR (the build dir's translations), DRIFTKOLL_GEN_CASES or
DRIFTKOLL_SOURCE_ROOT (../shared/bench/gen-cases.py), GEN_CASES (20000).
"""

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

# The harness of the app's UI test: the server, starting the app, finding controls.
_spec = importlib.util.spec_from_file_location(
    "ui_harness", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-app.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)

SCHEMA = "io.github.driftkoll.Driftkoll"
# The bar's words and the lists' loading title, by language.
LOADING_BAR = {"en": "Loading cases: ", "sv": "Hämtar ärenden: ", "nb": "Henter saker: "}
LOADING_LIST = {"en": "Loading Cases…", "sv": "Hämtar ärenden…", "nb": "Henter saker…"}
FILTERS = {"en": "Filters", "sv": "Filter", "nb": "Filtre"}
VARIANTS = [("", "en", 1000, 720, False), ("-sv", "sv", 1000, 720, False),
            ("-nb", "nb", 1000, 720, False), ("-narrow", "en", 360, 720, False),
            ("-dark", "en", 1000, 720, True)]


class SlowProxy:
    """A TCP proxy on 127.0.0.1 to the server: at most `rate` bytes a second towards the
    client (all connections together), and pause() holds every byte both ways until
    resume(), without closing anything, so the app stays where it is for a picture."""

    def __init__(self, upstream_port, rate):
        self.upstream_port = upstream_port
        self.rate = rate
        self.running = threading.Event()
        self.running.set()
        self.lock = threading.Lock()
        self.budget_at = time.monotonic()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.sockets = []
        threading.Thread(target=self.accept, daemon=True).start()

    def pause(self):
        self.running.clear()

    def resume(self, rate=None):
        self.rate = rate
        self.running.set()

    def close_all(self):
        """Ends every connection (between two desktops: each starts afresh)."""
        for s in list(self.sockets):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self.sockets += [client, upstream]
            threading.Thread(target=self.pump, args=(upstream, client, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(client, upstream, False), daemon=True).start()

    def throttle(self, n):
        """Sleeps so that all the bytes towards clients keep to self.rate."""
        if not self.rate:
            return
        with self.lock:
            now = time.monotonic()
            self.budget_at = max(self.budget_at, now) + n / self.rate
            wait = self.budget_at - now
        if wait > 0:
            time.sleep(wait)

    def pump(self, source, sink, to_client):
        try:
            while True:
                data = source.recv(16384 if to_client else 65536)
                if not data:
                    break
                self.running.wait()
                if to_client:
                    self.throttle(len(data))
                self.running.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def cli(data_dir, url, *args, stdin=None):
    result = subprocess.run([os.environ["DRIFTKOLL_CLI"], "--server", url,
                             "--data-dir", data_dir, *args],
                            input=stdin, text=True, capture_output=True)
    if result.returncode != 0:
        h.fail(f"driftkoll-cli {' '.join(args)}: {result.stderr}")
    return result


def make_server(workdir):
    """The demo data, GEN_CASES generated cases and both snapshots."""
    server = h.Server(workdir)
    generator = os.environ.get("DRIFTKOLL_GEN_CASES") or os.path.join(
        os.environ.get("DRIFTKOLL_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")),
        "..", "shared", "bench", "gen-cases.py")
    cases = os.path.join(workdir, "cases.jsonl")
    subprocess.run(["/usr/bin/python3", generator, os.environ.get("GEN_CASES", "20000"), cases,
                    "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([server.binary, "import-cases", "--db", server.db, cases], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([server.binary, "snapshot", "--db", server.db], check=True,
                   stdout=subprocess.DEVNULL)
    server.start()
    return server


def start(data_dir, url, config_home, language="en", dark=False, width=1000, height=720,
          extra_env=None):
    h.set_window_size(config_home, width, height)
    os.makedirs(os.path.join(config_home, "gtk-4.0"), exist_ok=True)
    with open(os.path.join(config_home, "gtk-4.0", "settings.ini"), "w") as settings:
        settings.write("[Settings]\ngtk-decoration-layout=:close\n")
    h.gsettings(config_home, "set", SCHEMA, "color-scheme", "dark" if dark else "default")
    env = h.app_env(config_home)
    env.pop("LC_ALL", None)
    env["LANG"] = "C.UTF-8"
    env["LANGUAGE"] = language
    # Paused on purpose: the connection must not be given up while the picture is taken.
    env["DRIFTKOLL_LIVENESS_SECONDS"] = "600"
    env["DRIFTKOLL_REQUEST_TIMEOUT_SECONDS"] = "600"
    env.update(extra_env or {})
    proc = subprocess.Popen([os.environ["DRIFTKOLL_APP"], "--server", url,
                             "--data-dir", data_dir], env=env)
    h.started_apps.append(proc)
    return proc, h.find_app()


def bar_text(app, language):
    label = h.find_prefix(app, "label", LOADING_BAR[language])
    return label.name if label else None


def incidents_busy(app):
    """Whether the incidents list says it is busy (None: no such list found)."""
    import pyatspi
    lists = app.findChildren(lambda n: n.name == "Incidents" and n.roleName in (
        "list", "list box", "table", "tree table"), recursive=True)
    if not lists:
        return None
    return lists[0].getState().contains(pyatspi.STATE_BUSY)


def cursor_of(data_dir, url):
    """The replica's cursor, read beside the running app (no --server: the app's stays)."""
    result = subprocess.run([os.environ["DRIFTKOLL_CLI"], "--data-dir", data_dir, "status",
                             "--json"], text=True, capture_output=True)
    if result.returncode != 0:
        return 0
    return json.loads(result.stdout)["cursor"]


def snapshot_first_sync(shots, server, proxy, workdir, suffix, language, width, height, dark):
    data_dir = os.path.join(workdir, f"desk{suffix}")
    config_home = os.path.join(workdir, f"config{suffix}")
    cli(data_dir, server.url, "login", "staff", stdin="demo\n")
    proxy.resume(rate=3_000_000)
    proc, app = start(data_dir, proxy.url, config_home, language, dark, width, height)
    text = h.wait_for("the bar counting the snapshot's megabytes",
                      lambda: (bar_text(app, language) or "").count("MB") >= 2 and bar_text(app, language),
                      timeout=60, explain=lambda: h.list_names(app, "label"))
    proxy.pause()
    h.ok(f"{language} {width} px{' dark' if dark else ''}: the bar says {text!r}")
    bar = h.wait_for("the progress bar", lambda: [n for n in app.findChildren(
        lambda n: n.roleName == "progress bar", recursive=True)],
        explain=lambda: h.list_names(app, "progress bar"))[0]
    if not bar.name:
        h.fail("the first sync's progress bar has no accessible name")
    h.wait_for("the lists saying they are loading",
               lambda: h.find(app, "label", LOADING_LIST[language]),
               explain=lambda: h.list_names(app, "label"))
    if suffix == "":
        h.wait_for("the incidents busy to a screen reader", lambda: incidents_busy(app))
        h.ok("the incidents list is busy while the first sync runs")
        # Everything stays usable: the filters open, the search takes words.
        h.click(app, "push button", FILTERS[language])
        h.wait_for("the filters", lambda: h.find(app, "push button", "Service")
                   or h.find(app, "combo box", "Service"),
                   explain=lambda: h.list_names(app, "push button"))
        h.click(app, "push button", FILTERS[language])
        h.ok("the filters open and close while the first sync runs")
    time.sleep(0.8)   # the revealer's slide and the window at its size
    h.wait_for("the window at its size", h.settled_window)
    h.screenshot(shots, f"first-sync{suffix}.png")

    proxy.resume()
    h.wait_for("the first sync done (a cursor in the replica)",
               lambda: cursor_of(data_dir, server.url) > 0, timeout=120)
    h.wait_for("the bar gone with the first sync", lambda: not bar_text(app, language),
               timeout=30, explain=lambda: h.list_names(app, "label"))
    h.ok(f"{language}: the first sync from the snapshot ends and the bar goes")
    if suffix == "":
        h.wait_for("the incidents list no longer busy", lambda: incidents_busy(app) is False)
        h.ok("the incidents list is not busy after the first sync")
        time.sleep(1)
        h.screenshot(shots, "first-sync-done.png")
    h.stop_app(proc)
    proxy.close_all()


def paging_first_sync(shots, server, proxy, workdir):
    data_dir = os.path.join(workdir, "desk-paging")
    config_home = os.path.join(workdir, "config-paging")
    cli(data_dir, server.url, "login", "staff", stdin="demo\n")
    proxy.resume(rate=1_500_000)
    proc, app = start(data_dir, proxy.url, config_home,
                      extra_env={"DRIFTKOLL_NO_SNAPSHOT": "1"})
    text = h.wait_for("the bar counting cases", lambda: "cases" in (bar_text(app, "en") or "")
                      and bar_text(app, "en"), timeout=60,
                      explain=lambda: h.list_names(app, "label"))
    proxy.pause()
    h.ok(f"paging from 0 (DRIFTKOLL_NO_SNAPSHOT=1): the bar says {text!r}")
    time.sleep(0.8)
    h.screenshot(shots, "first-sync-paging.png")
    proxy.resume()
    h.wait_for("the paged first sync done", lambda: cursor_of(data_dir, server.url) > 0,
               timeout=120)
    h.wait_for("the bar gone", lambda: not bar_text(app, "en"), timeout=30)
    h.ok("the paged first sync ends and the bar goes")
    h.stop_app(proc)
    proxy.close_all()


def main():
    shots = sys.argv[1]
    os.makedirs(shots, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="driftkoll-ui-first-sync-")
    server = None
    try:
        server = make_server(workdir)
        proxy = SlowProxy(int(server.listen.rsplit(":", 1)[1]), rate=3_000_000)
        for suffix, language, width, height, dark in VARIANTS:
            snapshot_first_sync(shots, server, proxy, workdir, suffix, language, width,
                                height, dark)
        paging_first_sync(shots, server, proxy, workdir)
    finally:
        for proc in h.started_apps:
            h.stop_app(proc)
        if server is not None and server.proc is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"1..{h.steps}", flush=True)


if __name__ == "__main__":
    main()
