#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop app driven as a person would, through its accessibility tree.

A real driftkoll-server with the demo data, a data dir logged in as staff with
driftkoll-cli, the real app: see the demo cases, filter, search, open a case; stop the
server and see the offline banner while the lists still work; start it again and see the
banner go; a narrow window. Screenshots go to SCREENSHOT_DIR.

    test-app.py SCREENSHOT_DIR      (run by run-ui.sh inside Xvfb and a private D-Bus)
Environment: DRIFTKOLL_SERVER, DRIFTKOLL_CLI, DRIFTKOLL_APP, GSETTINGS_SCHEMA_DIR.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# dogtail refuses to load unless it believes accessibility is on; GTK 4 talks to the
# AT-SPI bus of this session whatever the setting says.
os.environ["GTK_MODULES"] = "gail:atk-bridge"
# dogtail talks on stdout while it loads; stdout is the TAP stream.
sys.stdout, _tap = sys.stderr, sys.stdout
from dogtail import config, predicate, tree  # noqa: E402
sys.stdout = _tap

config.config.logDebugToFile = False
config.config.logDebugToStdOut = False
config.config.searchCutoffCount = 1
config.config.actionDelay = 0.2

TIMEOUT = 30

COSMIC = "Cosmic otillgängligt – ingen åtkomst till journalen"
UNILAB = "Fördröjda provsvar från Unilab"
TES = "Inloggning i TES-appen misslyckas"
PHONES = "Långa väntetider i telefonväxeln"   # priority 4: not followed by default
LAB_MEDICINE = "Laboratory medicine"

steps = 0


def ok(what):
    global steps
    steps += 1
    print(f"ok {steps} - {what}", flush=True)


def fail(what):
    print(f"not ok - {what}", flush=True)
    raise SystemExit(1)


