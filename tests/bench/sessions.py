#!/usr/bin/env python3
"""Prepares a load test: first-run setup, one workspace, N invited members, N signed-in sessions.
Prints one session cookie per line (for list_workspaces.lua). Standard library only."""
import sys

import studio_api

base, n = sys.argv[1], int(sys.argv[2])
PASSWORD = "correct horse battery"


def call(method, path, body=None, cookie=None):
    return studio_api.call(base, method, path, body, cookie)


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
