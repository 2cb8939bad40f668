#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop app driven as a person would, through its accessibility tree.

A real driftkoll-server with the demo data, an empty data dir and the real app, with
dunst as the notification daemon:
  - log in through the app's own login dialog (a wrong password first), see the demo cases;
  - filter, search, open a case and its reserve routine;
  - a case published through the API: a notification in dunst's history, the row in the
    list without anyone asking;
  - the preferences (Ctrl+,): the Following page, run in the background switched on;
  - stop the server: the offline banner, the lists and case pages still work; start it:
    the banner goes; a change the server refused can be discarded;
  - a notification's default action (dunstctl action 0) shows its case;
  - the window closed: the app keeps running and notifying, a notification brings the
    window back at its case; app.quit over D-Bus ends it;
  - a narrow window.
Screenshots of the main window, a case page, the offline banner, the narrow layout, the
login dialog and the preferences go to SCREENSHOT_DIR.

    test-app.py SCREENSHOT_DIR   (run by tests/run-ui.sh --dunst: Xvfb, a private D-Bus,
                                  the accessibility bus and dunst)
Environment: DRIFTKOLL_SERVER, DRIFTKOLL_CLI, DRIFTKOLL_APP, GSETTINGS_SCHEMA_DIR.
"""

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

# dogtail refuses to load unless it believes accessibility is on; GTK 4 talks to the
# AT-SPI bus of this session whatever the setting says.
os.environ["GTK_MODULES"] = "gail:atk-bridge"
# dogtail talks on stdout while it loads; stdout is the TAP stream.
sys.stdout, _tap = sys.stderr, sys.stdout
from dogtail import config, predicate, rawinput, tree  # noqa: E402
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
    for proc in started_apps:
        if proc.poll() is not None:
            print(f"# the app {proc.pid} had exited with status {proc.returncode}", flush=True)
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


def text_of(node):
    """An entry's text: GTK 4.8 answers "" to getText (0, -1), so ask for every character."""
    text = node.queryText()
    return text.getText(0, text.characterCount)


def find_nearest(node, role, name):
    """The first node with this role and name under @node's closest ancestor that has one."""
    ancestor = node.parent
    while ancestor is not None:
        found = find(ancestor, role, name)
        if found is not None:
            return found
        ancestor = ancestor.parent
    return None


def gone(node, role, name):
    return find(node, role, name) is None


def click(node, role, name):
    button = wait_for(f"a {role} named {name!r}", lambda: find(node, role, name),
                      explain=lambda: list_names(node, role))
    click_node(button)


def click_node(node):
    actions = list(node.actions.keys())
    node.doActionNamed("click" if "click" in actions else (actions[0] if actions else "click"))


def extents(node):
    """(x, y, width, height) of a node on the screen."""
    box = node.queryComponent().getExtents(0)   # ATSPI_COORD_TYPE_SCREEN
    return box.x, box.y, box.width, box.height


def laid_out_above(upper, lower):
    """True when @upper ends where @lower begins or above: nothing drawn over it."""
    _, upper_y, _, upper_height = extents(upper)
    _, lower_y, _, lower_height = extents(lower)
    return upper_height > 0 and lower_height > 0 and upper_y + upper_height <= lower_y


def window_geometry():
    """The main window's X geometry, as xwininfo says it ("446x700+0+0")."""
    info = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                          check=True).stdout
    for line in info.splitlines():
        if '"Driftkoll": ("driftkoll"' in line:
            return line.split(")")[-1].split()[0]
    return None


def settled_window():
    """True once the window keeps its size between two looks: GTK grows a window to the
    least its content needs after the first frame, and with no window manager that is
    the X window's size, so a picture taken before shows the content cut off."""
    first = window_geometry()
    time.sleep(0.3)
    return first is not None and first == window_geometry()


