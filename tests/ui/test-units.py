#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The catalogue of units in the desktop app, driven as a person would.

A real driftkoll-server with the demo data, whose catalogue has "Avdelning 12" with the
alias "Avd 12". A nurse (staff) types "avd 12" as the unit in the Start Routine dialog:
the picker offers "Avdelning 12" and the run is on "Avdelning 12" in the app and on the
server. A desktop whose unit is the alias "Avd 12" shows the reserve banner for a reserve
routine declared for "Avdelning 12". Staff see no "Units" in the main menu; an admin
does, adds a unit there (sent to the server), and a duplicate alias is refused with a
clear message. Screenshots of the picker and the Units window in en, sv, nb, 360 px
wide and dark go to SCREENSHOT_DIR.

    test-units.py SCREENSHOT_DIR     (run by run-ui.sh inside Xvfb and a private D-Bus)
Environment: DRIFTKOLL_SERVER, DRIFTKOLL_CLI, DRIFTKOLL_APP, GSETTINGS_SCHEMA_DIR,
DRIFTKOLL_LOCALEDIR (the build dir's translations).
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

# The harness of the app's UI test: the server, starting the app, finding controls.
_spec = importlib.util.spec_from_file_location(
    "ui_harness", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-app.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)

SCHEMA = "io.github.driftkoll.Driftkoll"
ROUTINE = "Driftstopp TES"
UNIT = "Avdelning 12"
ALIAS = "Avd 12"
# The start dialog's title and the Units window's, by language.
START_TITLE = {"en": "Start Routine", "sv": "Starta rutin", "nb": "Start rutine"}
UNITS_TITLE = {"en": "Units", "sv": "Enheter", "nb": "Enheter"}
VARIANTS = [("", "en", 1000, 720, "default"), ("-sv", "sv", 1000, 720, "default"),
            ("-nb", "nb", 1000, 720, "default"), ("-narrow", "en", 360, 720, "default"),
            ("-dark", "en", 1000, 720, "dark")]


def cli(data_dir, url, *args, stdin=None, check=True):
    result = subprocess.run([os.environ["DRIFTKOLL_CLI"], "--server", url,
                             "--data-dir", data_dir, *args],
                            input=stdin, text=True, capture_output=True)
    if check and result.returncode != 0:
        h.fail(f"driftkoll-cli {' '.join(args)}: {result.stderr}")
    return result


def start(data_dir, url, config_home, language="en", dark=False, width=1000, height=720):
    h.set_window_size(config_home, width, height)
    os.makedirs(os.path.join(config_home, "gtk-4.0"), exist_ok=True)
    with open(os.path.join(config_home, "gtk-4.0", "settings.ini"), "w") as settings:
        settings.write("[Settings]\ngtk-decoration-layout=:close\n")
    h.gsettings(config_home, "set", SCHEMA, "color-scheme", "dark" if dark else "default")
    env = h.app_env(config_home)
    env.pop("LC_ALL", None)
    env["LANG"] = "C.UTF-8"
    env["LANGUAGE"] = language
    proc = subprocess.Popen([os.environ["DRIFTKOLL_APP"], "--server", url,
                             "--data-dir", data_dir], env=env)
    app = h.find_app()
    h.wait_for("the app online", lambda: h.find_prefix(app, "push button", "Connection: ")
               or h.find_prefix(app, "push button", "Anslutning: ")
               or h.find_prefix(app, "push button", "Tilkobling: "))
    return proc, app


def other_windows(app):
    return [w for w in app.children if w.name != "Driftkoll"]


def open_start_dialog(app, language):
    """The Reserve Routines page, the TES routine, its Start Routine dialog."""
    tab = {"en": "Reserve Routines", "sv": "Reservrutiner", "nb": "Reserverutiner"}[language]
    h.click(app, "page tab", tab)
    h.wait_for("the routine in the library", lambda: [
        n for n in app.findChildren(lambda n: n.roleName == "push button"
                                    and n.name[1:].startswith(("pen ", "ppna ", "pne "))
                                    and ROUTINE in n.name, recursive=True)],
        explain=lambda: h.list_names(app, "push button"))[0].doActionNamed("click")
    h.wait_for("Start Routine…", lambda: h.find_prefix(
        app, "push button", {"en": "Start Routine", "sv": "Starta rutin",
                             "nb": "Start rutine"}[language]),
        explain=lambda: h.list_names(app, "push button")).doActionNamed("click")
    return h.wait_for("the start dialog", lambda: [
        w for w in other_windows(app) if h.find(w, "label", START_TITLE[language])],
        explain=lambda: f"windows: {[w.name for w in app.children]}")[0]


def type_unit(dialog, text, language="en"):
    unit = h.wait_for("the unit entry", lambda: h.find(dialog, "text", {
        "en": "Unit", "sv": "Enhet", "nb": "Enhet"}[language]),
        explain=lambda: h.list_names(dialog, "text"))
    unit.text = text
    return unit


def nurse_types_an_alias(shots, server, workdir):
    data_dir = os.path.join(workdir, "staff")
    config_home = os.path.join(workdir, "config-staff")
    cli(data_dir, server.url, "login", "staff", stdin="demo\n")
    proc, app = start(data_dir, server.url, config_home)
    h.wait_for("online", lambda: h.find(app, "push button", "Connection: Online"))

    dialog = open_start_dialog(app, "en")
    type_unit(dialog, "avd 12")
    h.wait_for("the picker offering the catalogue's name",
               lambda: h.find_prefix(dialog, "push button", f"Use “{UNIT}”"),
               explain=lambda: h.list_names(dialog, "push button"))
    h.ok(f"typing “avd 12” offers “{UNIT}”")
    suggestion = h.wait_for("the suggestion", lambda: app.findChildren(
        lambda n: n.name.startswith(f"{UNIT}, also {ALIAS}"), recursive=True),
        timeout=5, explain=lambda: h.list_names(app, "list item"))
    h.ok(f"the suggestions list “{UNIT}” with its aliases ({suggestion[0].roleName})")
    time.sleep(0.5)
    h.screenshot(shots, "unit-picker.png")

    h.wait_for("the dialog's Start", lambda: h.find_prefix(dialog, "push button", "_Start")
               ).doActionNamed("click")
    h.wait_for("the run's unit", lambda: h.find_prefix(app, "label", f"Unit {UNIT}"),
               explain=lambda: h.list_names(app, "label"))
    h.ok(f"the run started with “avd 12” is on “{UNIT}”")
    remembered = h.gsettings(config_home, "get", SCHEMA, "unit")
    if remembered != f"'{UNIT}'":
        h.fail(f"the desktop's unit is {remembered}, not {UNIT!r}")
    h.ok(f"the desktop remembers “{UNIT}” as its unit")

    other = os.path.join(workdir, "other")
    cli(other, server.url, "login", "staff", stdin="demo\n")

    def runs_on_server():
        cli(other, server.url, "sync")
        runs = json.loads(cli(other, server.url, "run", "list", "--json").stdout)
        return [r["unit"] for r in runs]
    units = h.wait_for("the run on the server", runs_on_server)
    if units != [UNIT]:
        h.fail(f"the server's runs are on {units}, not [{UNIT!r}]")
    h.ok(f"the server has the run on “{UNIT}”, not on “avd 12”")

    # Preferences: My unit shows the remembered unit; an alias typed there is kept as
    # the catalogue's name.
    h.rawinput.keyCombo("<Control>comma")
    prefs = h.window(app, "Preferences")
    mine = h.wait_for("My unit", lambda: h.find(prefs, "text", "My unit"),
                      explain=lambda: h.list_names(prefs, "text"))
    if h.text_of(mine) != UNIT:
        h.fail(f"My unit shows {h.text_of(mine)!r}, not {UNIT!r}")
    mine.text = "avd  14"
    h.wait_for("the unit remembered as the catalogue's name", lambda: h.gsettings(
        config_home, "get", SCHEMA, "unit") == "'Avdelning 14'")
    h.ok("My unit in the preferences shows the desktop's unit and keeps “avd  14” as "
         "“Avdelning 14”")
    time.sleep(0.5)
    h.dunstctl("close-all")
    h.screenshot(shots, "unit-preferences.png")
    mine.text = UNIT
    h.wait_for("the unit back", lambda: h.gsettings(config_home, "get", SCHEMA, "unit")
               == f"'{UNIT}'")
    h.stop_app(proc)

    # The picker in every look: sv, nb, 360 px and dark.
    for suffix, language, width, height, scheme in VARIANTS[1:]:
        proc, app = start(data_dir, server.url, config_home, language, scheme == "dark",
                          width, height)
        dialog = open_start_dialog(app, language)
        type_unit(dialog, "avd 12", language)
        h.wait_for("the offered name", lambda: h.find_prefix(dialog, "push button", UNIT)
                   or [n for n in dialog.findChildren(lambda n: n.roleName == "push button"
                                                      and UNIT in n.name, recursive=True)],
                   explain=lambda: h.list_names(dialog, "push button"))
        time.sleep(0.8)
        h.dunstctl("close-all")
        h.screenshot(shots, f"unit-picker{suffix}.png")
        h.stop_app(proc)
    h.ok("the picker's screenshots in sv, nb, 360 px and dark")
    return data_dir, config_home


def banner_for_an_alias(shots, server, workdir):
    """A desktop whose unit is "Avd 12"; the reserve routine declared for "Avdelning 12"."""
    data_dir = os.path.join(workdir, "ward")
    config_home = os.path.join(workdir, "config-ward")
    cli(data_dir, server.url, "login", "staff", stdin="demo\n")
    h.set_window_size(config_home, 1000, 720)
    h.gsettings(config_home, "set", SCHEMA, "unit", ALIAS)

    token = server.post("api/v1/session",
                        {"username": "servicedesk", "password": "demo"})["token"]
    number = server.publish("TES fungerar inte på avdelningarna", priority=2)
    desk = os.path.join(workdir, "desk")
    cli(desk, server.url, "login", "servicedesk", stdin="demo\n")
    cli(desk, server.url, "sync")
    kase = json.loads(cli(desk, server.url, "show", number, "--json").stdout)
    answer = server.post("api/v1/mutations", {"mutations": [{
        "id": str(uuid.uuid4()), "op": "case.reserve", "base_revision": 0,
        "data": {"case": kase["id"], "action": "declared", "all_units": False,
                 "units": [UNIT], "text": "Pappersjournal enligt rutinen"}}]}, token)
    if answer["results"][0]["status"] != "applied":
        h.fail(f"declaring the reserve routine through the API: {answer}")

    proc, app = start(data_dir, server.url, config_home)
    banner = h.wait_for("the reserve banner above the lists",
                        lambda: h.find_prefix(app, "label", "Reserve routine in force: "),
                        explain=lambda: h.list_names(app, "label"))
    h.ok(f"a desktop of “{ALIAS}” shows the banner for “{UNIT}”: {banner.name!r}")
    h.wait_for("the banner's button under the catalogue's name",
               lambda: h.find_prefix(app, "push button", f"Start routine for {UNIT}"),
               explain=lambda: h.list_names(app, "push button"))
    h.ok(f"the banner offers to start the routine for “{UNIT}”, the catalogue's name")
    time.sleep(0.5)
    h.screenshot(shots, "unit-alias-banner.png")
    h.stop_app(proc)


def open_main_menu(app):
    """F10 opens the main menu (GTK 4.8's menu button offers no action to click)."""
    h.wait_for("the main window", lambda: h.window(app, "Driftkoll"))
    time.sleep(0.5)
    h.rawinput.pressKey("F10")


def menu_items(app):
    return [n for n in app.findChildren(lambda n: n.roleName == "menu item", recursive=True)]


def open_units_window(app, language="en"):
    open_main_menu(app)
    item = h.wait_for("the Units menu item", lambda: [
        n for n in menu_items(app) if n.name.replace("_", "") == UNITS_TITLE[language]],
        explain=lambda: h.list_names(app, "menu item"))[0]
    try:
        item.doActionNamed("click")
    except Exception:
        h.click_node(item)
    return h.window(app, UNITS_TITLE[language])


def staff_has_no_units_item(server, workdir):
    data_dir = os.path.join(workdir, "staff")
    config_home = os.path.join(workdir, "config-staff")
    proc, app = start(data_dir, server.url, config_home)
    h.wait_for("online", lambda: h.find(app, "push button", "Connection: Online"))
    open_main_menu(app)
    h.wait_for("the menu open", lambda: [
        n for n in menu_items(app) if n.name.replace("_", "") == "Preferences"],
        explain=lambda: h.list_names(app, "menu item"))
    items = [n.name for n in menu_items(app)]
    if [i for i in items if i.replace("_", "") == "Units"]:
        h.fail(f"staff see Units in the main menu: {items}")
    h.ok("staff see no Units in the main menu")
    h.stop_app(proc)


def admin_keeps_the_catalogue(shots, server, workdir):
    data_dir = os.path.join(workdir, "admin")
    config_home = os.path.join(workdir, "config-admin")
    cli(data_dir, server.url, "login", "admin", stdin="demo\n")
    proc, app = start(data_dir, server.url, config_home)
    h.wait_for("online", lambda: h.find(app, "push button", "Connection: Online"))
    units = open_units_window(app)
    h.wait_for("the catalogue", lambda: h.find_prefix(units, "label", UNIT)
               or h.find_prefix(units, "list item", UNIT)
               or [n for n in units.findChildren(lambda n: n.name.startswith(UNIT),
                                                 recursive=True)])
    h.ok("an admin opens the Units window from the main menu and sees the catalogue")

    h.find(units, "text", "Name").text = "Avdelning 3"
    [n for n in units.findChildren(lambda n: n.roleName == "text"
                                   and n.name == "Aliases, separated by commas",
                                   recursive=True)][0].text = "Avd 3, Avd. 3"
    h.wait_for("Add", lambda: h.find_prefix(units, "push button", "Add the unit")
               ).doActionNamed("click")
    h.wait_for("the new unit in the list", lambda: [n for n in units.findChildren(
        lambda n: n.name.startswith("Avdelning 3"), recursive=True)])
    other = os.path.join(workdir, "other-staff")
    cli(other, server.url, "login", "staff", stdin="demo\n")

    def on_server():
        cli(other, server.url, "sync")
        return [u for u in json.loads(cli(other, server.url, "units", "--json").stdout)
                if u["name"] == "Avdelning 3" and u["aliases"] == ["Avd 3", "Avd. 3"]]
    h.wait_for("the new unit on the server", on_server)
    h.ok("a unit added in the Units window reaches the server")

    h.find(units, "text", "Name").text = "Avdelning 99"
    [n for n in units.findChildren(lambda n: n.roleName == "text"
                                   and n.name == "Aliases, separated by commas",
                                   recursive=True)][0].text = "avd 12"
    h.find_prefix(units, "push button", "Add the unit").doActionNamed("click")
    error = h.wait_for("the duplicate refused", lambda: h.find(
        units, "label", f"“avd 12” is already an alias of the unit “{UNIT}”"),
        explain=lambda: h.list_names(units, "label"))
    h.ok(f"a duplicate alias is refused in the window: {error.name!r}")
    time.sleep(0.5)
    h.dunstctl("close-all")
    h.screenshot(shots, "units-window.png")

    # Rename it, keeping the old name as an alias; then delete it.
    h.wait_for("Change", lambda: h.find_prefix(units, "push button", "Change Avdelning 3")
               ).doActionNamed("click")
    edit = h.wait_for("the change dialog", lambda: [
        w for w in other_windows(app) if h.find_prefix(w, "label", "Change “Avdelning 3”")],
        explain=lambda: f"windows: {[w.name for w in app.children]}")[0]
    name = h.find(edit, "text", "Name")
    if h.text_of(name) != "Avdelning 3":
        h.fail(f"the change dialog shows {h.text_of(name)!r}")
    name.text = "Vårdavdelning 3"
    h.find(edit, "text", "Aliases, separated by commas").text = "Avd 3, Avdelning 3"
    time.sleep(0.3)
    h.screenshot(shots, "units-change-dialog.png")
    h.find_prefix(edit, "push button", "_Save").doActionNamed("click")

    def renamed():
        cli(other, server.url, "sync")
        return [u for u in json.loads(cli(other, server.url, "units", "--json").stdout)
                if u["name"] == "Vårdavdelning 3" and u["aliases"] == ["Avd 3", "Avdelning 3"]
                and u["revision"] == 2]
    h.wait_for("the rename on the server", renamed, explain=lambda: (
        h.list_names(units, "label") + " / units: "
        + cli(other, server.url, "units", "--json").stdout + " / outbox: "
        + cli(os.path.join(workdir, "admin"), server.url, "status", "--json").stdout))
    h.ok("a unit renamed in the Units window, its old name kept as an alias, reaches the server")

    h.wait_for("Delete", lambda: h.find_prefix(units, "push button", "Delete Vårdavdelning 3")
               ).doActionNamed("click")
    confirm = h.wait_for("the confirmation", lambda: [
        w for w in other_windows(app) if h.find_prefix(w, "label", "Delete “Vårdavdelning 3”?")],
        explain=lambda: f"windows: {[w.name for w in app.children]}")[0]
    h.find_prefix(confirm, "push button", "_Delete").doActionNamed("click")

    def deleted():
        cli(other, server.url, "sync")
        return not [u for u in json.loads(cli(other, server.url, "units", "--json").stdout)
                    if "Avd 3" in u["aliases"]]
    h.wait_for("the deletion on the server", deleted)
    h.ok("a unit deleted in the Units window is gone on the server")
    h.stop_app(proc)

    for suffix, language, width, height, scheme in VARIANTS[1:]:
        proc, app = start(data_dir, server.url, config_home, language, scheme == "dark",
                          width, height)
        open_units_window(app, language)
        time.sleep(0.8)
        h.dunstctl("close-all")
        h.screenshot(shots, f"units-window{suffix}.png")
        h.stop_app(proc)
    h.ok("the Units window's screenshots in sv, nb, 360 px and dark")


def main():
    shots = sys.argv[1]
    os.makedirs(shots, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="driftkoll-ui-units-")
    server = h.Server(workdir)
    try:
        server.start()
        only = os.environ.get("DK_UI_ONLY")
        if only in (None, "picker"):
            nurse_types_an_alias(shots, server, workdir)
        if only in (None, "banner"):
            banner_for_an_alias(shots, server, workdir)
        if only in (None, "window"):
            if only is None:
                staff_has_no_units_item(server, workdir)
            admin_keeps_the_catalogue(shots, server, workdir)
    finally:
        if server.proc is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"1..{h.steps}", flush=True)


if __name__ == "__main__":
    main()
