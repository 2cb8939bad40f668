#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# make-server-seeds.py: writes fuzz/corpus-server/, the seeds of fuzz-server-request.
#
# Each seed is the raw bytes of one connection: real requests as the desktop app, the
# CLI and browsers send them, against the demo data's ids (they are fixed: derived from
# names). "Bearer 000...N" is the fixed session of demo user N (fuzz-server-request.c);
# "@LEN@" becomes the body's length. Run it again after changing a seed here, and list
# a new seed in fuzz/meson.build (fuzz_server_seeds).

import json
import os
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus-server")

USERS = ["staff", "servicedesk", "customer_center", "lab_communicator",
         "crisis_communicator", "release_coordinator", "routine_owner", "admin"]


def token(user):
    return "%064d" % (USERS.index(user) + 1)


CASE = "a258b71c-f0a9-5bb7-b9ec-2b0d7d28f3bd"         # DK-1002, it_telephony, ongoing
LAB_CASE = "06d49caf-eb6c-5bb3-a372-5e88ccb8249f"     # DK-1003, lab_medicine
PLANNED = "0e9cf5cd-445b-5c81-86a4-8fee029e5899"      # DK-1007
REPORT = "6b59290e-f974-51bc-953a-6ada7c812972"       # FA-1001
TEMPLATE = "0b1d11dc-9c20-5c0f-a651-e424c28107b1"     # lab_communicator's
UNIT = "2eb64c52-32aa-578b-82c9-83b8824d619c"
ROUTINE = "driftstopp-tes"
NEW_ID = "7d3c1e2a-9b8f-4c6d-a5e4-3f2b1a0c9d8e"
RUN_ID = "1e2d3c4b-5a69-4788-97a6-b5c4d3e2f1a0"
AT = "2026-12-06T09:30:00Z"


def request(method, path, headers=(), body=None, user=None, host="127.0.0.1:8088"):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: " + host]
    if user is not None:
        lines.append("Authorization: Bearer " + token(user))
    lines.extend(headers)
    if body is not None:
        if not isinstance(body, str):
            body = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        lines.append("Content-Type: application/json")
        lines.append("Content-Length: @LEN@")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def mutation(op, data, base_revision=None, client_at=AT, mid=None):
    m = {"id": mid or NEW_ID, "op": op}
    if base_revision is not None:
        m["base_revision"] = base_revision
    if client_at is not None:
        m["client_at"] = client_at
    m["data"] = data
    return m


def mutations(name, user, *items):
    return name, request("POST", "/api/v1/mutations", body={"mutations": list(items)},
                         user=user)


