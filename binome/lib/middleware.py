from collections.abc import Callable

from django.conf import settings
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


class RequestSizeLimitMiddleware:
    """A request declaring a body larger than `MAX_REQUEST_BYTES` is answered 413 with a page
    saying so, before anything reads the body. Django's own caps (DATA_UPLOAD_MAX_MEMORY_SIZE)
    leave file uploads out, and a multipart body streams to disk whatever its size; without a
    Content-Length (chunked), Django reads no body at all, so the declared length is the one to check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body then either
        limit = settings.MAX_REQUEST_BYTES
        if declared > limit:
            response = render(request, "413.html", {"max_mb": max(1, limit // (1024 * 1024))}, status=413)
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)