def wait_for(what, check, timeout=TIMEOUT, explain=None):
    """Polls check() until it returns something true; fails the test after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except Exception:  # the tree changes under our feet while the app updates
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            if explain is not None:
                print(f"# {explain()}", flush=True)
            fail(f"{what} (waited {timeout} s)")
        time.sleep(0.2)


# GTK 4.8 keeps widgets that are not on screen (other pages, hidden revealers) in the
# tree and says nothing about whether they show, so checks look for texts that only a
# shown state puts there: list rows exist only for the items a list shows, and the
# banner's text is emptied when it hides.
def find(node, role, name):
    """The first descendant with this role and name, or None."""
    return node.findChild(predicate.GenericPredicate(name=name, roleName=role),
                          retry=False, requireResult=False)


def find_prefix(node, role, prefix):
    found = node.findChildren(lambda n: n.roleName == role and n.name.startswith(prefix),
                              recursive=True)
    return found[0] if found else None


def gone(node, role, name):
    return find(node, role, name) is None


def click(node, role, name):
    button = wait_for(f"a {role} named {name!r}", lambda: find(node, role, name),
                      explain=lambda: "there are: " + ", ".join(
                          repr(n.name) for n in node.findChildren(
                              lambda n: n.roleName == role, recursive=True)))
    actions = list(button.actions.keys())
    action = "click" if "click" in actions else (actions[0] if actions else "click")
    button.doActionNamed(action)


def screenshot(directory, name):
    path = os.path.join(directory, name)
    subprocess.run(["import", "-window", "root", path], check=True)
    print(f"# screenshot {path}", flush=True)


class Server:
    """driftkoll-server with the demo data on 127.0.0.1; stop() and start() keep the port."""

    def __init__(self, workdir):
        self.binary = os.environ["DRIFTKOLL_SERVER"]
        self.db = os.path.join(workdir, "server.db")
        subprocess.run([self.binary, "init", "--db", self.db, "--demo"], check=True,
                       stdout=subprocess.DEVNULL)
        self.listen = "127.0.0.1:0"
        self.proc = None
        self.url = None

    def start(self):
        self.proc = subprocess.Popen([self.binary, "serve", "--db", self.db,
                                      "--listen", self.listen],
                                     stdout=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline().strip()
        if not first.startswith("listening on http://127.0.0.1:"):
            fail(f"the server said {first!r}")
        self.url = first[len("listening on "):]
        self.listen = self.url[len("http://"):].rstrip("/")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=TIMEOUT)
        self.proc.stdout.close()
        self.proc = None


def start_app(data_dir, url, config_home):
    env = dict(os.environ)
    env.pop("GTK_MODULES", None)
    env["GSETTINGS_BACKEND"] = "keyfile"
    env["XDG_CONFIG_HOME"] = config_home
    return subprocess.Popen([os.environ["DRIFTKOLL_APP"], "--server", url,
                             "--data-dir", data_dir], env=env)


def write_window_size(config_home, width, height):
    directory = os.path.join(config_home, "glib-2.0", "settings")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "keyfile"), "w") as f:
        f.write("[io/github/driftkoll/Driftkoll]\n"
                f"window-width={width}\nwindow-height={height}\n")


def find_app():
    return wait_for("the app in the accessibility tree",
                    lambda: [a for a in tree.root.applications() if a.name == "driftkoll"])[0]


def stop_app(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    shots = sys.argv[1]
    os.makedirs(shots, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="driftkoll-ui-")
    server = Server(workdir)
    app_proc = None
    try:
        server.start()
        data_dir = os.path.join(workdir, "data")
        config_home = os.path.join(workdir, "config")
        write_window_size(config_home, 1000, 700)
        login = subprocess.run([os.environ["DRIFTKOLL_CLI"], "--server", server.url,
                                "--data-dir", data_dir, "login", "staff"],
                               input="demo\n", text=True, capture_output=True)
        if login.returncode != 0:
            fail(f"driftkoll-cli login: {login.stderr}")
        ok("driftkoll-cli logs the data dir in as staff")

        app_proc = start_app(data_dir, server.url, config_home)
        app = find_app()
        wait_for("the demo incident in the list", lambda: find(app, "label", COSMIC))
        wait_for("the online indicator", lambda: find(app, "push button", "Connection: Online"))
        ok("the app syncs and shows the demo cases, online")
        screenshot(shots, "main-window.png")

        # Filter by area: only laboratory medicine.
        click(app, "push button", "Filters")
        click(app, "push button", LAB_MEDICINE)
        wait_for("the IT incident filtered away", lambda: gone(app, "label", COSMIC))
        wait_for("the lab incident still listed", lambda: find(app, "label", UNILAB))
        ok("filtering by area shows only that area")
        click(app, "push button", "All areas")
        wait_for("every area again", lambda: find(app, "label", COSMIC))

        # What I follow, by default major incidents (priority 1-2) and crisis information.
        click(app, "push button", "Only what I follow")
        wait_for("the priority 4 incident filtered away", lambda: gone(app, "label", PHONES))
        wait_for("the major incident still listed", lambda: find(app, "label", COSMIC))
        ok("only what I follow shows the default subscription's cases")
        click(app, "push button", "Only what I follow")
        wait_for("everything again", lambda: find(app, "label", PHONES))
        click(app, "push button", "Filters")

        # Search over the full-text index; "provsvar" finds the Unilab incident.
        click(app, "push button", "Search")
        entry = wait_for("the search entry", lambda: find(app, "entry", "Search cases"))
        entry.text = "provsvar unilab"
        results = wait_for("the search results", lambda: find(app, "list", "Search results"))
        wait_for("the search result", lambda: find(results, "label", UNILAB))
        wait_for("only the match", lambda: gone(results, "label", COSMIC))
        ok("searching finds the case and only it")
        entry.text = ""
        wait_for("the list back after the search", lambda: find(app, "label", COSMIC))
        click(app, "push button", "Search")

        # Open a case: every field, the timeline, the reserve routine of its service.
        click(app, "push button", f"Open “{TES}”")
        wait_for("the case's number", lambda: find(app, "label", "DK-1002"))
        wait_for("the case's timeline",
                 lambda: find_prefix(app, "label", "2026-") or find(app, "label", "No updates yet"))
        wait_for("the button to the reserve routine",
                 lambda: find(app, "push button", "Open reserve routine for TES"))
        ok("a case opens on its own page with its details, timeline and reserve routine")
        screenshot(shots, "case-page.png")
        click(app, "push button", "Open reserve routine for TES")
        wait_for("the routine on the routines page", lambda: find(app, "label", "Driftstopp TES"))
        ok("the case's reserve routine opens on the routines page")
        click(app, "page tab", "Incidents")
        wait_for("the list after going back", lambda: find(app, "label", COSMIC))

        # Offline: the banner says so, the lists still work.
        server.stop()
        click(app, "push button", "Connection: Online")
        wait_for("the offline banner",
                 lambda: find_prefix(app, "label", "Offline since"))
        wait_for("the offline indicator", lambda: find(app, "push button", "Connection: Offline"))
        banner = find_prefix(app, "label", "Offline since").name
        if "The information is from" not in banner or "No changes wait" not in banner:
            fail(f"the banner says too little: {banner!r}")
        ok("with the server gone the banner says since when and how old the information is")
        screenshot(shots, "offline-banner.png")
        wait_for("the cases still listed offline", lambda: find(app, "label", COSMIC))
        click(app, "push button", f"Open “{UNILAB}”")
        wait_for("another case's page offline", lambda: find(app, "label", "DK-1003"))
        click(app, "push button", "Back")
        ok("offline, the lists and the case page still work")

        # A change made offline that the server will refuse: staff may not publish.
        update = subprocess.run([os.environ["DRIFTKOLL_CLI"], "--data-dir", data_dir, "update",
                                 "DK-1001", "--phrase", "monitoring",
                                 "--text", "Skrivet av personal utan rätt roll"],
                                capture_output=True, text=True)
        if update.returncode != 0:
            fail(f"driftkoll-cli update: {update.stderr}")

        # Back online: the banner goes.
        server.start()
        # The engine retries by itself with back-off; Try Again does not wait for it.
        if find(app, "push button", "Connection: Offline") is not None:
            try_again = find(app, "push button", "Try Again")
            if try_again is not None:
                try_again.doActionNamed("click")
        wait_for("the online indicator again",
                 lambda: find(app, "push button", "Connection: Online"))
        wait_for("the banner gone", lambda: find_prefix(app, "label", "Offline since") is None)
        ok("with the server back the banner goes")

        # The refused change is shown where the user can act on it, and can be discarded.
        wait_for("the banner about the refused change",
                 lambda: find_prefix(app, "label", "1 change was not accepted by the server"))
        click(app, "push button", "Show Changes")
        discard = wait_for("the refused change with a Discard button",
                           lambda: find_prefix(app, "push button", "Discard Update: DK-1001"))
        wait_for("the server's reason", lambda: find_prefix(app, "label", "Rejected by the server"))
        screenshot(shots, "outbox.png")
        discard.doActionNamed("click")
        wait_for("the outbox empty", lambda: find(app, "label", "Nothing Waits") and
                 find_prefix(app, "push button", "Discard Update: DK-1001") is None)
        wait_for("the banner about refused changes gone",
                 lambda: find_prefix(app, "label", "1 change was not accepted") is None)
        ok("a change the server refused is listed, and discarding it clears the banner")

        stop_app(app_proc)
        app_proc = None

        # A narrow window: the page switcher moves to the bottom, the rows still fit.
        write_window_size(config_home, 360, 700)
        app_proc = start_app(data_dir, server.url, config_home)
        app = find_app()
        wait_for("the demo incident in a narrow window", lambda: find(app, "label", COSMIC))
        time.sleep(0.5)  # let the window settle before the picture, nothing is checked
        screenshot(shots, "narrow-window.png")
        ok("the app works in a narrow window")
    finally:
        if app_proc is not None:
            stop_app(app_proc)
        if server.proc is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"1..{steps}", flush=True)
    if steps == 0:
        fail("no step ran")


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException:
        import traceback
        traceback.print_exc()
        print("not ok - the test broke (traceback above)", flush=True)
        sys.exit(1)
