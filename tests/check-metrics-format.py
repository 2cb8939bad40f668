#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# check-metrics-format.py: checks a scrape of GET /metrics with Prometheus's own parser
#
# Usage: check-metrics-format.py FILE
# Exit 0: valid; 1: a problem (printed); 77: prometheus_client is not installed (skip).

import math
import re
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("prometheus_client is not installed (python3-prometheus-client)", file=sys.stderr)
    sys.exit(77)

PREFIX = "driftkoll_"
NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def fail(message):
    print("check-metrics-format: " + message, file=sys.stderr)
    sys.exit(1)


def check_raw(text):
    """What the parser forgives: HELP and TYPE once per family, before its samples,
    no series twice, a newline at the end."""
    if not text.endswith("\n"):
        fail("the text does not end in a newline")
    helped, typed, seen = set(), {}, set()
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            if name in helped:
                fail("line %d: a second HELP for %s" % (number, name))
            helped.add(name)
        elif line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4:
                fail("line %d: a TYPE line needs a name and a type" % number)
            name, kind = parts[2], parts[3]
            if name in typed:
                fail("line %d: a second TYPE for %s" % (number, name))
            if kind not in ("counter", "gauge", "histogram", "summary", "untyped"):
                fail("line %d: unknown type %s" % (number, kind))
            if name not in helped:
                fail("line %d: TYPE of %s before (or without) its HELP" % (number, name))
            typed[name] = kind
        elif line.startswith("#") or not line.strip():
            continue
        else:
            series = line.rsplit(" ", 1)[0]
            name = series.split("{", 1)[0]
            family = name
            for suffix in ("_bucket", "_sum", "_count"):
                if name.endswith(suffix) and name[: -len(suffix)] in typed \
                        and typed[name[: -len(suffix)]] == "histogram":
                    family = name[: -len(suffix)]
            if family not in typed:
                fail("line %d: %s has no TYPE line before it" % (number, name))
            if series in seen:
                fail("line %d: the series %s appears twice" % (number, series))
            seen.add(series)


def check_families(text):
    families = list(text_string_to_metric_families(text))
    if not families:
        fail("no metrics")
    for family in families:
        if not family.name.startswith(PREFIX):
            fail("%s is not prefixed %s" % (family.name, PREFIX))
        if not NAME.match(family.name):
            fail("%s is not a valid metric name" % family.name)
        if not family.documentation:
            fail("%s has no HELP text" % family.name)
        if family.type == "unknown":
            fail("%s has no TYPE" % family.name)
        for sample in family.samples:
            if math.isnan(sample.value):
                fail("%s is NaN" % sample.name)
            if family.type in ("counter", "histogram") and sample.value < 0:
                fail("%s is negative: %r" % (sample.name, sample.value))
        if family.type == "histogram":
            check_histogram(family)
    return families


def check_histogram(family):
    groups = {}
    for sample in family.samples:
        labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le"))
        group = groups.setdefault(labels, {"buckets": [], "sum": None, "count": None})
        if sample.name.endswith("_bucket"):
            group["buckets"].append((float(sample.labels["le"]), sample.value))
        elif sample.name.endswith("_sum"):
            group["sum"] = sample.value
        elif sample.name.endswith("_count"):
            group["count"] = sample.value
    for labels, group in groups.items():
        where = "%s%s" % (family.name, dict(labels))
        buckets = group["buckets"]
        if not buckets:
            fail("%s has no buckets" % where)
        bounds = [bound for bound, _ in buckets]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            fail("%s: bucket bounds are not strictly increasing: %r" % (where, bounds))
        if not math.isinf(bounds[-1]):
            fail("%s has no +Inf bucket" % where)
        counts = [count for _, count in buckets]
        if any(b < a for a, b in zip(counts, counts[1:])):
            fail("%s: bucket counts decrease: %r" % (where, counts))
        if group["count"] is None or group["sum"] is None:
            fail("%s lacks _sum or _count" % where)
        if counts[-1] != group["count"]:
            fail("%s: +Inf bucket %r differs from _count %r" % (where, counts[-1], group["count"]))
        if group["count"] == 0 and group["sum"] != 0:
            fail("%s: a sum without observations" % where)


def main():
    if len(sys.argv) != 2:
        print("usage: check-metrics-format.py FILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    check_raw(text)
    families = check_families(text)
    print("ok: %d families, %d samples" % (len(families),
                                           sum(len(f.samples) for f in families)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
