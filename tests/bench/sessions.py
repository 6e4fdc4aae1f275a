#!/usr/bin/env python3
"""Prepares a load test: first-run setup, one workspace, N invited members, N signed-in sessions.
Prints one session cookie per line (for list_workspaces.lua). Standard library only."""
import json
import sys
import urllib.request

base, n = sys.argv[1], int(sys.argv[2])
PASSWORD = "correct horse battery"


def call(method, path, body=None, cookie=None):
    req = urllib.request.Request(base + "/api/v1" + path, method=method)
    req.add_header("Origin", base)
    if body is not None:
        req.add_header("Content-Type", "application/json")
        req.data = json.dumps(body).encode()
    if cookie:
        req.add_header("Cookie", cookie)
    with urllib.request.urlopen(req) as res:
        set_cookie = res.headers.get("Set-Cookie", "")
        data = res.read()
        return (json.loads(data) if data else None), set_cookie.split(";")[0]


_, admin = call("POST", "/setup", {"email": "admin@example.org", "name": "Admin", "password": PASSWORD})
ws, _ = call("POST", "/workspaces", {"name": "Load test"}, admin)
for i in range(3):
    call("POST", "/workspaces", {"name": f"Other {i}"}, admin)
cookies = [admin]
for i in range(1, n):
    inv, _ = call("POST", "/invitations", {"email": f"user{i}@example.org", "workspace_id": ws["id"], "role": "editor"}, admin)
    _, c = call("POST", f"/invitations/{inv['token']}/accept", {"name": f"User {i}", "password": PASSWORD})
    cookies.append(c)
print("\n".join(cookies))