def screenshot(directory, name):
    """The windows on the screen, without the black of the screen around them (a black
    border first, so that -trim takes that colour whatever the corner shows)."""
    path = os.path.join(directory, name)
    subprocess.run(["import", "-window", "root", path], check=True)
    subprocess.run(["convert", path, "-bordercolor", "black", "-border", "1", "-trim",
                    "+repage", path], check=True)
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
        # Straight to 127.0.0.1, whatever proxy the environment names.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

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

    def post(self, path, body, token=None):
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(),
                                         headers=headers, method="POST")
        try:
            with self.opener.open(request, timeout=TIMEOUT) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as error:
            fail(f"POST {path}: {error.code} {error.read().decode(errors='replace')}")

    def publish(self, title, priority=1, service="tes"):
        """Publishes an IT incident as servicedesk through the API; returns its number."""
        token = self.post("api/v1/session",
                          {"username": "servicedesk", "password": "demo"})["token"]
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        data = {"id": str(uuid.uuid4()), "kind": "incident", "area": "it_telephony",
                "title": title, "description": "Publicerad av UI-testet", "scope": "Alla",
                "services": [service], "status": "ongoing", "priority": priority,
                "major": priority <= 2, "public": False, "external_ref": None,
                "start": now, "expected_end": None, "closed_at": None,
                "updates": [{"id": str(uuid.uuid4()), "phrase": "identified",
                             "text": "Vi felsöker"}]}
        answer = self.post("api/v1/mutations",
                           {"mutations": [{"id": str(uuid.uuid4()), "op": "case.create",
                                           "base_revision": 0, "data": data}]}, token)
        result = answer["results"][0]
        if result["status"] != "applied":
            fail(f"publishing {title!r}: {result}")
        return result["number"]


# ---- dunst (TESTING.md, "Notifications") ----

def dunstctl(*args):
    return subprocess.run(["dunstctl", *args], check=True, capture_output=True,
                          text=True).stdout


def dunst_history():
    """Every notification dunst has shown, as (summary, body): what is on screen is
    closed first, for dunst keeps it out of the history until then."""
    dunstctl("close-all")
    history = json.loads(dunstctl("history"))
    return [(n["summary"]["data"], n["body"]["data"]) for n in history["data"][0]]


def in_dunst_history(title):
    return [body for summary, body in dunst_history() if summary == title]


def displayed():
    return int(dunstctl("count", "displayed").strip())


# ---- the app ----

def app_env(config_home):
    # The app's settings live in a keyfile of the test's own (GSETTINGS_BACKEND=keyfile
    # under XDG_CONFIG_HOME): the memory backend of the other tests would keep them
    # inside the app, where neither `gsettings` nor a second start could see them.
    env = dict(os.environ)
    env.pop("GTK_MODULES", None)
    env["GSETTINGS_BACKEND"] = "keyfile"
    env["XDG_CONFIG_HOME"] = config_home
    return env


# The apps a test started, so that a failure can say whether one had died (a crash under
# the sanitizers shows as a wait that timed out).
started_apps = []


def start_app(data_dir, url, config_home):
    proc = subprocess.Popen([os.environ["DRIFTKOLL_APP"], "--server", url,
                             "--data-dir", data_dir], env=app_env(config_home))
    started_apps.append(proc)
    return proc


def gsettings(config_home, *args):
    return subprocess.run(["gsettings", *args], env=app_env(config_home), check=True,
                          capture_output=True, text=True).stdout.strip()


def set_window_size(config_home, width, height):
    schema = "io.github.driftkoll.Driftkoll"
    gsettings(config_home, "set", schema, "window-width", str(width))
    gsettings(config_home, "set", schema, "window-height", str(height))


def find_app():
    return wait_for("the app in the accessibility tree",
                    lambda: [a for a in tree.root.applications() if a.name == "driftkoll"])[0]


def window(app, title):
    """The app's top-level window with this title (a frame, or a dialog's filler)."""
    return wait_for(f"the window {title!r}",
                    lambda: [w for w in app.children if w.name == title])[0]


def no_window(app, title):
    return not [w for w in app.children if w.name == title]


