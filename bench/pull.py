#!/usr/bin/env python3
"""A full pull of GET /api/v1/changes, page after page, over one keep-alive connection.

    pull.py URL [--limit N] [--username NAME] [--since SEQ]

The password comes from the environment (DK_BENCH_PASSWORD), so it is not on a command
line. Logs in first when --username is given (POST /api/v1/session; the login is timed
apart), then follows last_seq until more is false, parsing every page as a client must.
Prints one JSON line: changes, cases, pages, bytes, last_seq, seconds, changes_per_s,
cases_per_s, client_cpu_seconds, login_seconds. Python 3 stdlib only.
"""
import argparse
import http.client
import json
import os
import sys
import time
import urllib.parse


def fail(message):
    print(f"pull.py: {message}", file=sys.stderr)
    sys.exit(1)


def request(conn, method, path, headers, body=None):
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        fail(f"{method} {path}: HTTP {response.status}: {data[:300]!r}")
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the server's base URL, http://127.0.0.1:PORT/")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--since", type=int, default=0)
    parser.add_argument("--username")
    args = parser.parse_args()

    url = urllib.parse.urlsplit(args.url)
    if url.scheme != "http" or not url.hostname:
        fail(f"not an http URL: {args.url}")
    base = url.path.rstrip("/")
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=120)
    headers = {"Accept": "application/json"}

    login_seconds = None
    if args.username:
        password = os.environ.get("DK_BENCH_PASSWORD")
        if password is None:
            fail("--username needs DK_BENCH_PASSWORD in the environment")
        body = json.dumps({"username": args.username, "password": password})
        t0 = time.perf_counter()
        data = request(conn, "POST", f"{base}/api/v1/session",
                       {**headers, "Content-Type": "application/json"}, body)
        login_seconds = time.perf_counter() - t0
        headers["Authorization"] = "Bearer " + json.loads(data)["token"]

    seq = args.since
    changes = cases = pages = size = 0
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    while True:
        data = request(conn, "GET", f"{base}/api/v1/changes?since={seq}&limit={args.limit}",
                       headers)
        page = json.loads(data)
        pages += 1
        size += len(data)
        changes += len(page["changes"])
        cases += sum(1 for change in page["changes"] if change.get("type") == "case")
        last_seq = page["last_seq"]
        if page["more"] and last_seq <= seq:
            fail(f"no progress: since={seq} answered last_seq={last_seq} with more=true")
        seq = last_seq
        if not page["more"]:
            break
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    conn.close()

    print(json.dumps({
        "changes": changes,
        "cases": cases,
        "pages": pages,
        "bytes": size,
        "last_seq": seq,
        "seconds": round(seconds, 3),
        "changes_per_s": round(changes / seconds) if seconds > 0 else None,
        "cases_per_s": round(cases / seconds) if seconds > 0 else None,
        "client_cpu_seconds": round(cpu, 3),
        "login_seconds": None if login_seconds is None else round(login_seconds, 3),
    }))


if __name__ == "__main__":
    main()
