#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Publish click in the composer → the desktop notification on another desktop.

A real driftkoll-server with the demo data, the app logged in as lab_communicator, and a
second desktop (dk-staff-desktop: staff's replica, the app's engine and notifier) in the
same session. RUNS times (20): open New Case, pick the Labmedicin template, tick Unilab,
priority 2, a title of its own, Preview; then the clock starts as Publish is clicked and
stops when the staff desktop's Notify call with that title crosses the session bus
(dbus-monitor). Prints each run and the median in milliseconds.

    publish-notify.py RUNS   (run by bench/publish-notify.sh under tests/run-ui.sh --dunst)
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("ui_compose",
                                               os.path.join(here, "..", "tests", "ui",
                                                            "test-compose.py"))
c = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(c)
h = c.h


class NotifyWatch:
    """dbus-monitor on the Notify calls: the monotonic time each summary was seen."""

    def __init__(self):
        self.seen = {}
        self.proc = subprocess.Popen(
            ["dbus-monitor", "interface='org.freedesktop.Notifications',member='Notify'"],
            stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith('string "Bench '):
                self.seen.setdefault(line[len('string "'):-1], time.monotonic())

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    workdir = tempfile.mkdtemp(prefix="driftkoll-bench-publish-")
    server = h.Server(workdir)
    staff = None
    proc = None
    watch = NotifyWatch()
    times = []
    app_times = []
    try:
        server.start()
        staff_dir = os.path.join(workdir, "staff")
        c.cli(staff_dir, server.url, "login", "staff", stdin="demo\n")
        staff = c.StaffDesktop(staff_dir, server.url)
        data_dir = os.path.join(workdir, "lab")
        config_home = os.path.join(workdir, "config")
        h.set_window_size(config_home, 1100, 800)
        c.cli(data_dir, server.url, "login", "lab_communicator", stdin="demo\n")
        # The app says "Publishing" (G_MESSAGES_DEBUG=dk-composer, on its stdout) when its
        # publish action starts: the clock of the second figure, without the AT-SPI round
        # trips the driver needs before the click reaches the app.
        env = h.app_env(config_home)
        env["G_MESSAGES_DEBUG"] = os.environ.get("DK_APP_DEBUG", "dk-composer")
        proc = subprocess.Popen([os.environ["DRIFTKOLL_APP"], "--server", server.url,
                                 "--data-dir", data_dir], env=env, stdout=subprocess.PIPE,
                                text=True)
        publishing = []

        def read_app():
            for line in proc.stdout:
                if "dk-composer-DEBUG" in line and ": Publishing" in line:
                    publishing.append(time.monotonic())
                if os.environ.get("DK_APP_DEBUG"):
                    print("# " + line.rstrip(), flush=True)

        threading.Thread(target=read_app, daemon=True).start()
        app = h.find_app()
        h.wait_for("online", lambda: h.find(app, "push button", "Connection: Online"))
        for run in range(1, runs + 1):
            title = f"Bench {run} {os.getpid()} Unilab"
            composer = c.open_composer(app)
            c.compose_lab_incident(app, composer, None)
            c.set_entry(composer, "Title", title)
            c.press(composer, "Preview")
            h.wait_for("the preview", lambda: h.find(composer, "label", title))
            publish = h.wait_for("Publish", lambda: c.find_button(composer, "Publish"))
            start = time.monotonic()
            h.click_node(publish)
            h.wait_for("the notification", lambda: title in watch.seen, timeout=60)
            ms = (watch.seen[title] - start) * 1000
            times.append(ms)
            h.wait_for("the app's Publishing line", lambda: len(publishing) == run)
            app_ms = (watch.seen[title] - publishing[-1]) * 1000
            app_times.append(app_ms)
            print(f"run {run}: click → Notify {ms:.0f} ms, publish action → Notify "
                  f"{app_ms:.0f} ms", flush=True)
            h.wait_for("the composer closed", lambda: h.no_window(app, "New Case"))
            h.click(app, "push button", "Back")
            h.dunstctl("close-all")
        for what, values in (("click → Notify", times), ("publish action → Notify", app_times)):
            values.sort()
            print(f"{what}, median of {len(values)}: {values[len(values) // 2]:.0f} ms "
                  f"(min {values[0]:.0f}, max {values[-1]:.0f})", flush=True)
    finally:
        watch.stop()
        if proc is not None:
            h.stop_app(proc)
        if staff is not None:
            staff.stop()
        if server.proc is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
