"""Refuse a request with a NUL character (U+0000) in its path, query, form or cookies.

PostgreSQL text cannot hold NUL, and psycopg raises on one in any query parameter, so a NUL in
a join code, a search box of the admin or a session cookie would otherwise end in a 500 deep
inside a query. No legitimate value of this application contains one; the answer is 400, with
where it was."""

from __future__ import annotations

from django.http import HttpResponseBadRequest

NUL = "\x00"


def nul_in(request) -> str | None:
    """Where the request carries a NUL ("path", "query parameter 'q'", ...), or None."""
    if NUL in request.path:
        return "the address (path)"
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            return f"query parameter {name.replace(NUL, '')!r}"
    for name, value in request.COOKIES.items():
        if NUL in name or NUL in value:
            return f"cookie {name.replace(NUL, '')!r}"
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in value for value in values):
                return f"form field {name.replace(NUL, '')!r}"
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
