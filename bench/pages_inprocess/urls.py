"""The project's pages, plus the bare "hello" view the bench measures them against."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [path("__bare__/", bare), path("", include("config.urls"))]
