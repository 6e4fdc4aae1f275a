"""One call to a studio's JSON API for the benchmark scripts (standard library only): the Origin
header state-changing requests need, a session cookie, a JSON or raw body. Returns (the decoded
answer or None, the session cookie the answer set, if any)."""
import json
import urllib.request


def call(base, method, path, body=None, cookie=None, raw=None, content_type=None):
    req = urllib.request.Request(base + "/api/v1" + path, method=method)
    req.add_header("Origin", base)
    if body is not None:
        req.add_header("Content-Type", "application/json")
        req.data = json.dumps(body).encode()
    if raw is not None:
        req.add_header("Content-Type", content_type or "application/octet-stream")
        req.data = raw
    if cookie:
        req.add_header("Cookie", cookie)
    with urllib.request.urlopen(req) as res:
        set_cookie = res.headers.get("Set-Cookie", "")
        data = res.read()
        return (json.loads(data) if data else None), set_cookie.split(";")[0]
