#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a screen reader finds: the app's whole accessibility tree, walked.

A real driftkoll-server with the demo data and the real app. The test walks every node of
the app's windows (GTK 4.8 keeps hidden pages, revealers and stacks in the tree, so one
walk covers them too) in each place a nurse reaches — the lists with filters and search,
a case page, the reserve routines, a run with a ticked step, the preferences, the fault
report dialog, the offline banner — wide and at 360 px, and as a publisher (servicedesk:
the inbox, the composer). It fails on any control a person acts on (push button, toggle,
check box, radio button, list item, entry, combo box, spin button, …) without a name of
its own (GTK 4.8 names an unnamed button after its class: "GtkButton"); on a ticked step
that is not a check box with the checked state; on list rows whose accessible names do
not tell ongoing, planned and closed cases apart (and when a closed one closed). At 360 px
the window stays 360 px wide and every page tab and row lies inside it; the main window,
the preferences and the dialogs (start routine, fault report, login, composer) ask for no
more than 360 px (the least size GTK gives the X server). Screenshots of the lists, the
planned actions and a search showing an ongoing and a closed case (en, sv, nb, 360 px,
dark) go to SCREENSHOT_DIR.

    test-a11y.py SCREENSHOT_DIR   (run by tests/run-ui.sh: Xvfb, a private D-Bus and the
                                   accessibility bus)
Environment: DRIFTKOLL_SERVER, DRIFTKOLL_CLI, DRIFTKOLL_APP, GSETTINGS_SCHEMA_DIR and, for
the translated screenshots, DRIFTKOLL_LOCALEDIR.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# The harness of the app's UI test: the server, starting the app, finding controls.
_spec = importlib.util.spec_from_file_location(
    "ui_harness", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-app.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)
import pyatspi  # noqa: E402  (after the harness: it quiets dogtail's loading)

SCHEMA = "io.github.driftkoll.Driftkoll"
ROUTINE = "Driftstopp TES"
NARROW = 360

# What a person acts on: each needs a name a screen reader can say.
CONTROLS = {"push button", "toggle button", "check box", "radio button", "switch",
            "list item", "entry", "text", "password text", "combo box", "spin button",
            "menu item", "check menu item", "radio menu item", "slider", "link", "page tab"}
# GTK 4.8 names a control that has no name of its own after its class.
CLASS_NAME = re.compile(r"^(Gtk|Adw|Dk)[A-Z][A-Za-z]*$")

# The demo's closed, ongoing and planned cases in the current lists, and an archived one.
CLOSED = "Utskrifter från DIPS fungerar inte"
ONGOING = h.COSMIC
PLANNED = "Uppgradering av Treserva till ny version"
URGENT_PLANNED = "Säkerhetsuppdatering av SAMSA"
ARCHIVED = "Långa svarstider i Melior"
# The pages' names in the languages of the screenshots.
PLANNED_PAGE = {"en": "Planned Actions", "sv": "Planerade åtgärder", "nb": "Planlagte tiltak"}
INCIDENTS_PAGE = {"en": "Incidents", "sv": "Driftstörningar", "nb": "Driftsforstyrrelser"}


def cli(data_dir, url, *args, stdin=None):
    result = subprocess.run([os.environ["DRIFTKOLL_CLI"], "--server", url,
                             "--data-dir", data_dir, *args],
                            input=stdin, text=True, capture_output=True)
    if result.returncode != 0:
        h.fail(f"driftkoll-cli {' '.join(args)}: {result.stderr}")
    return result.stdout


# ---- the walk ----

def walk(node, path, found):
    """Every node under @node as (node, role, name, path), depth first."""
    try:
        role = node.getRoleName()
        name = node.name or ""
        count = node.childCount
    except Exception:   # a node gone while the tree changes
        return
    found.append((node, role, name, path))
    here = f"{path} / {role}" + (f" {name[:30]!r}" if name else "")
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        if child is not None:
            walk(child, here, found)


