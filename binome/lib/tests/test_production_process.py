"""What a production web process is given: templates compiled once per process, and a gunicorn
configuration that takes its values from the environment (config/gunicorn.conf.py)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

GUNICORN_CONF = Path(__file__).resolve().parents[3] / "config" / "gunicorn.conf.py"


def test_templates_are_compiled_once_per_process() -> None:
    """Django wraps the loaders in its cached loader when the settings name none (config/settings.py
    names none), in production as in development (where it also reloads an edited file): each
    template is parsed once per worker, not on every request."""
    from django.template import engines
    from django.template.loaders.cached import Loader

    engine = engines["django"].engine  # type: ignore[attr-defined]
    assert [type(loader) for loader in engine.template_loaders] == [Loader]


def test_gunicorn_listens_where_host_and_port_say_with_the_workers_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")  # nosec B104: what the variable is for, behind the proxy
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert (conf["bind"], conf["workers"], conf["worker_class"]) == ("0.0.0.0:8080", 3, "sync")
    assert conf["control_socket_disable"] is True  # two servers on one machine must not share it


def test_gunicorn_defaults_to_local_and_a_few_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["bind"] == "127.0.0.1:8000"
    assert 1 <= conf["workers"] <= 8
