#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the public Atom feed of a running driftkoll-server.

    check-feed.py URL [INTERNAL_TITLE ...]

Fetches URL (e.g. http://127.0.0.1:8080/feed.atom), parses it with feedparser (Debian's
python3-feedparser, so run it with /usr/bin/python3) and checks that it is well-formed
Atom 1.0 (not "bozo"), that it has entries and that every entry has an id, a title and an
updated time. Every further argument is the title of an internal case, which must appear
nowhere in the feed. Exit status: 0 passed, 1 failed, 2 bad usage.
"""
import html
import sys
import urllib.request

try:
    import feedparser
except ImportError:
    sys.exit("check-feed: python3-feedparser is missing (run with /usr/bin/python3)")

ATOM_TYPE = "application/atom+xml"


def fail(message):
    print(f"check-feed: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept": ATOM_TYPE})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read(), response.headers.get("Content-Type", "")
    except OSError as error:
        fail(f"cannot fetch {url}: {error}")


def entry_texts(entry):
    """Everything a reader shows of an entry."""
    texts = [entry.get("title", ""), entry.get("summary", "")]
    texts += [content.get("value", "") for content in entry.get("content", [])]
    return texts


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    url, internal_titles = argv[1], argv[2:]

    body, content_type = fetch(url)
    if not content_type.startswith(ATOM_TYPE) and not url.startswith("file:"):
        print(f"check-feed: warning: Content-Type is {content_type!r}, not {ATOM_TYPE}",
              file=sys.stderr)

    feed = feedparser.parse(body)
    if feed.bozo:
        fail(f"the feed is not well-formed: {feed.bozo_exception!r}")
    if feed.version != "atom10":
        fail(f"the feed is {feed.version or 'of no known version'}, not Atom 1.0")
    for field in ("id", "title", "updated"):
        if not feed.feed.get(field):
            fail(f"the feed has no {field}")
    if not any(link.get("rel") == "self" for link in feed.feed.get("links", [])):
        fail("the feed has no self link")
    if not feed.entries:
        fail("the feed has no entries")

    seen = set()
    for number, entry in enumerate(feed.entries, 1):
        for field in ("id", "title", "updated"):
            if not entry.get(field):
                fail(f"entry {number} ({entry.get('title', '?')!r}) has no {field}")
        if entry.get("updated_parsed") is None:
            fail(f"entry {number}: updated {entry.updated!r} is not a date")
        if entry.id in seen:
            fail(f"entry {number}: id {entry.id} is used twice")
        seen.add(entry.id)

    text = body.decode("utf-8")
    for title in internal_titles:
        if title in text or html.escape(title) in text:
            fail(f"the internal case {title!r} is in the feed")
        for entry in feed.entries:
            if any(title in t for t in entry_texts(entry)):
                fail(f"the internal case {title!r} is in entry {entry.title!r}")

    print(f"check-feed: ok: {len(feed.entries)} entries, "
          f"{len(internal_titles)} internal titles absent")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