def nameless(app):
    """The controls of every window of @app without a name, as readable lines."""
    found = []
    for window in app.children:
        walk(window, "", found)
    problems = []
    for node, role, name, path in found:
        if role in CONTROLS and (not name.strip() or CLASS_NAME.match(name)):
            problems.append(f"{role} {name!r} at {path[-160:]}")
    return len(found), problems


def audit(app, where):
    """Fails the test when a control anywhere in @app's windows has no name."""
    time.sleep(0.3)   # what a click opened is in the tree
    count, problems = nameless(app)
    if problems:
        for line in problems:
            print(f"# nameless: {line}", flush=True)
        h.fail(f"{where}: {len(problems)} of {count} nodes are controls without a name")
    h.ok(f"{where}: every control among {count} nodes has a name")


def states(node):
    return node.getState()


def list_items(list_node):
    return [n for n in list_node.children if n.roleName == "list item"]


# ---- ongoing, planned, closed ----

def row_name(app, list_name, title):
    """The accessible name of the list item of @title in the list @list_name."""
    lst = h.wait_for(f"the list {list_name!r}", lambda: h.find(app, "list", list_name))

    def named():
        for item in list_items(lst):
            if h.find(item, "push button", f"Open “{title}”") is not None:
                return item.name or "(no name)"
        return None
    return h.wait_for(f"the row of {title!r} in {list_name!r}", named)


def rows_tell_status(app):
    closed = row_name(app, "Incidents", CLOSED)
    ongoing = row_name(app, "Incidents", ONGOING)
    planned = row_name(app, "Planned actions", PLANNED)
    urgent = row_name(app, "Planned actions", URGENT_PLANNED)
    archived = row_name(app, "Archive", ARCHIVED)
    print(f"# closed row: {closed!r}\n# ongoing row: {ongoing!r}\n# planned row: {planned!r}"
          f"\n# urgently planned row: {urgent!r}\n# archived row: {archived!r}", flush=True)
    expect = [(closed, "Closed —", CLOSED), (ongoing, "Ongoing —", ONGOING),
              (planned, "Planned", PLANNED), (urgent, "Urgently planned", URGENT_PLANNED),
              (archived, "Closed —", ARCHIVED)]
    for name, status, title in expect:
        if title not in name or status not in name:
            h.fail(f"the row of {title!r} does not say {status!r} in its name: {name!r}")
    for name, title in [(closed, CLOSED), (archived, ARCHIVED)]:
        if not re.search(r"Closed 20\d\d-\d\d-\d\d \d\d:\d\d", name):
            h.fail(f"the closed row of {title!r} does not say when it closed: {name!r}")
    if "Estimated end" in closed:
        h.fail(f"a closed row still gives an estimated end: {closed!r}")
    h.ok("ongoing, planned, urgently planned and closed rows say their status in their "
         "names, and closed ones when they closed (in the current list and the archive)")

    # On screen: a closed row's status is a word and a tick, not a colour alone.
    lst = h.find(app, "list", "Incidents")
    for item in list_items(lst):
        if h.find(item, "push button", f"Open “{CLOSED}”") is not None:
            if h.find_prefix(item, "label", "Closed — ") is None:
                h.fail("the closed row shows no status word")
            if h.find_prefix(item, "label", "Closed 20") is None:
                h.fail("the closed row does not show when it closed")
    h.ok("a closed row shows its status word and when it closed")


# ---- places a nurse goes ----

def lists_and_case(app):
    audit(app, "the lists (filters and search included)")
    rows_tell_status(app)

    h.click(app, "push button", "Filters")
    h.click(app, "push button", "Search")
    entry = h.wait_for("the search entry", lambda: h.find(app, "entry", "Search cases"))
    entry.text = "journalen"
    h.wait_for("the search results", lambda: h.find(app, "list", "Search results"))
    audit(app, "the lists while searching with the filters shown")
    entry.text = ""
    h.click(app, "push button", "Search")
    h.click(app, "push button", "Filters")

    h.click(app, "push button", f"Open “{h.TES}”")
    h.wait_for("the case's number", lambda: h.find(app, "label", "DK-1002"))
    audit(app, "a case page")
    h.click(app, "push button", "Back")


