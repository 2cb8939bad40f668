#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault reports, urgent cases and the service desk's inbox, driven as a person would.

A real driftkoll-server with the demo data:
  - a nurse (staff) reports a fault and an urgent case with the server stopped: the
    dialog says the report waits and which number to call now; My Reports lists them as
    waiting; after the server returns they have their numbers;
  - the service desk sees three reports from three units on one service grouped as a
    probable incident, turns them into one incident, and each reporter's desktop is
    notified with the case number (dunst).
Screenshots of the report forms, the call instructions and the inbox, in en, sv and nb,
narrow and dark, go to SCREENSHOT_DIR.

    test-reports.py SCREENSHOT_DIR     (run by run-ui.sh --dunst)
Environment: DRIFTKOLL_SERVER, DRIFTKOLL_CLI, DRIFTKOLL_APP, GSETTINGS_SCHEMA_DIR,
DRIFTKOLL_LOCALEDIR (the build dir's po/, for sv and nb).
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

_spec = importlib.util.spec_from_file_location(
    "ui_harness", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-app.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)
from dogtail import rawinput  # noqa: E402

SCHEMA = "io.github.driftkoll.Driftkoll"
UNIT = "Avdelning 12"


def cli(data_dir, url, *args, stdin=None, check=True):
    result = subprocess.run([os.environ["DRIFTKOLL_CLI"], "--server", url,
                             "--data-dir", data_dir, *args],
                            input=stdin, text=True, capture_output=True)
    if check and result.returncode != 0:
        h.fail(f"driftkoll-cli {' '.join(args)}: {result.stderr}")
    return result.stdout


def set_text(node, text):
    """Types into an entry or a text view (the text view has no editable text to set)."""
    try:
        node.text = text
        if h.text_of(node) == text:
            return
    except Exception:
        pass
    node.grabFocus()
    rawinput.typeText(text)


def click_prefix(node, role, prefix):
    """GTK 4.8 names a button with an accessible label and a text "Label Text"."""
    h.click_node(h.wait_for(f"a {role} named {prefix!r}…", lambda: h.find_prefix(node, role, prefix),
                            explain=lambda: h.list_names(node, role)))


def click_toggle(node, prefix):
    """A GtkToggleButton: "toggle button" or, in GTK 4.8, "push button"."""
    h.click_node(h.wait_for(f"the toggle {prefix!r}", lambda: h.find_prefix(node, "toggle button", prefix)
                            or h.find_prefix(node, "push button", prefix),
                            explain=lambda: h.list_names(node, "push button")))


def fill_report(dialog, service, description, unit=None, names=None):
    search_name = names["search"] if names else "Search services"
    chosen = names["chosen"] if names else "Chosen: "
    what = names["what"] if names else "What is wrong and how far it reaches"
    if unit is not None:
        set_text(h.wait_for("the unit", lambda: h.find(dialog, "text", "Unit that found the fault")),
                 unit)
    search = h.wait_for("the service search", lambda: h.find(dialog, "entry", search_name)
                        or h.find(dialog, "text", search_name))
    search.text = service

    def choose():
        button = h.find(dialog, "push button", service)
        if button is not None:
            h.click_node(button)
        time.sleep(0.3)
        return h.find(dialog, "label", f"{chosen}{service}")
    h.wait_for("the chosen service", choose, explain=lambda: h.list_names(dialog, "push button"))
    view = h.wait_for("the description", lambda: h.find(dialog, "text", what),
        explain=lambda: h.list_names(dialog, "text"))
    set_text(view, description)


def start(data_dir, url, config_home, language=None, dark=False, width=1000, height=760):
    """Starts the app; @language "sv" or "nb" with the build dir's translations."""
    h.set_window_size(config_home, width, height)
    # Only a close button on the window, as GNOME has it (test-app.py does the same).
    os.makedirs(os.path.join(config_home, "gtk-4.0"), exist_ok=True)
    with open(os.path.join(config_home, "gtk-4.0", "settings.ini"), "w") as settings:
        settings.write("[Settings]\ngtk-decoration-layout=:close\n")
    h.gsettings(config_home, "set", SCHEMA, "color-scheme",
                "dark" if dark else "default")
    saved = {k: os.environ.get(k) for k in ("LANGUAGE", "LANG", "LC_ALL")}
    os.environ.pop("LC_ALL", None)
    os.environ["LANG"] = "C.UTF-8"
    os.environ["LANGUAGE"] = language if language is not None else "en"
    try:
        return h.start_app(data_dir, url, config_home)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def staff_reports_offline(shots, server, workdir):
    data_dir = os.path.join(workdir, "staff")
    config_home = os.path.join(workdir, "config-staff")
    cli(data_dir, server.url, "login", "staff", stdin="demo\n")
    h.gsettings(config_home, "set", SCHEMA, "unit", UNIT)
    proc = start(data_dir, server.url, config_home)
    app = h.find_app()
    h.wait_for("the online indicator", lambda: h.find(app, "push button", "Connection: Online"))

    server.stop()
    # The header says offline by itself within 2 s (issue 12): no sync to press.
    h.wait_for("the offline indicator", lambda: h.find(app, "push button", "Connection: Offline"))

    # A fault report, prefilled with the name and the desktop's unit.
    h.click(app, "push button", "Report a fault")
    dialog = h.window(app, "Report a Fault")
    name = h.wait_for("the name", lambda: h.find(dialog, "text", "Your name"))
    if h.text_of(name) != "staff":
        h.fail(f"the reporter is prefilled with {h.text_of(name)!r}")
    if h.text_of(h.find(dialog, "text", "Unit that found the fault")) != UNIT:
        h.fail("the unit is not prefilled with the desktop's unit")
    set_text(name, "Sjuksköterska Eva Berg")
    set_text(h.find(dialog, "text", "Contact details (phone or e-mail)"), "031-390 07 12")
    fill_report(dialog, "TES", "TES-appen loggar ut alla på avdelningen; inga insatser kan "
                "registreras sedan 10.15.")
    h.ok("the fault report is prefilled with the name and unit, and filled in")
    time.sleep(0.5)
    h.screenshot(shots, "report-fault-form.png")
    click_prefix(dialog, "push button", "Send report")
    h.wait_for("the report waiting", lambda: h.find(dialog, "label", "Report Waiting to Be Sent"),
               explain=lambda: h.list_names(dialog, "label"))
    h.wait_for("the number to call now", lambda: h.find_prefix(dialog, "label", "1. Call "),
               explain=lambda: h.list_names(dialog, "label"))
    step = h.find_prefix(dialog, "label", "1. Call ").name
    if "031-390 06" not in step:
        h.fail(f"the dialog names no number to call: {step!r}")
    h.ok(f"offline, the fault report waits and the dialog says whom to call now ({step})")
    time.sleep(0.5)
    h.screenshot(shots, "report-fault-waiting.png")
    click_prefix(dialog, "push button", "Done")
    h.wait_for("the dialog closed", lambda: h.no_window(app, "Report a Fault"))

    # An urgent case for a criticality-1 application.
    h.click(app, "push button", "Report a fault")
    dialog = h.window(app, "Report a Fault")
    h.click_node(h.wait_for("the urgent case choice",
                            lambda: h.find_prefix(dialog, "toggle button", "Urgent case")
                            or h.find_prefix(dialog, "push button", "Urgent case"),
                            explain=lambda: "there are: " + ", ".join(
                                f"{n.roleName}:{n.name!r}" for n in dialog.findChildren(
                                    lambda n: n.roleName not in ("label", "filler", "panel"),
                                    recursive=True))))
    dialog = h.window(app, "Report an Urgent Case")
    fill_report(dialog, "DIPS", "DIPS svarer ikke; ingen journaler kan åpnes.")
    h.wait_for("the prescribed subject",
               lambda: h.find_prefix(dialog, "label", "Subject: DIPS OK skal hjelpe"),
               explain=lambda: h.list_names(dialog, "label"))
    set_text(h.find(dialog, "text", "Affected users"), "Alle på avdelingen")
    set_text(h.find(dialog, "text", "Affected PCs"), "Alle PC-er")
    set_text(h.find(dialog, "text", "Affected servers"), "dips-app01")
    set_text(h.find(dialog, "text", "Contact's mobile number"), "070-555 01 23")
    h.ok("the urgent case has the subject and first line seed 004 prescribes")
    time.sleep(0.5)
    h.screenshot(shots, "report-urgent-form.png")
    click_prefix(dialog, "push button", "Send report")
    h.wait_for("the urgent case waiting",
               lambda: h.find(dialog, "label", "Report Waiting to Be Sent"))
    h.wait_for("step 3: distributed by OK", lambda: h.find_prefix(
        dialog, "label", "3. Say that the case is to be distributed by OK"))
    h.ok("offline, the urgent case waits; the dialog says whom to call, in seed 004's order")
    time.sleep(0.5)
    h.screenshot(shots, "report-urgent-waiting.png")
    click_prefix(dialog, "push button", "Done")

    # My Reports: both waiting; after the server returns, their numbers.
    h.click(app, "page tab", "My Reports")
    h.wait_for("two reports waiting", lambda: len(app.findChildren(
        lambda n: n.roleName == "label" and n.name == "Waiting to be sent", recursive=True)) >= 2,
        explain=lambda: h.list_names(app, "label"))
    h.ok("My Reports lists both reports as waiting to be sent")
    h.screenshot(shots, "my-reports-waiting.png")
    server.start()
    try_again = h.find(app, "push button", "Try Again")
    if try_again is not None:
        try_again.doActionNamed("click")
    h.wait_for("the online indicator again",
               lambda: h.find(app, "push button", "Connection: Online"), timeout=60)
    h.wait_for("the reports' numbers", lambda: len(app.findChildren(
        lambda n: n.roleName == "label" and n.name.startswith("FA-"), recursive=True)) >= 2,
        timeout=60, explain=lambda: h.list_names(app, "label"))
    h.ok("after the sync My Reports shows each report's number")
    time.sleep(0.5)
    h.screenshot(shots, "my-reports.png")

    # "We are affected too" on a published open case: once per unit.
    h.click(app, "page tab", "Incidents")
    h.click(app, "push button", f"Open “{h.TES}”")
    click_prefix(app, "push button", f"We are affected too ({UNIT})")
    listed = h.wait_for("the button saying the unit is listed",
                        lambda: h.find_prefix(app, "push button", f"{UNIT} is listed as affected"))
    if listed.sensitive:
        h.fail("the unit can say twice that it is affected")
    h.ok("a nurse adds the unit to the case's affected units, once")
    h.click(app, "push button", "Back")
    h.stop_app(proc)
    return data_dir


def add_user(server, name):
    subprocess.run([server.binary, "user", "add", "--db", server.db, "--password-stdin", name],
                   input="demo\n", text=True, check=True, capture_output=True)


def reporter_notified(server, data_dir, config_home, what, shots=None, open_case=False):
    """Starts the reporter's desktop; its notification names the case."""
    proc = start(data_dir, server.url, config_home)
    try:
        app = h.find_app()
        found = h.wait_for(f"{what}'s notification with the case number", lambda: [
            (summary, body) for summary, body in h.dunst_history()
            if " is now case DK-" in summary and summary not in seen],
            timeout=60, explain=lambda: repr(h.dunst_history()))
        seen.update(summary for summary, _ in found)
        h.ok(f"{what}'s desktop is notified: {found[0][0]}")
        if open_case:
            case = found[0][0].split(" is now case ")[1]
            h.click(app, "page tab", "My Reports")
            h.wait_for("the linked state", lambda: h.find(app, "label", f"Linked to case {case}"),
                       explain=lambda: h.list_names(app, "label"))
            time.sleep(0.5)
            h.screenshot(shots, "my-reports-linked.png")
            click_prefix(app, "push button", f"Open case {case}")
            h.wait_for("the case page", lambda: h.find(app, "label", "Disruption in TES"))
            h.ok(f"My Reports says the report is linked to {case} and opens it")
        return found[0][0]
    finally:
        h.stop_app(proc)


seen = set()


def service_desk_makes_incident(shots, server, workdir, staff_dir):
    # Two more units report TES from their own desktops (the cli), close together.
    reporters = [(staff_dir, os.path.join(workdir, "config-staff"), "the nurse")]
    for user, unit in (("nurse2", "Avdelning 14"), ("nurse3", "Avdelning 7")):
        data_dir = os.path.join(workdir, user)
        config_home = os.path.join(workdir, "config-" + user)
        cli(data_dir, server.url, "login", user, stdin="demo\n")
        cli(data_dir, server.url, "report", "--service", "tes", "--unit", unit,
            "--reporter", user, "--contact", "031-390 07 00",
            "--description", f"TES-appen går inte att logga in i på {unit}.")
        cli(data_dir, server.url, "sync")
        # The reporter's desktop has seen its report as new before it is handled.
        proc = start(data_dir, server.url, config_home)
        app = h.find_app()
        h.wait_for("the online indicator", lambda: h.find(app, "push button", "Connection: Online"))
        h.click(app, "page tab", "My Reports")
        h.wait_for("the report's number", lambda: h.find_prefix(app, "label", "FA-"))
        h.stop_app(proc)
        reporters.append((data_dir, config_home, user))
    h.ok("three units have reported TES, each from its own desktop")

    desk_dir = os.path.join(workdir, "servicedesk")
    desk_config = os.path.join(workdir, "config-servicedesk")
    cli(desk_dir, server.url, "login", "servicedesk", stdin="demo\n")
    proc = start(desk_dir, server.url, desk_config)
    app = h.find_app()
    h.wait_for("the online indicator", lambda: h.find(app, "push button", "Connection: Online"))
    h.click(app, "page tab", "Inbox")
    create = h.wait_for("the TES group", lambda: h.find_prefix(app, "push button",
                                                               "Create incident for TES"),
                        explain=lambda: h.list_names(app, "push button"))
    h.wait_for("the probable incident", lambda: h.find(app, "label", "Probable incident"),
               explain=lambda: h.list_names(app, "label"))
    heading = h.wait_for("the group's count", lambda: h.find_prefix(app, "label", "3 reports from 3 units, the latest"),
                         explain=lambda: h.list_names(app, "label"))
    h.ok(f"the inbox groups the three TES reports as a probable incident ({heading.name})")
    time.sleep(0.5)
    h.screenshot(shots, "inbox.png")

    h.click_node(create)
    # The composer (H3's), prefilled from the reports.
    composer = h.window(app, "New Case")
    h.wait_for("the scope from the units", lambda: [
        n for n in composer.findChildren(lambda n: n.roleName == "text" and n.name.startswith("Scope"),
                                         recursive=True)
        if "Avdelning 12" in h.text_of(n) and "Avdelning 7" in h.text_of(n)],
        explain=lambda: h.list_names(composer, "text"))
    time.sleep(0.5)
    h.screenshot(shots, "inbox-create-incident.png")
    click_prefix(composer, "push button", "Pre_view")
    publish = h.wait_for("the composer's Publish", lambda: [
        n for n in composer.findChildren(lambda n: n.roleName == "push button"
                                         and n.name.replace("_", "").startswith("Publish"),
                                         recursive=True)],
        explain=lambda: h.list_names(composer, "push button"))[0]
    h.click_node(publish)
    h.wait_for("the composer closed", lambda: h.no_window(app, "New Case"),
               explain=lambda: h.list_names(composer, "label"))
    h.wait_for("the TES group gone from the inbox",
               lambda: h.find_prefix(app, "push button", "Create incident for TES") is None,
               timeout=60)
    h.wait_for("everything sent", lambda: h.find(app, "push button", "Connection: Online"))
    h.ok("one action turns the group into an incident linked to its three reports")

    # The composer shows the new case: back to the lists.
    h.wait_for("the new case's page", lambda: h.find(app, "label", "Disruption in TES"))
    h.click(app, "push button", "Back")
    # Publishers see the affected units with a count and times.
    h.click(app, "page tab", "Incidents")
    h.click(app, "push button", f"Open “{h.TES}”")
    h.wait_for("the affected count", lambda: h.find(app, "label", "1 unit says it is affected too"),
               explain=lambda: h.list_names(app, "label"))
    h.wait_for("the affected unit", lambda: h.find_prefix(app, "label", f"{UNIT} · "))
    h.ok("the service desk sees the affected units with a count and times on the case page")
    time.sleep(0.5)
    h.screenshot(shots, "case-affected-units.png")
    h.click(app, "push button", "Back")

    # A single report acknowledged, then closed, each with a note to the reporter.
    h.click(app, "page tab", "Inbox")
    click_prefix(app, "push button", "Acknowledge FA-1001")
    h.wait_for("the note", lambda: h.find(app, "text", "Note to the reporter")).text = \
        "Vi felsöker växeln."
    time.sleep(0.3)
    h.screenshot(shots, "inbox-acknowledge.png")
    click_prefix(app, "push button", "_Acknowledge")
    h.wait_for("the report acknowledged",
               lambda: h.find_prefix(app, "push button", "Acknowledge FA-1001") is None
               and h.find_prefix(app, "push button", "Close FA-1001"))
    click_prefix(app, "push button", "Close FA-1001")
    h.wait_for("the note", lambda: h.find(app, "text", "Note to the reporter")).text = \
        "Växeln är lagad."
    click_prefix(app, "push button", "C_lose Report")
    h.wait_for("the closed report gone from the inbox",
               lambda: h.find_prefix(app, "push button", "Close FA-1001") is None)
    h.ok("a report is acknowledged and then closed from the inbox, each with a note")
    h.stop_app(proc)

    for i, (data_dir, config_home, who) in enumerate(reporters):
        reporter_notified(server, data_dir, config_home, who, shots, open_case=i == 0)


# What the screenshots in other languages click, as the translations name it.
NAMES = {
    "sv": {"report": "Gör en felanmälan", "urgent": "Brådskande ärende", "send": "Skicka anmälan",
           "done": "Klar", "inbox": "Inkorg", "my": "Mina anmälningar",
           "sent": "Felanmälan FA-", "dialog": "Gör en felanmälan", "search": "Sök tjänster",
           "chosen": "Vald: ", "what": "Vad är fel och hur långt det når"},
    "nb": {"report": "Meld en feil", "urgent": "Hastesak", "send": "Send meldingen",
           "done": "Utført", "inbox": "Innboks", "my": "Mine meldinger",
           "sent": "Feilmelding FA-", "dialog": "Meld en feil", "search": "Søk i tjenester",
           "chosen": "Valgt: ", "what": "Hva er galt og hvor langt det rekker",
           "mobile": "Mobiltelefonnummer til kontaktperson", "sent_urgent": "Hastesak FA-"},
    "en": {"report": "Report a fault", "urgent": "Urgent case", "send": "Send report",
           "done": "Done", "inbox": "Inbox", "my": "My Reports",
           "sent": "Fault Report FA-", "dialog": "Report a Fault", "search": "Search services",
           "chosen": "Chosen: ", "what": "What is wrong and how far it reaches"},
}


def report_screenshots(shots, server, data_dir, config_home, language, width=1000, dark=False):
    """The form, the urgent form and the call instructions after sending, in @language."""
    names = NAMES[language]
    suffix = f"-{language}" + ("-narrow" if width < 500 else "") + ("-dark" if dark else "")
    proc = start(data_dir, server.url, config_home, language=language, dark=dark, width=width)
    try:
        app = h.find_app()
        h.wait_for("the window", lambda: h.find_prefix(app, "push button", names["report"]))
        h.wait_for("the window at its size", h.settled_window)
        h.click_node(h.find_prefix(app, "push button", names["report"]))
        dialog = h.window(app, names["dialog"])
        fill_report(dialog, "Treserva", "Genomförandewebben svarar inte.", names=names)
        time.sleep(0.5)
        h.screenshot(shots, f"report-form{suffix}.png")
        click_toggle(dialog, names["urgent"])
        time.sleep(0.5)
        h.screenshot(shots, f"report-urgent-form{suffix}.png")
        if language == "nb":
            # Seed 004 is Norwegian: the urgent case is sent, and its call instructions shown.
            set_text(h.wait_for("the mobile", lambda: h.find(dialog, "text", names["mobile"])),
                     "070-555 01 23")
            click_prefix(dialog, "push button", names["send"])
            h.wait_for("the number after sending", lambda: h.find_prefix(
                dialog, "label", names["sent_urgent"]), timeout=60,
                explain=lambda: h.list_names(dialog, "label"))
            h.wait_for("the number to quote", lambda: h.find_prefix(dialog, "label",
                                                                  "2. Oppgi saksnummeret FA-"))
        else:
            click_toggle(dialog, {"sv": "Felanmälan", "nb": "Feilmelding",
                                  "en": "Fault report"}[language])
            click_prefix(dialog, "push button", names["send"])
            h.wait_for("the number after sending", lambda: h.find_prefix(
                dialog, "label", names["sent"]), timeout=60,
                explain=lambda: h.list_names(dialog, "label"))
        time.sleep(0.5)
        h.screenshot(shots, f"report-sent{suffix}.png")
        click_prefix(dialog, "push button", names["done"])
        h.click(app, "page tab", names["my"])
        time.sleep(0.5)
        h.screenshot(shots, f"my-reports{suffix}.png")
    finally:
        h.stop_app(proc)
    h.ok(f"the report forms and the call instructions in {language}"
         + (", narrow" if width < 500 else "") + (", dark" if dark else ""))


def inbox_screenshot(shots, server, data_dir, config_home, language, width=1000, dark=False):
    names = NAMES[language]
    suffix = f"-{language}" + ("-narrow" if width < 500 else "") + ("-dark" if dark else "")
    proc = start(data_dir, server.url, config_home, language=language, dark=dark, width=width)
    try:
        app = h.find_app()
        h.click(app, "page tab", names["inbox"])
        h.wait_for("a group", lambda: h.find_prefix(app, "label", "Treserva"))
        h.wait_for("the window at its size", h.settled_window)
        time.sleep(0.5)
        h.screenshot(shots, f"inbox{suffix}.png")
        if width < 500:
            actual = h.extents(h.window(app, "Driftkoll"))[2]
            print(f"# the narrow inbox window is {actual} px wide", flush=True)
            # A service desk's header holds New Case and Report besides test-app.py's
            # buttons, and its switcher seven pages: about 440 px.
            if actual > 460:
                h.fail(f"the narrow window is {actual} px wide: something keeps it from shrinking")
    finally:
        h.stop_app(proc)
    h.ok(f"the inbox in {language}" + (", narrow" if width < 500 else "")
         + (", dark" if dark else ""))


def main():
    shots = sys.argv[1]
    os.makedirs(shots, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="driftkoll-ui-reports-")
    server = h.Server(workdir)
    try:
        add_user(server, "nurse2")
        add_user(server, "nurse3")
        server.start()
        staff_dir = staff_reports_offline(shots, server, workdir)
        service_desk_makes_incident(shots, server, workdir, staff_dir)
        staff_config = os.path.join(workdir, "config-staff")
        desk_dir = os.path.join(workdir, "servicedesk")
        desk_config = os.path.join(workdir, "config-servicedesk")
        for language in ("sv", "nb"):
            report_screenshots(shots, server, staff_dir, staff_config, language)
        report_screenshots(shots, server, staff_dir, staff_config, "en", width=360)
        report_screenshots(shots, server, staff_dir, staff_config, "sv", dark=True)
        inbox_screenshot(shots, server, desk_dir, desk_config, "sv")
        inbox_screenshot(shots, server, desk_dir, desk_config, "nb", dark=True)
        inbox_screenshot(shots, server, desk_dir, desk_config, "en", width=360)
    except SystemExit:
        h.screenshot(shots, "reports-failure.png")
        raise
    finally:
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