SEEDS = [
    ("healthz", request("GET", "/api/v1/healthz")),
    ("healthz-head", request("HEAD", "/api/v1/healthz")),
    ("healthz-post", request("POST", "/api/v1/healthz", body="{}")),
    ("page", request("GET", "/", ["Accept: text/html", "Accept-Encoding: gzip, br",
                                  "User-Agent: Mozilla/5.0"])),
    ("feed", request("GET", "/feed.atom", ["Accept: application/atom+xml"])),
    ("feed-ipv6-host", request("GET", "/feed.atom", host="[::1]:8088")),
    ("not-found", request("GET", "/favicon.ico")),
    ("api-not-found", request("GET", "/api/v1/nothing?x=1")),
    ("changes-anonymous", request("GET", "/api/v1/changes?since=0&limit=500")),
    ("changes-staff", request("GET", "/api/v1/changes?since=0&limit=100", user="staff")),
    ("changes-admin-since", request("GET", "/api/v1/changes?since=40&limit=5",
                                    ["Accept-Encoding: gzip"], user="admin")),
    ("changes-bad-limit", request("GET", "/api/v1/changes?since=-1&limit=999999999999")),
    ("changes-query-twice", request("GET", "/api/v1/changes?since=1&since=2&limit=&x")),
    ("changes-bad-token", request("GET", "/api/v1/changes",
                                  ["Authorization: Bearer nope"])),
    ("whoami", request("GET", "/api/v1/session", user="servicedesk")),
    ("login", request("POST", "/api/v1/session",
                      body={"username": "staff", "password": "demo"})),
    ("login-wrong", request("POST", "/api/v1/session",
                            body={"username": "admin", "password": "wrong"})),
    ("login-not-json", request("POST", "/api/v1/session", body="username=staff&password=demo")),
    ("logout", request("DELETE", "/api/v1/session", user="customer_center")),
    ("session-put", request("PUT", "/api/v1/session", body="{}", user="staff")),
    ("routine-revisions", request("GET", "/api/v1/routines/%s/revisions" % ROUTINE)),
    ("routine-revision-owner", request("GET", "/api/v1/routines/%s/revisions/6" % ROUTINE,
                                       user="routine_owner")),
    ("routine-revision-bad", request("GET", "/api/v1/routines/%s/revisions/0x1/" % ROUTINE)),
    ("events", request("GET", "/api/v1/events", [
        "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"],
        user="staff")),
    ("events-with-frame", request("GET", "/api/v1/events", [
        "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"])
        + b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"),
    ("keepalive-pipeline", request("GET", "/api/v1/healthz")
        + request("GET", "/api/v1/changes?since=0&limit=1", user="staff")
        + request("GET", "/feed.atom", ["Connection: close"])),
    ("http10", b"GET / HTTP/1.0\r\n\r\n"),
    ("absolute-uri", b"GET http://127.0.0.1:8088/api/v1/healthz?a=%00 HTTP/1.1\r\n"
                     b"Host: 127.0.0.1\r\n\r\n"),
    ("percent-path", request("GET", "/api/v1/routines/%2e%2e/revisions/%31")),
    ("options-star", b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("chunked", b"POST /api/v1/mutations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + token("admin").encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"10\r\n{\"mutations\":[]}\r\n0\r\n\r\n"),
    ("cl-and-te", b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("cl-twice", b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                 b"Content-Length: 3\r\n\r\n{}"),
    ("cl-negative", b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}"),
    ("cl-huge", b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\n"
                b"Content-Length: 419430400\r\n\r\n{\"username\":"),
    ("expect-continue", b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                        b"Content-Type: application/json\r\nContent-Length: @LEN@\r\n\r\n"
                        b"{\"username\":\"staff\",\"password\":\"x\"}"),
    ("half-request", b"GET /api/v1/changes?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: "),
    mutations("mut-empty", "staff"),
    ("mut-anonymous", request("POST", "/api/v1/mutations", body={"mutations": []})),
    ("mut-not-array", request("POST", "/api/v1/mutations", body={"mutations": {}},
                              user="staff")),
    mutations("mut-case-create", "servicedesk", mutation("case.create", {
        "id": "c0ffee00-1234-4abc-8def-0123456789ab", "kind": "incident", "area": "it_telephony", "title": "Störning i Cosmic",
        "description": "Inloggning misslyckas.\nFelsökning pågår.", "scope": "Alla",
        "services": ["cosmic"], "status": "ongoing", "priority": 2, "major": False,
        "public": True, "start": AT, "expected_end": "2026-12-06T12:00:00Z"})),
    mutations("mut-case-edit", "servicedesk", mutation("case.edit", {
        "id": CASE, "title": "Inloggning i TES-appen misslyckas – åtgärd pågår",
        "priority": 1, "public": False}, base_revision=1)),
    mutations("mut-case-add-update", "servicedesk", mutation("case.add_update", {
        "id": CASE, "status": "ongoing", "expected_end": None, "update": {
            "id": "3b4c5d6e-7f80-4a91-b2c3-d4e5f6a7b8c9", "phrase": "monitoring",
            "text": "Bevakning pågår."}})),
    mutations("mut-case-close", "servicedesk", mutation("case.close", {
        "id": CASE, "at": AT, "text": "Åtgärdat."}, base_revision=2)),
    mutations("mut-case-follow-up", "servicedesk", mutation("case.follow_up", {
        "id": CASE, "follow_up": {"id": "4c5d6e7f-8091-4a2b-b3c4-d5e6f7a8b9c0",
                                 "text": "Utvärdering bokad."}})),
    mutations("mut-case-affected", "staff", mutation("case.affected", {
        "case": CASE, "unit": "Avdelning 12B"})),
    mutations("mut-case-reserve", "servicedesk", mutation("case.reserve", {
        "case": CASE, "action": "declared", "all_units": False, "units": ["Avd 12"],
        "text": "Reservrutin gäller."})),
    mutations("mut-report-create", "staff", mutation("report.create", {
        "id": NEW_ID, "kind": "fault", "service": "tes", "unit": "Akutmottagningen",
        "reporter": "Anna Andersson", "contact": "040-111 22",
        "description": "Kan inte logga in."})),
    mutations("mut-report-acknowledge", "servicedesk", mutation("report.acknowledge", {
        "report": REPORT, "note": "Vi tittar på det."})),
    mutations("mut-report-link", "servicedesk", mutation("report.link", {
        "report": REPORT, "case": CASE})),
    mutations("mut-report-close", "servicedesk", mutation("report.close", {
        "report": REPORT, "note": None})),
    mutations("mut-run", "staff",
              mutation("run.start", {"id": RUN_ID, "routine": ROUTINE, "unit": "Avd 12",
                                     "case": CASE, "steps": []}, mid=NEW_ID),
              mutation("run.set_step", {"id": RUN_ID, "step": "before-1", "done": True,
                                        "note": "Klart", "at": AT},
                       mid="5d6e7f80-91a2-4b3c-84d5-e6f7a8b9c0d1"),
              mutation("run.finish", {"id": RUN_ID},
                       mid="6e7f8091-a2b3-4c4d-95e6-f7a8b9c0d1e2")),
    mutations("mut-subscription", "staff", mutation("subscription.set", {
        "id": "sub:staff", "areas": ["it_telephony"], "services": ["tes"],
        "kinds": ["incident", "crisis"], "min_priority": 2, "major_only": False,
        "all_crisis": True, "notify": True})),
    mutations("mut-routine-save", "routine_owner", mutation("routine.save", {
        "id": ROUTINE, "title": "Driftstopp TES", "services": ["tes"],
        "audience": "Omvårdnadspersonal", "owner": "Objektledare TES",
        "valid_until": "2027-10-27T09:32:14Z", "steps": [
            {"id": "before-1", "phase": "before", "text": "Skriv ut blanketter.",
             "condition": None, "contact": None, "form": "post_registration"},
            {"id": "during-1", "phase": "during", "text": "Rapportera driftstoppet.",
             "condition": "outage_over:10h",
             "contact": {"name": "Användarstöd", "phone": "040-33 00 00"}, "form": None}]},
        base_revision=6), mutation("routine.approve", {"id": ROUTINE, "revision": 7},
                               mid="a2b3c4d5-e6f7-4a8b-99c0-d1e2f3a4b5c6")),
    mutations("mut-routine-approve", "routine_owner", mutation("routine.approve", {
        "id": ROUTINE, "revision": 6})),
    mutations("mut-service-save", "admin", mutation("service.save", {
        "id": "tes", "name": "TES", "area": "it_telephony", "description": "Hemtjänsten."},
        base_revision=1)),
    mutations("mut-template", "lab_communicator",
              mutation("template.save", {
                  "id": TEMPLATE, "name": "Forsinkede prøvesvar", "language": "nb",
                  "kind": "incident", "area": "lab_medicine", "title": "Avbrudd i {service}",
                  "description": "{scope}", "scope": "{scope}"}, base_revision=1),
              mutation("template.delete", {"id": TEMPLATE},
                       mid="7f8091a2-b3c4-4d5e-a6f7-a8b9c0d1e2f3")),
    mutations("mut-unit", "admin",
              mutation("unit.save", {"id": UNIT, "name": "Avdelning 14",
                                     "aliases": ["Avd 14", "Avd. 14"]}, base_revision=1),
              mutation("unit.delete", {"id": UNIT}, mid="8091a2b3-c4d5-4e6f-b7a8-b9c0d1e2f3a4")),
    mutations("mut-unknown-op", "staff", mutation("case.explode", {"id": CASE})),
    mutations("mut-crisis-lab", "lab_communicator", mutation("case.create", {
        "kind": "crisis", "area": "lab_medicine", "title": "Kris", "priority": 1,
        "services": ["unilab"], "public": True}), mutation("case.edit", {
        "id": LAB_CASE, "scope": "Hela regionen"}, mid="91a2b3c4-d5e6-4f7a-88b9-c0d1e2f3a4b5")),
    mutations("mut-crisis", "crisis_communicator", mutation("case.create", {
        "id": "c0ffee01-1234-4abc-8def-0123456789ab", "kind": "crisis", "area": "facilities",
        "title": "Storm", "priority": 1, "services": ["el"], "public": True,
        "major": True})),
    mutations("mut-planned", "release_coordinator", mutation("case.edit", {
        "id": PLANNED, "status": "urgent_planned", "start": "2026-12-07T06:00:00Z"})),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS:
        with open(os.path.join(OUT, name + ".http"), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
