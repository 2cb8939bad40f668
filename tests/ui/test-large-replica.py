#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The main window over a replica of some thousands of cases: it appears, and its list
shows rows, within bounds that are generous for a loaded machine and far below what
rows that are costly to measure took.

Case rows whose labels wrapped without a limit made GTK 4.8 measure text for about a
tenth of a second per row, for the up to 200 rows each list view keeps (every page of
the window's view stack is measured): 28 s with one full list on a 2-core VM, minutes
with all four full (a replica of 20,000), the window blank meanwhile (app: "Case rows
wrap to two lines at most"). Here a real driftkoll-server with the demo data and N
generated cases (default 8,000, a quarter for each list, titles as long as may be and
30 services each, so that rows wrap), driftkoll-cli logs in and syncs, the server stops,
and the real app starts offline from the replica: it must be in the accessibility tree
with its window within 30 s, and the Incidents list must name a generated case's row
within 30 s more. The broken rows took 92 s to the window here on the 2-core VM, the
fixed ones 4 s. A screenshot goes to SCREENSHOT_DIR.

    test-large-replica.py SCREENSHOT_DIR [N]   (run by tests/run-ui.sh: Xvfb, a
                                               private D-Bus and the accessibility bus)
Environment: DRIFTKOLL_SERVER, DRIFTKOLL_CLI, DRIFTKOLL_APP, GSETTINGS_SCHEMA_DIR.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

# The harness of the app's UI test: ok/fail/wait_for, the app's environment, dogtail set up.
_spec = importlib.util.spec_from_file_location(
    "ui_harness", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-app.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)
from dogtail import tree  # noqa: E402  (after the harness: it quiets dogtail's loading)

TIMEOUT = 30
TITLE = "Large replica case"


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def write_cases(path, n):
    """N cases, a quarter each of ongoing incidents, planned actions, ongoing crises and
    closed incidents, so that every list of the window has more rows than GTK 4.8 makes
    widgets for (200); titles and services long enough to wrap."""
    services = [f"{name} {where}" for where in ("Lund", "Malmö", "Helsingborg")
                for name in ("Cosmic", "Sectra PACS", "Raindance", "Telefoni", "Treserva",
                             "Melior", "Outlook", "Lifecare", "DIPS", "Orbit")]
    looks = [("incident", "ongoing"), ("planned", "planned"), ("crisis", "ongoing"),
             ("incident", "closed")]
    now = int(time.time())
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            kind, status = looks[i % len(looks)]
            # Planned actions a month ahead: no reminder is due while the test runs.
            start = now - 3600 - i * 60 if kind != "planned" else now + 30 * 86400 + i * 60
            case = {
                "id": str(uuid.UUID(int=i + 1)),
                "kind": kind,
                "area": "it_telephony",
                # As long as a title may be (200 characters).
                "title": (f"{TITLE} {i + 1}: Störning i journalsystemet med "
                          "långsamma inloggningar, utskrifter som inte kommer fram till "
                          "avdelningarnas skrivare och provsvar som dröjer i labbets "
                          "system medan leverantören felsöker")[:200],
                "description": "Felsökning pågår.",
                "scope": "Berör hela regionen",
                "services": services[i % 3:],
                "status": status,
                "priority": 1 + i % 4,
                "major": i % 7 == 0,
                "public": i % 2 == 0,
                "start": iso(start),
                "expected_end": iso(start + 8 * 3600),
                "updates": [],
            }
            if status == "closed":
                case["closed_at"] = iso(start + 4 * 3600)
            out.write(json.dumps(case, ensure_ascii=False) + "\n")


def main():
    shots = sys.argv[1] if len(sys.argv) > 1 else None
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    if shots is not None:
        os.makedirs(shots, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="driftkoll-ui-large-replica-")
    server_bin = os.environ["DRIFTKOLL_SERVER"]
    cli = os.environ["DRIFTKOLL_CLI"]
    db = os.path.join(workdir, "server.db")
    data_dir = os.path.join(workdir, "data")
    config_home = os.path.join(workdir, "config")
    os.makedirs(config_home)
    server = None
    app_proc = None
    print("1..4", flush=True)
    try:
        cases = os.path.join(workdir, "cases.jsonl")
        write_cases(cases, n)
        subprocess.run([server_bin, "init", "--db", db, "--demo"], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([server_bin, "import-cases", "--db", db, cases], check=True,
                       stdout=subprocess.DEVNULL)
        server = subprocess.Popen([server_bin, "serve", "--db", db, "--listen",
                                   "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
        first = server.stdout.readline().strip()
        if not first.startswith("listening on http://127.0.0.1:"):
            h.fail(f"the server said {first!r}")
        url = first[len("listening on "):]
        subprocess.run([cli, "--server", url, "--data-dir", data_dir, "login", "servicedesk"],
                       input="demo\n", text=True, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([cli, "--data-dir", data_dir, "sync"], check=True,
                       stdout=subprocess.DEVNULL)
        server.terminate()
        server.wait(timeout=TIMEOUT)
        server.stdout.close()
        server = None
        h.ok(f"a replica of {n} generated cases and the demo's, the server stopped")

        began = time.monotonic()
        app_proc = subprocess.Popen([os.environ["DRIFTKOLL_APP"], "--data-dir", data_dir],
                                    env=h.app_env(config_home))
        app = h.wait_for("the app in the accessibility tree",
                       lambda: [a for a in tree.root.applications()
                                if a.name == "driftkoll"])[0]
        window = h.wait_for("the main window",
                          lambda: app.findChild(lambda w: w.roleName == "frame",
                                                retry=False, requireResult=False))
        print(f"# the window after {time.monotonic() - began:.1f} s", flush=True)
        h.ok("the main window appears within 30 s")

        incidents = h.wait_for("the Incidents list",
                             lambda: window.findChild(lambda w: w.roleName == "list"
                                                      and w.name == "Incidents",
                                                      retry=False, requireResult=False))
        row = h.wait_for("a generated case's row in the Incidents list",
                       lambda: incidents.findChild(lambda w: w.roleName == "list item"
                                                   and TITLE in w.name,
                                                   retry=False, requireResult=False))
        print(f"# a row ({row.name[:40]}…) after {time.monotonic() - began:.1f} s",
              flush=True)
        if shots is not None:
            subprocess.run(["import", "-window", "root",
                            os.path.join(shots, "large-replica.png")], check=True)
        h.ok("the Incidents list shows the generated cases' rows")

        if app_proc.poll() is not None:
            h.fail(f"the app exited ({app_proc.returncode})")
        h.ok("the app still runs")
    finally:
        if app_proc is not None and app_proc.poll() is None:
            app_proc.terminate()
            try:
                app_proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                app_proc.kill()
                app_proc.wait()
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