def routine_and_run(app, shots, suffix=""):
    h.click(app, "page tab", "Reserve Routines")
    h.click(app, "push button", f"Open “{ROUTINE}”")
    h.wait_for("the document control", lambda: h.find(app, "label", "Document control"))
    audit(app, "a reserve routine")
    h.click(app, "push button", "Start Routine…")
    unit = h.wait_for("the unit entry", lambda: h.find(app, "text", "Unit")
                      or h.find(app, "entry", "Unit"))
    audit(app, "the start routine dialog")
    unit.text = "Avdelning 12"
    h.wait_for("the dialog's Start", lambda: h.find_prefix(app, "push button", "_Start")
               ).doActionNamed("click")
    h.wait_for("the run's unit", lambda: h.find_prefix(app, "label", "Unit Avdelning 12"))

    # A step's tick is a check box that says whether it is checked.
    def tick():
        found = [n for n in app.findChildren(lambda n: n.name.startswith("Done: Rapportera"),
                                             recursive=True)]
        return found[0] if found else None
    box = h.wait_for("a step's tick", tick)
    if box.roleName != "check box":
        h.fail(f"a step's tick is a {box.roleName!r}, not a check box: a screen reader "
               "does not say whether it is checked")
    if states(box).contains(pyatspi.STATE_CHECKED):
        h.fail("a step nobody ticked says it is checked")
    box.doActionNamed("click")
    h.wait_for("who ticked the step", lambda: app.findChildren(
        lambda n: n.roleName == "label" and "✓ Ticked by " in n.name
        and "Rapportera" not in n.name, recursive=True))
    box = h.wait_for("the ticked step's tick", tick)
    h.wait_for("the ticked step checked", lambda: states(tick()).contains(pyatspi.STATE_CHECKED),
               explain=lambda: f"its states: {states(tick()).getStates()!r}")
    h.ok("a ticked step is a check box in the checked state")
    audit(app, "a run with a ticked step")
    time.sleep(0.3)
    h.screenshot(shots, f"a11y-run{suffix}.png")
    h.click(app, "push button", "Back to the routine")
    h.click(app, "page tab", "Incidents")


def start_dialog_narrow(app):
    """The start routine dialog over a 360 px window (a message dialog is as wide as its
    window lets it be)."""
    h.click(app, "page tab", "Reserve Routines")
    h.click(app, "push button", f"Open “{ROUTINE}”")
    h.click(app, "push button", "Start Routine…")
    dialog = h.window(app, "Start Routine")
    fits_phone(app, "Start Routine")
    audit(app, f"the start routine dialog at {NARROW} px")
    h.click_node(h.wait_for("the dialog's Cancel",
                            lambda: h.find_prefix(dialog, "push button", "_Cancel")
                            or h.find_prefix(dialog, "push button", "Cancel")))
    h.wait_for("the dialog closed", lambda: h.no_window(app, "Start Routine"))
    h.click(app, "push button", "Back to the routines")
    h.click(app, "page tab", "Incidents")


def composer(app, narrow=False):
    h.click(app, "push button", "New Case")
    window = h.window(app, "New Case")
    if narrow:
        fits_phone(app, "New Case")
    audit(app, "the composer" + (f" at {NARROW} px" if narrow else ""))
    h.rawinput.keyCombo("Escape")
    time.sleep(0.5)
    if not h.no_window(app, "New Case"):
        h.click_node(h.wait_for("a way to close the composer", lambda: h.find_prefix(
            window, "push button", "Cancel") or h.find_prefix(window, "push button", "Close")))
    h.wait_for("the composer closed", lambda: h.no_window(app, "New Case"))


def preferences(app, narrow=False):
    # The app's action, as Ctrl+, runs it: a key goes to whichever window has the focus.
    subprocess.run(["gapplication", "action", "io.github.driftkoll.Driftkoll", "preferences"],
                   check=True, capture_output=True)
    prefs = h.window(app, "Preferences")
    if narrow:
        fits_phone(app, "Preferences")
    for tab in [n.name for n in prefs.findChildren(lambda n: n.roleName == "page tab",
                                                   recursive=True)]:
        h.click(prefs, "page tab", tab)
    audit(app, "the preferences, every page")
    h.click(prefs, "push button", "Close")
    h.wait_for("the preferences closed", lambda: h.no_window(app, "Preferences"))


