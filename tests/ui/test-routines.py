#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reserve routines in the desktop app, driven as a person would.

A real driftkoll-server with the demo data; one data dir logged in as routine_owner
with driftkoll-cli. Open the Reserve Routines page, search it, open "Driftstopp TES"
and see its document control and steps; start a run for a unit, tick a step and see
who ticked it and when; a tick from another desktop (driftkoll-cli, a second data dir)
shows in the open run; open the routine editor. Screenshots of the routine view, the
run view and the editor go to SCREENSHOT_DIR.

    test-routines.py SCREENSHOT_DIR     (run by run-ui.sh inside Xvfb and a private D-Bus)
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

# The harness of the app's UI test: the server, starting the app, finding controls.
_spec = importlib.util.spec_from_file_location(
    "ui_harness", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-app.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)

ROUTINE = "Driftstopp TES"
UNIT = "Avdelning 12"
USER = "routine_owner"


def cli(data_dir, url, *args, stdin=None):
    result = subprocess.run([os.environ["DRIFTKOLL_CLI"], "--server", url,
                             "--data-dir", data_dir, *args],
                            input=stdin, text=True, capture_output=True)
    if result.returncode != 0:
        h.fail(f"driftkoll-cli {' '.join(args)}: {result.stderr}")
    return result.stdout


