#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-man-pages.sh: the man pages render without a warning, and document what the
# programs' --help lists: every command, and every long option of every command in
# that command's part of the page (or the page's OPTIONS, for options every command
# takes); and no option that --help does not know. driftkoll-server.conf(5) has a key
# for every option of "serve" and no other.
#
# Needs DRIFTKOLL_SERVER, DRIFTKOLL_CLI, DRIFTKOLL_APP (the built programs; the last two
# may be empty when they are not built), DRIFTKOLL_MAN_DIR (where meson built the
# pages) and DRIFTKOLL_SOURCE_ROOT; skips (a TAP "1..0 # SKIP" plan) without man or
# the built pages.

test_name=man-pages
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"

man_dir=${DRIFTKOLL_MAN_DIR:-}
if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
  echo "1..0 # SKIP man or groff is not installed"
  exit 0   # a TAP skip: meson reads the plan
fi
if [ -z "$man_dir" ] || [ ! -f "$man_dir/driftkoll-server.1" ]; then
  echo "1..0 # SKIP the man pages are not built (scdoc is missing, or -Dman=disabled)"
  exit 0   # a TAP skip: meson reads the plan
fi

pages="driftkoll.1 driftkoll-cli.1 driftkoll-server.1 driftkoll-server.conf.5"

for page in $pages; do
  LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -l -E UTF-8 "$man_dir/$page" \
    2>&1 >/dev/null | head -n 20 >"$tmp/stderr"
  if [ -s "$tmp/stderr" ]; then
    fail "$page renders without warnings"
  else
    pass "$page renders without warnings"
  fi
  # wide, so that no option is broken over two lines
  LC_ALL=C.UTF-8 MANWIDTH=1000 man -l -E ascii "$man_dir/$page" >"$tmp/$page.txt" 2>/dev/null
done

# The checks of the help against the pages, in Python: one TAP line each.
python3 - "$tmp" "$n_run" "$server" "${DRIFTKOLL_CLI:-}" "${DRIFTKOLL_APP:-}" \
  "${DRIFTKOLL_SOURCE_ROOT:?}" <<'PYTHON' >"$tmp/tap" || true
import os
import re
import subprocess
import sys

tmp, n_run, server, cli, app, source_root = sys.argv[1:7]
n_run = int(n_run)
failed = 0
ENV = dict(os.environ, LC_ALL="C", LANGUAGE="")


def report(ok, description, detail=()):
    global n_run, failed
    n_run += 1
    if not ok:
        failed += 1
    print(("ok" if ok else "not ok"), n_run, "-", description)
    for line in detail:
        print("#", line)


def help_of(argv):
    out = subprocess.run(argv + ["--help"], env=ENV, capture_output=True, text=True)
    return out.stdout


def commands_of(text):
    m = re.search(r"^Commands:\n((?:  .*\n)+)", text, re.M)
    return [line.split()[0] for line in m.group(1).splitlines()] if m else []


def options_of(text):
    found = re.findall(r"^ +(?:-[a-zA-Z?], )?(--[a-z0-9-]+)", text, re.M)
    return sorted(set(found))


# Sub-commands a command's --help does not list: "driftkoll-cli report" reports, and
# "report ack|close REPORT" are for report handlers (its summary names them).
HIDDEN = {("driftkoll-cli", "report"): ["ack", "close"]}


def leaves(argv, words=()):
    """(words, options) of every command that takes options, recursing into groups."""
    text = help_of(argv + list(words))
    commands = commands_of(text)
    hidden = HIDDEN.get((os.path.basename(argv[0]),) + tuple(words), [])
    for command in hidden:
        yield from leaves(argv, list(words) + [command])
    if not commands:
        yield list(words), options_of(text)
        return
    for command in commands:
        yield from leaves(argv, list(words) + [command])


def sections(page):
    """{heading: text} of the page: "OPTIONS", "COMMANDS", and each subsection."""
    parts = {}
    heading = None
    for line in open(os.path.join(tmp, page + ".txt"), encoding="ascii", errors="replace"):
        line = line.rstrip("\n")
        if re.match(r"^\S", line):
            heading = line.strip()
        elif re.match(r"^   \S", line):
            heading = line.strip()
        elif heading is not None:
            parts.setdefault(heading, []).append(line)
    return {k: "\n".join(v) for k, v in parts.items()}