def report_dialog(app, narrow=False):
    h.click(app, "push button", "Report a fault")
    dialog = h.window(app, "Report a Fault")
    if narrow:
        fits_phone(app, "Report a Fault")
    audit(app, "the fault report dialog")
    close = (h.find_prefix(dialog, "push button", "Cancel")
             or h.find_prefix(dialog, "push button", "Close"))
    if close is None:
        h.fail("the fault report dialog has no Cancel or Close: " + h.list_names(dialog,
                                                                             "push button"))
    h.click_node(close)
    h.wait_for("the dialog closed", lambda: h.no_window(app, "Report a Fault"))


def login_dialog(app, narrow=False):
    subprocess.run(["gapplication", "action", "io.github.driftkoll.Driftkoll", "login"],
                   check=True, capture_output=True)
    dialog = h.window(app, "Log In")
    if narrow:
        fits_phone(app, "Log In")
    audit(app, "the login dialog")
    h.click_node(h.wait_for("the login dialog's Cancel",
                            lambda: h.find_prefix(dialog, "push button", "Cancel")))
    h.wait_for("the login dialog closed", lambda: h.no_window(app, "Log In"))


def offline(app, server):
    server.stop()
    # The header says offline by itself within 2 s (issue 12): no sync to press.
    h.wait_for("the offline indicator", lambda: h.find(app, "push button", "Connection: Offline"))
    h.wait_for("the offline banner", lambda: h.find_prefix(app, "label", "Offline since"))
    audit(app, "offline, with the banner")
    server.start()
    try_again = h.find(app, "push button", "Try Again")
    if try_again is not None:
        h.click_node(try_again)
    h.wait_for("online again", lambda: h.find(app, "push button", "Connection: Online"))


# ---- narrow ----

