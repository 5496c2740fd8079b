"""The HTTP side of the client: one request at a time, a form login and a join, for a session."""

from __future__ import annotations

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .common import HOST, BenchError

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def http_request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict | None = None,
    form: dict | None = None,
    timeout: float = 30,
) -> tuple[int, dict, str]:
    """One request on a fresh connection; returns status, the cookies it set, and the body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Host": f"{HOST}:{port}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{port}{path}"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        jar = SimpleCookie()
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return resp.status, {k: m.value for k, m in jar.items()}, text
    finally:
        conn.close()


def _form_session(port: int, path: str, fields: dict) -> str:
    """GET a form for its CSRF cookie and token, POST it, return the new sessionid."""
    status, cookies, page = http_request(port, "GET", path)
    token = CSRF_FIELD.search(page)
    if status != 200 or "csrftoken" not in cookies or token is None:
        raise BenchError(f"GET {path}: {status}, no CSRF cookie or token")
    status, set_cookies, page = http_request(
        port,
        "POST",
        path,
        cookies={"csrftoken": cookies["csrftoken"]},
        form={"csrfmiddlewaretoken": token.group(1), **fields},
    )
    if status != 302 or "sessionid" not in set_cookies:
        raise BenchError(f"POST {path}: {status} without a session cookie: {page[:300]}")
    return set_cookies["sessionid"]


def login(port: int, username: str, password: str) -> str:
    return _form_session(
        port, "/accounts/login/", {"username": username, "password": password, "next": ""}
    )


def join(port: int, join_code: str, name: str) -> str:
    return _form_session(port, f"/join/{join_code}/", {"name": name})
