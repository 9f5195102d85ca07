from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render


class NoStoreForSignedInMiddleware:
    """No browser or proxy may keep a page: signed-in pages show personal data, and so do the
    pages opened by a token without signing in (enrolment links, surveys, calendar feeds).
    Only static files may be cached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


def _holds_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class RejectNulCharactersMiddleware:
    """No keyboard types a NUL character (0x00), and PostgreSQL text cannot store one: a request
    carrying one in its path, query or form data is refused with a clear 400 before any view or
    query sees it (otherwise the first lookup with it would fail as a server error)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            return render(request, "400.html", status=400)
        return self.get_response(request)
