"""Refuse a request with a NUL character (U+0000) in its path, query, form or cookies, and a
WebSocket handshake with one in its cookies (frames are checked by live/frames.py).

PostgreSQL text cannot hold NUL, and psycopg raises on one in any query parameter, so a NUL in
a join code, a search box of the admin or a session cookie would otherwise end in a 500 deep
inside a query. No legitimate value of this application contains one; the answer is 400, with
where it was."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.http.cookie import parse_cookie

NUL = "\x00"


def nul_in(request) -> str | None:
    """Where the request carries a NUL ("the address (path)", "query parameter 'q'", ...), or
    None."""
    if NUL in request.path:
        return "the address (path)"
    places = [("query parameter", request.GET.lists())]
    places.append(("cookie", ((name, [value]) for name, value in request.COOKIES.items())))
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        places.append(("form field", request.POST.lists()))
    for what, pairs in places:
        for name, values in pairs:
            if NUL in name or any(NUL in value for value in values):
                return f"{what} {name.replace(NUL, '')!r}"
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = nul_in(request)
        if where is not None:
            return HttpResponseBadRequest(
                f"Bad request: {where} contains a NUL character (U+0000), which is not allowed.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class RefuseNulCookies:
    """ASGI middleware for WebSocket handshakes, outside the session and auth middleware: a
    quoted cookie value may carry "\\000", which decodes to NUL and would reach the session
    query. Refused as a connection without a seat is (4403)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and _cookies_have_nul(scope):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 4403})
            return None
        return await self.app(scope, receive, send)


def _cookies_have_nul(scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookies = parse_cookie(value.decode("latin-1"))
            if any(NUL in key or NUL in item for key, item in cookies.items()):
                return True
    return False
