"""The bench's URLconf: the project's pages plus a bare "hello" view, so both are served by the
same gunicorn workers, under the same settings and middleware; the ratio of their throughputs is
what the page costs beyond Django itself."""

from __future__ import annotations

from django.urls import path

from bench.web.hello import hello
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *project_urlpatterns]