def least_width(app, title):
    """The least width of the content of the app's window @title, or None while there is
    no such window. GTK gives the X server the window's least size in WM_NORMAL_HINTS;
    the X window is wider than the window's content by the frame GTK draws around it
    (the accessibility tree tells the content's width), which a maximized window on a
    phone does not have."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                          check=True).stdout
    for line in tree.splitlines():
        if f'"{title}": ("driftkoll"' in line:
            hints = subprocess.run(["xprop", "-id", line.split()[0], "WM_NORMAL_HINTS"],
                                   capture_output=True, text=True).stdout
            minimum = re.search(r"minimum size: (\d+) by (\d+)", hints)
            geometry = re.search(r"\)\s+(\d+)x(\d+)\+", line)
            content = h.extents(h.window(app, title))[2]
            if minimum and geometry and content > 0:
                return int(minimum.group(1)) - (int(geometry.group(1)) - content)
    return None


def fits_phone(app, title):
    """Fails unless the window @title can be 360 px wide (a phone-sized screen)."""
    width = h.wait_for(f"the least width of {title!r}", lambda: least_width(app, title))
    print(f"# {title!r} can be {width} px wide", flush=True)
    if width > NARROW:
        h.fail(f"the window {title!r} cannot be narrower than {width} px: it does not fit "
               f"a {NARROW} px screen")
    return width

def inside(node, window, what):
    x, y, width, height = h.extents(node)
    wx, _, wwidth, _ = h.extents(window)
    if width <= 0 or x < wx or x + width > wx + wwidth:
        h.fail(f"{what} is not inside the {wwidth} px window: {(x, y, width, height)}")


def narrow(app, shots, suffix):
    """At 360 px the window stays 360 px; the page tabs and the rows lie inside it."""
    h.wait_for("the narrow window at its size", h.settled_window)
    fits_phone(app, "Driftkoll")
    window = h.window(app, "Driftkoll")
    width = h.extents(window)[2]
    print(f"# the narrow window is {width} px wide", flush=True)
    if width > NARROW:
        h.fail(f"the window asked for {NARROW} px is {width} px wide: something keeps it wider")
    bar = [n for n in app.findChildren(lambda n: n.roleName == "page tab", recursive=True)
           if h.extents(n)[2] > 0 and h.extents(n)[1] > h.extents(window)[3] // 2]
    if not bar:
        h.fail("no page tab at the bottom of the narrow window")
    for tab in bar:
        inside(tab, window, f"the page tab {tab.name!r}")
    lst = h.find(app, "list", "Incidents")
    for item in list_items(lst)[:3]:
        inside(item, window, f"the row {item.name[:40]!r}")
        for label in item.findChildren(lambda n: n.roleName == "label" and n.name,
                                       recursive=True):
            inside(label, window, f"the row's text {label.name!r}")
    h.ok(f"at {NARROW} px the window is {width} px wide and its page tabs and rows fit")
    time.sleep(0.5)
    h.screenshot(shots, f"a11y-lists{suffix}.png")


def past_the_last_window(app, proc, when):
    """A screen reader whose count of windows went stale (a dialog just closed) asks for
    one past the last. GTK 4.8 then answers with the last window even when it is hidden,
    whose accessible has no path: with GTK's help overlay (a window kept hidden for the
    app's life) the app crashed in g_variant_new_object_path ("the preferences closed",
    CI of stop 20). The app keeps no hidden window now."""
    app.getChildAtIndex(app.childCount)
    time.sleep(0.3)
    if proc.poll() is not None:
        h.fail(f"{when}, asking for a window past the last ended the app ({proc.poll()})")
    h.ok(f"{when}, a window index past the last leaves the app running")


def shortcuts(app, proc):
    """The keyboard shortcuts window opens, and closed it leaves no window behind."""
    subprocess.run(["gapplication", "action", "io.github.driftkoll.Driftkoll", "shortcuts"],
                   check=True, capture_output=True)
    h.window(app, "Keyboard Shortcuts")
    h.rawinput.keyCombo("Escape")
    h.wait_for("the shortcuts closed", lambda: h.no_window(app, "Keyboard Shortcuts"))
    past_the_last_window(app, proc, "after the shortcuts closed")


# ---- a session ----

def start(data_dir, url, config_home, width=1000, height=760, language="en", dark=False):
    h.set_window_size(config_home, width, height)
    os.makedirs(os.path.join(config_home, "gtk-4.0"), exist_ok=True)
    with open(os.path.join(config_home, "gtk-4.0", "settings.ini"), "w") as settings:
        settings.write("[Settings]\ngtk-decoration-layout=:close\n")
    h.gsettings(config_home, "set", SCHEMA, "color-scheme", "dark" if dark else "default")
    saved = {k: os.environ.get(k) for k in ("LANGUAGE", "LANG", "LC_ALL")}
    os.environ.pop("LC_ALL", None)
    os.environ["LANG"] = "C.UTF-8"
    os.environ["LANGUAGE"] = language
    try:
        proc = h.start_app(data_dir, url, config_home)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    app = h.find_app()
    h.wait_for("the demo cases", lambda: h.find(app, "label", ONGOING))
    return proc, app


def screenshots(shots, server, data_dir, config_home):
    """The lists in sv (360 px), nb (wide, Planned Actions) and dark (360 px, sv)."""
    variants = [("sv", NARROW, False), ("nb", 1000, False), ("sv", NARROW, True),
                ("en", 1000, True)]
    for language, width, dark in variants:
        suffix = f"-{language}" + ("-narrow" if width == NARROW else "") + ("-dark" if dark else "")
        proc, app = start(data_dir, server.url, config_home, width=width, language=language,
                          dark=dark)
        try:
            h.wait_for("the window at its size", h.settled_window)
            time.sleep(0.6)
            h.screenshot(shots, f"a11y-lists{suffix}.png")
            # Planned and urgently planned work: an outline, dashed or solid.
            h.click(app, "page tab", PLANNED_PAGE[language])
            h.wait_for("the planned work", lambda: h.find(app, "label", URGENT_PLANNED))
            time.sleep(0.6)
            h.screenshot(shots, f"a11y-planned{suffix}.png")
            h.click(app, "page tab", INCIDENTS_PAGE[language])
            # A closed case of the current list next to an ongoing one, found by search
            # (Ctrl+F): the window shows the top of a list only.
            h.rawinput.keyCombo("<Control>f")
            entry = h.wait_for("the search entry", lambda: [
                n for n in app.findChildren(lambda n: n.roleName == "entry", recursive=True)])[0]
            entry.text = "journalen"
            h.wait_for("the closed case found", lambda: [
                n for n in app.findChildren(lambda n: n.roleName == "list item"
                                            and n.name.startswith("DK-1012, "), recursive=True)])
            time.sleep(0.6)
            h.screenshot(shots, f"a11y-search{suffix}.png")
            if width == NARROW:
                width_now = h.extents(h.window(app, "Driftkoll"))[2]
                if width_now > NARROW:
                    h.fail(f"in {language} the narrow window is {width_now} px wide")
        finally:
            h.stop_app(proc)
        h.ok(f"the lists in {language}" + (f" at {width} px" if width == NARROW else "")
             + (", dark" if dark else "")
             + f": a11y-lists{suffix}.png, a11y-planned{suffix}.png, a11y-search{suffix}.png")


def main():
    shots = sys.argv[1]
    os.makedirs(shots, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="driftkoll-ui-a11y-")
    server = h.Server(workdir)
    proc = None
    try:
        server.start()
        nurse_dir = os.path.join(workdir, "nurse")
        nurse_config = os.path.join(workdir, "config-nurse")
        cli(nurse_dir, server.url, "login", "staff", stdin="demo\n")
        desk_dir = os.path.join(workdir, "desk")
        desk_config = os.path.join(workdir, "config-desk")
        cli(desk_dir, server.url, "login", "servicedesk", stdin="demo\n")
        h.ok("driftkoll-cli logs a nurse (staff) and a publisher (servicedesk) in")

        # A nurse, wide.
        proc, app = start(nurse_dir, server.url, nurse_config)
        past_the_last_window(app, proc, "at start")
        lists_and_case(app)
        routine_and_run(app, shots)
        preferences(app)
        past_the_last_window(app, proc, "after the preferences closed")
        shortcuts(app, proc)
        report_dialog(app)
        login_dialog(app)
        offline(app, server)
        h.stop_app(proc)

        # A nurse at 360 px: the same places.
        proc, app = start(nurse_dir, server.url, nurse_config, width=NARROW)
        narrow(app, shots, "-narrow")
        audit(app, f"the lists at {NARROW} px")
        h.click(app, "push button", f"Open “{h.TES}”")
        h.wait_for("the case's number", lambda: h.find(app, "label", "DK-1002"))
        inside(h.find(app, "label", "DK-1002"), h.window(app, "Driftkoll"), "the case's number")
        audit(app, f"a case page at {NARROW} px")
        h.click(app, "push button", "Back")
        start_dialog_narrow(app)
        preferences(app, narrow=True)
        report_dialog(app, narrow=True)
        login_dialog(app, narrow=True)
        h.stop_app(proc)

        # A publisher: the inbox and the composer.
        proc, app = start(desk_dir, server.url, desk_config)
        h.click(app, "page tab", "Inbox")
        audit(app, "a publisher's lists and inbox")
        composer(app)
        h.stop_app(proc)
        proc, app = start(desk_dir, server.url, desk_config, width=NARROW)
        narrow(app, shots, "-publisher-narrow")
        audit(app, f"a publisher's lists at {NARROW} px")
        composer(app, narrow=True)
        h.stop_app(proc)
        proc = None

        screenshots(shots, server, nurse_dir, nurse_config)
    except SystemExit:
        h.screenshot(shots, "a11y-failure.png")
        raise
    finally:
        if proc is not None:
            h.stop_app(proc)
        if server.proc is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"1..{h.steps}", flush=True)
    if h.steps == 0:
        h.fail("no step ran")


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
