#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The public page and feed of a real server, as partners see them.

    test-public-surfaces.py URL OUTDIR

Logs in as the demo user "staff", pulls every change to learn the titles of the
internal cases, then checks the feed with feedparser (check-feed.py) and the page in
headless chromium (check-page.sh), passing the internal titles so that neither may
show one. Run under run-with-server.sh.
"""
import json
import os
import subprocess
import sys
import urllib.request

here = os.path.dirname(os.path.abspath(__file__))


def request(url, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=30) as reply:
        return json.load(reply)


def internal_titles(base):
    token = request(base + "api/v1/session", {"username": "staff", "password": "demo"})["token"]
    since, titles, more = 0, [], True
    while more:
        page = request(f"{base}api/v1/changes?since={since}&limit=100", token=token)
        for change in page["changes"]:
            data = change.get("data")
            if change["type"] == "case" and data and not data["public"]:
                titles.append(data["title"])
        since, more = page["last_seq"], page["more"]
    return titles


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test-public-surfaces.py URL OUTDIR")
    base, outdir = sys.argv[1], sys.argv[2]
    titles = internal_titles(base)
    if not titles:
        sys.exit("the demo data has no internal case to check against")
    print(f"# {len(titles)} internal cases must stay hidden")

    failed = 0
    for name, command in (
        ("feed", ["/usr/bin/python3", os.path.join(here, "check-feed.py"), base + "feed.atom"] + titles),
        ("page", ["sh", os.path.join(here, "check-page.sh"), base, outdir]),
    ):
        result = subprocess.run(command)
        print(f"{'ok' if result.returncode == 0 else 'not ok'} - {name}")
        failed += result.returncode != 0

    with open(os.path.join(outdir, "page.html"), encoding="utf-8") as f:
        dom = f.read()
    leaked = [t for t in titles if t in dom]
    print(f"{'not ok' if leaked else 'ok'} - page hides internal cases")
    failed += bool(leaked)

    print(f"{3 - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main()