def main():
    shots = sys.argv[1]
    os.makedirs(shots, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="driftkoll-ui-routines-")
    server = h.Server(workdir)
    app_proc = None
    try:
        server.start()
        data_dir = os.path.join(workdir, "data")
        other_dir = os.path.join(workdir, "other")
        config_home = os.path.join(workdir, "config")
        h.set_window_size(config_home, 1100, 780)
        cli(data_dir, server.url, "login", USER, stdin="demo\n")
        cli(other_dir, server.url, "login", "staff", stdin="demo\n")
        h.ok("driftkoll-cli logs one data dir in as routine_owner, another as staff")

        app_proc = h.start_app(data_dir, server.url, config_home)
        app = h.find_app()
        h.wait_for("the online indicator", lambda: h.find(app, "push button", "Connection: Online"))

        # The Reserve Routines page, searched: folded words find the routine.
        h.click(app, "page tab", "Reserve Routines")
        entry = h.wait_for("the routine search", lambda: h.find(app, "entry", "Search routines"))
        h.wait_for("the routine in the library",
                   lambda: h.find(app, "push button", f"Open “{ROUTINE}”"),
                   explain=lambda: "there are: " + ", ".join(
                       f"{n.roleName}:{n.name!r}" for n in app.findChildren(
                           lambda n: n.roleName in ("push button", "list item", "label"),
                           recursive=True)))
        entry.text = "tes driftstopp"
        h.wait_for("the match", lambda: h.find(app, "push button", f"Open “{ROUTINE}”"))
        h.wait_for("only the match",
                   lambda: h.find_prefix(app, "push button", "Open “Reservrutin för genomf") is None)
        entry.text = "nothing matches this"
        h.wait_for("no match", lambda: h.find(app, "label", "No Matching Routines"))
        entry.text = ""
        h.ok("the Reserve Routines page lists and searches the routines")
        screenshot_library = "routines-library.png"
        time.sleep(0.5)
        h.screenshot(shots, screenshot_library)

        # The routine: document control and steps by phase.
        h.click(app, "push button", f"Open “{ROUTINE}”")
        h.wait_for("the document control", lambda: h.find(app, "label", "Document control"))
        h.wait_for("the during phase", lambda: h.find(app, "label", "During the outage"))
        h.wait_for("the owner", lambda: h.find(app, "label", "Owner"))
        h.ok("the routine shows its document control and steps by phase")
        time.sleep(0.5)
        h.screenshot(shots, "routine-view.png")

        # Start a run for a unit.
        h.click(app, "push button", "Start Routine…")
        unit = h.wait_for("the unit entry", lambda: h.find(app, "text", "Unit")
                          or h.find(app, "entry", "Unit"),
                          explain=lambda: "there are: " + ", ".join(
                              f"{n.roleName}:{n.name!r}" for n in app.findChildren(
                                  lambda n: n.roleName not in ("label", "push button", "list item",
                                                               "filler", "panel"),
                                  recursive=True)))
        unit.text = UNIT
        # GTK 4.8 names AdwMessageDialog's responses "_Start Start" (label, then text).
        h.wait_for("the dialog's Start", lambda: h.find_prefix(app, "push button", "_Start")
                   ).doActionNamed("click")
        h.wait_for("the run's unit", lambda: h.find_prefix(app, "label", f"Unit {UNIT}"))
        h.ok("starting the routine for a unit opens its run")

        # Tick the first step of the during phase; see who ticked it.
        box = h.wait_for("a step's check box",
                         lambda: h.find_prefix(app, "check box", "Done: Rapportera"),
                         explain=lambda: "there are: " + ", ".join(
                             f"{n.roleName}:{n.name!r}" for n in app.findChildren(
                                 lambda n: n.name.startswith("Done"), recursive=True)))
        box.doActionNamed("click")
        h.wait_for("who ticked the step", lambda: app.findChildren(
            lambda n: n.roleName == "label" and f"✓ Ticked by {USER}, " in n.name
            and "Rapportera" not in n.name, recursive=True))
        h.wait_for("the phase's progress", lambda: h.find(app, "label", "1 of 6 done"))
        h.ok("a ticked step says who ticked it and when")

        time.sleep(0.5)
        h.screenshot(shots, "run-view.png")

        # Another desktop (driftkoll-cli as staff) starts a run on another unit and ticks
        # a step: the routine's runs and that run show it without a click to sync.
        h.click(app, "push button", "Back to the routine")
        cli(other_dir, server.url, "sync")
        routine = [r for r in json.loads(cli(other_dir, server.url, "routines", "--json"))
                   if r["title"] == ROUTINE][0]
        step = [s for s in routine["steps"] if s["phase"] == "during"][1]["id"]
        out = cli(other_dir, server.url, "run", "start", routine["id"], "--unit", "Avdelning 7")
        other_run = out.strip().split()[-1]
        cli(other_dir, server.url, "run", "check", other_run, step)
        cli(other_dir, server.url, "sync")
        h.click(app, "push button", "Open run on Avdelning 7")
        h.wait_for("the other desktop's tick", lambda: app.findChildren(
            lambda n: n.roleName == "label" and "✓ Ticked by staff, " in n.name,
            recursive=True))
        h.ok("a run and a tick from another desktop show without syncing by hand")

        # The editor, for a routine owner.
        h.click(app, "push button", "Back to the routine")

        # With one revision What Changed says there is nothing to compare yet.
        h.click(app, "push button", "What Changed")
        h.wait_for("nothing to compare yet", lambda: h.find_prefix(
            app, "label", "The routine has one revision only"))
        h.ok("What Changed of a routine with one revision says there is nothing to compare")
        h.click(h.window(app, "What Changed"), "push button", "Close")
        h.wait_for("What Changed closed", lambda: h.no_window(app, "What Changed"))

        h.click(app, "push button", "Edit")
        h.wait_for("the editor", lambda: h.find(app, "push button", "Save Revision"))
        h.wait_for("a step's phase", lambda: h.find_prefix(app, "push button", "Move step 2 up"))
        h.ok("a routine owner opens the editor")
        time.sleep(0.5)
        h.screenshot(shots, "routine-editor.png")

        # Steps are added and removed in place.
        h.click(app, "push button", "Add Step")
        h.wait_for("the new step", lambda: h.find(app, "push button", "Remove step 11"))
        time.sleep(0.5)
        h.screenshot(shots, "routine-editor-steps.png")
        h.click(app, "push button", "Remove step 11")
        h.wait_for("the new step gone", lambda: h.find(app, "push button", "Remove step 11") is None)
        h.ok("the editor adds and removes steps")

        # Save a new revision; What Changed fetches the revisions from the server.
        title = h.wait_for("the title entry", lambda: h.find(app, "text", "Title"))
        title.text = ROUTINE + " – reviderad"
        h.click(app, "push button", "Save Revision")
        h.wait_for("the routine again", lambda: h.find(app, "push button", "What Changed"))
        h.wait_for("the revision sent", lambda: h.find(app, "push button", "Connection: Online"))
        time.sleep(1.0)
        h.click(app, "push button", "What Changed")
        h.wait_for("the title's change", lambda: app.findChildren(
            lambda n: n.roleName == "label" and "– reviderad" in n.name, recursive=True),
            explain=lambda: "there are: " + ", ".join(
                repr(n.name) for n in app.findChildren(lambda n: n.roleName == "label"
                                                       and n.name, recursive=True)[-12:]))
        if app.findChildren(lambda n: n.roleName == "label" and n.name.startswith("Valid until: "),
                            recursive=True):
            h.fail("saving changed the routine's valid until, which nobody edited")
        h.ok("a saved revision shows in What Changed, fetched from the server")
        time.sleep(0.5)
        h.screenshot(shots, "routine-revisions.png")

        # Approving it: wards see the new revision once the server has the approval.
        click_prefix = h.wait_for("the approve button",
                                  lambda: h.find(app, "push button", "Approve Revision 7"))
        click_prefix.doActionNamed("click")
        h.wait_for("the approved revision on the routine page", lambda: h.find(
            app, "label", ROUTINE + " – reviderad"), timeout=60)
        h.ok("approving the draft makes it the routine wards see")
        h.click(app, "push button", "Close")  # the What Changed window

        # From the outage's case page, one click starts the routine tied to that case.
        h.click(app, "page tab", "Incidents")
        h.click(app, "push button", f"Open “{h.TES}”")
        h.click(app, "push button", "Start reserve routine for TES")
        h.wait_for("the case preselected",
                   lambda: h.find_prefix(app, "combo box", "Outage case")
                   and app.findChildren(lambda n: n.roleName == "label"
                                        and n.name.startswith("DK-1002 "), recursive=True))
        h.wait_for("the dialog's Start", lambda: h.find_prefix(app, "push button", "_Start")
                   ).doActionNamed("click")
        h.wait_for("the run tied to the case",
                   lambda: app.findChildren(lambda n: n.roleName == "label"
                                            and "For case DK-1002" in n.name, recursive=True))
        h.ok("a case page starts the routine of its service tied to the case")
        time.sleep(0.5)
        h.screenshot(shots, "run-for-case.png")
    except SystemExit:
        h.screenshot(shots, "routines-failure.png")
        raise
    finally:
        if app_proc is not None:
            h.stop_app(app_proc)
        if server.proc is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"1..{h.steps}", flush=True)
    if h.steps == 0:
        h.fail("no step ran")


if __name__ == "__main__":
    main()
