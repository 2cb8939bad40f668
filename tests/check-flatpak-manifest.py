#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# check-flatpak-manifest.py MANIFEST APP_ID: the Flatpak manifest parses and builds this
# tree: the application id, the command the app installs, the GNOME 43 runtime, the
# sandbox's permissions, a meson module whose source is the directory holding this
# project's meson.build, and a module for each library meson needs that the runtime lacks.
import json
import os
import re
import sys

# What org.gnome.Platform//43 lacks of what the root meson.build asks for.
NOT_IN_RUNTIME = {"libsodium"}
FINISH_ARGS = [
    "--share=network",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--talk-name=org.freedesktop.Notifications",
    "--talk-name=org.freedesktop.secrets",
]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def main():
    path, app_id = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)

    check(manifest.get("app-id") == app_id, f"app-id is {manifest.get('app-id')!r}, not {app_id!r}")
    check(manifest.get("runtime") == "org.gnome.Platform", "runtime is not org.gnome.Platform")
    check(manifest.get("sdk") == "org.gnome.Sdk", "sdk is not org.gnome.Sdk")
    check(manifest.get("runtime-version") == "43", "runtime-version is not 43 (GTK 4.8, libadwaita 1.2)")
    check(manifest.get("command") == "driftkoll", "command is not driftkoll")
    for arg in FINISH_ARGS:
        check(arg in manifest.get("finish-args", []), f"finish-args lack {arg}")

    modules = manifest.get("modules", [])
    check(len(modules) > 0, "no modules")
    names = [m.get("name") for m in modules if isinstance(m, dict)]
    check(len(names) == len(set(names)), "two modules share a name")

    # The app is the last module, built with meson from the directory of this tree.
    app = modules[-1] if modules else {}
    check(app.get("buildsystem") == "meson", "the last module is not built with meson")
    dirs = [s for s in app.get("sources", []) if s.get("type") == "dir"]
    check(len(dirs) == 1, "the app module has no single dir source")
    root = None
    if dirs:
        root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), dirs[0]["path"]))
        meson_build = os.path.join(root, "meson.build")
        check(os.path.isfile(meson_build), f"the dir source {root} holds no meson.build")
        if os.path.isfile(meson_build):
            text = open(meson_build, encoding="utf-8").read()
            project = re.search(r"project\(\s*'([^']+)'", text)
            check(project is not None and project.group(1) == app.get("name"),
                  f"the app module is named {app.get('name')!r}, the meson project "
                  f"{project.group(1) if project else None!r}")
            check(f"app_id = '{app_id}'" in text, "the root meson.build has another app_id")
            wanted = set(re.findall(r"dependency\('([^']+)'", text))
            for lib in sorted(wanted & NOT_IN_RUNTIME):
                check(lib in names[:-1], f"meson needs {lib}, which the runtime lacks, and no module builds it")
            desktop = os.path.join(root, "data", app_id + ".desktop.in")
            if os.path.isfile(desktop):
                execs = re.findall(r"^Exec=(\S+)", open(desktop, encoding="utf-8").read(), re.M)
                check(execs == [manifest.get("command")],
                      f"the desktop file runs {execs}, the manifest {manifest.get('command')!r}")
            else:
                check(False, f"{desktop} is missing")

    for m in modules[:-1]:
        for s in m.get("sources", []):
            if s.get("type") in ("archive", "file"):
                check(re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")) is not None,
                      f"module {m.get('name')}: {s.get('url')} has no sha256")

    for f in failures:
        print("not ok:", f)
    if not failures:
        print("ok: the manifest builds", app_id, "from", root)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