def mentions(text, option):
    return re.search(re.escape(option) + r"(?![a-z0-9-])", text) is not None


def defined(text):
    """The options the page defines in a part: the items of its option lists."""
    return set(re.findall(r"^       (--[a-z0-9-]+)", text, re.M))


def check_program(program, page, global_options=()):
    parts = sections(page)
    name = os.path.basename(program)
    globals_text = parts.get("OPTIONS", "")
    for words, options in leaves([program]):
        label = " ".join([name] + words)
        if words:
            heading = " ".join(words)
            if heading not in parts:
                report(False, f"{page} has a part for “{label}”",
                       [f"no subsection “{heading}” under COMMANDS"])
                continue
            text = parts[heading]
        else:
            text = globals_text
        missing = [o for o in options
                   if not mentions(text, o) and not (o in global_options and mentions(globals_text, o))
                   and o != "--help"]
        report(not missing, f"{page} documents every option of “{label} --help”",
               [f"{label} {o} is not in {page}" for o in missing])
        if words:
            dead = sorted(defined(text) - set(options))
            report(not dead, f"{page} documents no option “{label}” does not take",
                   [f"{label} has no {o} (documented in {page})" for o in dead])
    top = help_of([program])
    dead = sorted(defined(globals_text) - set(options_of(top)) - {"--help", "--version"})
    report(not dead, f"{page}'s OPTIONS are options of {name}",
           [f"{name} has no {o}" for o in dead])


def check_exit_status(page, header):
    text = sections(page).get("EXIT STATUS", "")
    codes = re.findall(r"_EXIT_[A-Z]+ = (\d+)", open(os.path.join(source_root, header)).read())
    missing = [c for c in codes if not re.search(rf"^       {c}$", text, re.M)]
    report(codes and not missing, f"{page}'s EXIT STATUS has every status of {header}",
           [f"status {c} is missing" for c in missing])


check_program(server, "driftkoll-server.1")
check_exit_status("driftkoll-server.1", "src/server/dk-server-cli.h")

# The configuration file: a key per option of serve (bar --config), and no other.
serve_options = set(options_of(help_of([server, "serve"]))) - {"--help", "--config"}
keys_text = sections("driftkoll-server.conf.5").get("KEYS", "")
keys = set("--" + k for k in re.findall(r"^       ([a-z0-9-]+)=", keys_text, re.M))
report(not serve_options - keys,
       "driftkoll-server.conf.5 has a key for every option of serve",
       [f"no key {o[2:]}" for o in sorted(serve_options - keys)])
report(not keys - serve_options, "driftkoll-server.conf.5 has no key serve does not take",
       [f"serve has no {o}" for o in sorted(keys - serve_options)])

if cli:
    check_program(cli, "driftkoll-cli.1", ("--server", "--data-dir", "--ca-file"))
    check_exit_status("driftkoll-cli.1", "src/cli/dk-cli.h")
else:
    print("# driftkoll-cli is not built: its page is not checked against it")

if app:
    out = subprocess.run([app, "--help-all"], env=ENV, capture_output=True, text=True).stdout
    text = sections("driftkoll.1").get("OPTIONS", "")
    missing = [o for o in options_of(out) if not mentions(text, o)]
    report(out and not missing, "driftkoll.1 documents every option of “driftkoll --help-all”",
           [f"driftkoll {o} is not in driftkoll.1" for o in missing] or ([] if out else ["no help"]))
    dead = sorted(defined(text) - set(options_of(out)))
    report(not dead, "driftkoll.1 documents no option driftkoll does not take",
           [f"driftkoll has no {o}" for o in dead])
else:
    print("# driftkoll is not built: its page is not checked against it")

print(f"n_run={n_run} n_failed={failed}", file=sys.stderr)
PYTHON

grep -v '^n_run=' "$tmp/tap"
n_total=$(grep -cE '^(not )?ok ' "$tmp/tap")
n_bad=$(grep -c '^not ok ' "$tmp/tap")
n_run=$((n_run + n_total))
n_failed=$((n_failed + n_bad))
if [ "$n_total" -eq 0 ]; then
  fail "the checks against --help ran"
fi
finish