def stop_app(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def list_names(node, role):
    return "there are: " + ", ".join(repr(n.name) for n in node.findChildren(
        lambda n: n.roleName == role, recursive=True))


# ---- the steps, in the order a person goes ----

def log_in(app, shots):
    """An empty data dir: the banner asks to log in; a wrong password is told in the
    dialog, the right one closes it and the demo cases arrive."""
    wait_for("the banner saying nobody is logged in",
             lambda: find_prefix(app, "label", "Not logged in."))
    wait_for("the indicator saying nobody is logged in",
             lambda: find(app, "push button", "Connection: Not logged in"))
    wait_for("the lists saying nothing was synced yet",
             lambda: find(app, "label", "Nothing Synced Yet"))
    if find(app, "label", COSMIC) is not None or find(app, "label", "No Incidents") is not None:
        fail("before anyone logged in the incidents page lists cases or says there are none")
    ok("an empty data dir shows that nobody is logged in and nothing was synced yet")

    click(app, "push button", "Log In…")
    dialog = window(app, "Log In")
    server_entry = wait_for("the server address", lambda: find_prefix(dialog, "text",
                                                                      "Server address"))
    if not text_of(server_entry).startswith("http://127.0.0.1:"):
        fail(f"the dialog's server address is {text_of(server_entry)!r}")
    wait_for("the username", lambda: find_prefix(dialog, "text", "Username")).text = "staff"
    password = wait_for("the password", lambda: find_prefix(dialog, "text", "Password"))
    password.text = "fel"
    log_in_button = wait_for("the Log In button enabled", lambda: [
        b for b in [find_prefix(dialog, "push button", "Log In")] if b is not None and b.sensitive])[0]
    screenshot(shots, "login-dialog.png")

    # A mistyped address is told in the dialog, before anything is sent.
    address = text_of(server_entry)
    server_entry.text = "http://"
    click_node(log_in_button)
    wait_for("the address refused in the dialog",
             lambda: find_prefix(dialog, "label", "“http://” is not a server address"),
             explain=lambda: list_names(dialog, "label"))
    ok("a server address that names no server is refused in the login dialog")
    server_entry.text = address

    click_node(log_in_button)
    wait_for("the server's refusal in the dialog",
             lambda: find(dialog, "label", "Wrong username or password"),
             explain=lambda: list_names(dialog, "label"))
    ok("a wrong password is told in the login dialog, which stays open")

    password.text = "demo"
    click_node(log_in_button)
    wait_for("the login dialog closed", lambda: no_window(app, "Log In"))
    wait_for("the demo incident in the list", lambda: find(app, "label", COSMIC))
    wait_for("the online indicator", lambda: find(app, "push button", "Connection: Online"))
    wait_for("the banner gone", lambda: find_prefix(app, "label", "Not logged in.") is None)
    wait_for("the empty pages no longer waiting for a first sync",
             lambda: find(app, "label", "Nothing Synced Yet") is None)
    ok("logging in through the app's dialog syncs and shows the demo cases, online")


def filter_and_search(app, shots):
    # Filter by area: only laboratory medicine.
    click(app, "push button", "Filters")
    wait_for("the service filter, by its name", lambda: find(app, "push button", "Service"),
             explain=lambda: list_names(app, "push button"))
    click(app, "push button", LAB_MEDICINE)
    wait_for("the IT incident filtered away", lambda: gone(app, "label", COSMIC))
    wait_for("the lab incident still listed", lambda: find(app, "label", UNILAB))
    ok("filtering by area shows only that area")
    screenshot(shots, "filters.png")
    areas = ["All areas", "IT/Telephony", LAB_MEDICINE, "Facilities/Service deliveries"]
    tops = {name: extents(find(app, "push button", name))[1] for name in areas}
    if len(set(tops.values())) != 1:
        fail(f"the area filters are not on one line in a wide window: {tops}")
    ok("the area filters are on one line in a wide window")
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


def open_case(app, shots):
    click(app, "push button", f"Open “{TES}”")
    wait_for("the case's number", lambda: find(app, "label", "DK-1002"))
    wait_for("the case's timeline",
             lambda: find_prefix(app, "label", "2026-") or find(app, "label", "No updates yet"))
    wait_for("the button to the reserve routine",
             lambda: find(app, "push button", "Open reserve routine for TES"))
    ok("a case opens on its own page with its details, timeline and reserve routine")
    screenshot(shots, "case-page.png")
    start = find(app, "push button", "Start reserve routine for TES")
    details = find_nearest(start, "label", "Details")
    if not laid_out_above(start, details):
        fail(f"the routine buttons are drawn over the next heading: {extents(start)} "
             f"reaches into {extents(details)}")
    ok("the reserve routine's buttons end above the next section")
    click(app, "push button", "Open reserve routine for TES")
    wait_for("the routine on the routines page", lambda: find(app, "label", "Driftstopp TES"))
    ok("the case's reserve routine opens on the routines page")
    click(app, "page tab", "Incidents")
    wait_for("the list after going back", lambda: find(app, "label", COSMIC))


def publish_shows_up(app, server):
    title = "UI-test: Växeln svarar inte"
    dunst_history()  # closes whatever is on screen
    number = server.publish(title)
    wait_for("the published case's row, with no one asking",
             lambda: find(app, "push button", f"Open “{title}”"))
    ok(f"a case published through the API ({number}) shows up in the list by itself")
    bodies = wait_for("the notification in dunst's history", lambda: in_dunst_history(title),
                      explain=lambda: f"dunst's history: {dunst_history()!r}")
    if "Published" not in bodies[0] or "IT/Telephony" not in bodies[0]:
        fail(f"the notification says {bodies[0]!r}")
    ok("the published case gives a notification with its title, what happened and the area")


def preferences(app, shots, config_home):
    rawinput.keyCombo("<Control>comma")
    prefs = window(app, "Preferences")
    ok("Ctrl+, opens the preferences")

    switch = wait_for("the run in the background switch",
                      lambda: find_prefix(prefs, "check box", "Run in the background"))
    if switch.checked:
        fail("run in the background is on before anyone chose it")
    click_node(switch)
    wait_for("the switch on", lambda: switch.checked)
    wait_for("run-in-background stored", lambda: gsettings(
        config_home, "get", "io.github.driftkoll.Driftkoll", "run-in-background") == "true")
    ok("the run in the background switch turns the setting on")

    click(prefs, "page tab", "Following")
    wait_for("the Following page", lambda: find(prefs, "label", "What I Follow"))
    screenshot(shots, "preferences.png")
    # Until the user chooses: priority 1-2 in every area, and crisis information always.
    priority = wait_for("the lowest priority", lambda: find_prefix(prefs, "combo box",
                                                                   "Lowest priority"),
                        explain=lambda: list_names(prefs, "combo box"))
    major = wait_for("the major incidents only switch",
                     lambda: find_prefix(prefs, "check box", "Major incidents only"),
                     explain=lambda: list_names(prefs, "check box"))
    crisis = wait_for("the crisis information switch",
                      lambda: find_prefix(prefs, "check box", "Crisis information always"),
                      explain=lambda: list_names(prefs, "check box"))
    # The chosen level with what it means ("2 – Part of the services stand still ...").
    if find_prefix(priority, "label", "2 – ") is None or major.checked or not crisis.checked:
        fail("the Following page does not show the default (lowest priority 2, crisis "
             f"information always): {list_names(priority, 'label')}, major {major.checked}, "
             f"crisis {crisis.checked}")
    ok("the Following page shows the default: priority 1-2 and crisis information always")
    click(prefs, "push button", "Close")
    wait_for("the preferences closed", lambda: no_window(app, "Preferences"))


def offline_and_back(app, server, shots, data_dir):
    server.stop()
    # The header says offline by itself within 2 s (issue 12): no sync to press.
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
    number = wait_for("another case's page offline", lambda: find(app, "label", "DK-1003"))
    # The page's own banner, not the one of the lists behind it.
    if find_nearest(number, "label", banner) is None:
        fail("the case page does not say the app is offline")
    screenshot(shots, "offline-case-page.png")
    ok("a case opened offline says since when the app is offline and how old it is")
    click(app, "push button", "Back")
    click(app, "push button", "Search")
    entry = wait_for("the search entry", lambda: find(app, "entry", "Search cases"))
    entry.text = "journalen"
    results = wait_for("the search results", lambda: find(app, "list", "Search results"))
    wait_for("the search result offline", lambda: find(results, "label", COSMIC))
    entry.text = ""
    click(app, "push button", "Search")
    ok("offline, the lists, the case pages and search still work")

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
    outbox = [w for w in app.children if w.name != "Driftkoll"]
    for other in outbox:
        close = find(other, "push button", "Close")
        if close is not None:
            click_node(close)
    wait_for("only the main window left",
             lambda: [w.name for w in app.children] == ["Driftkoll"],
             explain=lambda: f"the app's exit status: {app_proc.poll()!r}")


def notification_opens_case(app, server, title):
    """Publishes @title and activates its notification's default action in dunst."""
    dunst_history()  # nothing else on screen: position 0 is the new one
    number = server.publish(title)
    wait_for("the notification on screen", lambda: displayed() == 1,
             explain=lambda: f"dunst shows {displayed()}: "
                             f"{dunstctl('history')[:2000]!r}")
    dunstctl("action", "0")
    wait_for("the case's page after the notification's action",
             lambda: find(app, "label", number),
             explain=lambda: list_names(app, "label"))
    if not in_dunst_history(title):
        fail(f"no notification titled {title!r} in dunst's history")
    return number


def run_in_background(app, app_proc, server):
    """With run in the background on, closing the window leaves the app syncing and
    notifying; a notification's action brings the window back; app.quit ends it."""
    main = window(app, "Driftkoll")
    click(main, "push button", "Close")
    wait_for("the main window closed", lambda: no_window(app, "Driftkoll"),
             explain=lambda: f"the app's exit status: {app_proc.poll()!r}")
    if app_proc.poll() is not None:
        fail(f"the app ended with {app_proc.returncode} when its window closed")
    ok("with run in the background on, closing the window leaves the app running")

    title = "UI-test: Fönstret stängt, appen vaksam"
    number = notification_opens_case(app, server, title)
    window(app, "Driftkoll")
    ok(f"with the window closed the app still notifies ({number}), and the notification's "
       "action opens a window at the case")

    subprocess.run(["gapplication", "action", "io.github.driftkoll.Driftkoll", "quit"],
                   check=True, capture_output=True)
    try:
        code = app_proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        fail("app.quit did not end the app")
    if code != 0:
        fail(f"the app ended with {code} after app.quit")
    ok("app.quit ends the app running in the background")


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
        set_window_size(config_home, 1000, 700)
        # Only a close button on the window, as GNOME has it; GTK's default without a
        # desktop adds minimize and maximize, 70 px a narrow window would not have.
        os.makedirs(os.path.join(config_home, "gtk-4.0"))
        with open(os.path.join(config_home, "gtk-4.0", "settings.ini"), "w") as settings:
            settings.write("[Settings]\ngtk-decoration-layout=:close\n")

        app_proc = start_app(data_dir, server.url, config_home)
        app = find_app()
        log_in(app, shots)
        wait_for("the window at its size", settled_window)
        screenshot(shots, "main-window.png")

        filter_and_search(app, shots)
        open_case(app, shots)
        publish_shows_up(app, server)
        preferences(app, shots, config_home)
        offline_and_back(app, server, shots, data_dir)

        number = notification_opens_case(app, server, "UI-test: Larmet går till fel nummer")
        ok(f"a notification's default action shows its case ({number})")

        run_in_background(app, app_proc, server)
        app_proc = None

        # A narrow window: the page switcher moves to the bottom, the rows still fit.
        gsettings(config_home, "set", "io.github.driftkoll.Driftkoll", "run-in-background",
                  "false")
        set_window_size(config_home, 360, 700)
        app_proc = start_app(data_dir, server.url, config_home)
        app = find_app()
        wait_for("the demo incident in a narrow window", lambda: find(app, "label", COSMIC))
        wait_for("the page switcher at the bottom", lambda: find(app, "page tab", "Incidents"))
        wait_for("the narrow window at its size", settled_window)
        screenshot(shots, "narrow-window.png")
        # Every page is measured for the window's least width, shown or not: one wide row
        # of controls anywhere (the archive's date range, a page's buttons) keeps the
        # whole window wider. What is left at 360 px is libadwaita's bottom switcher of
        # five pages and the header bar, about 400 px.
        main_window = window(app, "Driftkoll")
        width = extents(main_window)[2]
        if width > 420:
            fail(f"the narrow window is {width} px wide: something keeps it from shrinking")
        click(app, "page tab", "Archive")
        to_entry = wait_for("the archive's date range", lambda: find(app, "text", "Archive to")
                            or find(app, "entry", "Archive to"),
                            explain=lambda: list_names(app, "text"))
        x, _, entry_width, _ = extents(to_entry)
        if x + entry_width > extents(main_window)[0] + width:
            fail(f"the archive's date range runs out of the narrow window: {extents(to_entry)}")
        click(app, "page tab", "Incidents")
        ok(f"the narrow window stays narrow ({width} px) and the archive's date range fits it")
        click(app, "push button", "Filters")
        wait_for("the filters in the narrow window", lambda: find(app, "push button", "Service"))
        time.sleep(0.5)   # the revealer's transition
        screenshot(shots, "narrow-filters.png")
        click(app, "push button", "Filters")
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
