"""Only the bare view: the URLconf of the reference server whose worker size and first-page time
stand beside the project's (the project's URLconf imports every page, and what they import)."""

from __future__ import annotations

from django.urls import path

from bench.web.hello import hello

urlpatterns = [path("bench/hello/", hello, name="bench_hello")]
