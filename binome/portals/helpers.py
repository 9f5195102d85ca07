"""What every portal view needs, written once: a service's refusal shown on its form, "htmx
fragment or redirect", the client's address and the per-client rate limit.

Views stay thin (ARCHITECTURE.md): they parse input, call one service or selector and render.
These helpers are the few steps every such view repeats around that call.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from binome.accounts import clients
from binome.accounts.actors import Actor, signed_in
from binome.accounts.models import User

HOUR = 3600

# --- a service's refusal, shown where the person can act on it -------------------------------


def acting_user(request: HttpRequest) -> Actor:
    """Who acts through this request, as the services record it: the signed-in account, or None
    for an anonymous visitor (the section guards have already turned away whoever may not act)."""
    return signed_in(request.user)


def account_of(request: HttpRequest) -> User:
    """The signed-in account of a page only signed-in people reach (its guard has turned the
    others away; an anonymous request that gets here anyway is refused, never recorded as no one)."""
    user = signed_in(request.user)
    if user is None:
        raise PermissionDenied
    return user


def service_errors(error: ValidationError) -> Iterator[tuple[str | None, str]]:
    """Each message of a service's ValidationError with the field it names (None: the whole form)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            yield None, message
        return
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            yield field, message


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Rules a service enforces come back as form errors on their field, never a 500: a message
    naming a field the form does not show goes to the form's own errors (its summary at the top)."""
    for field, message in service_errors(error):
        form.add_error(field if field in form.fields else None, message)


def service_errors_as_messages(request: HttpRequest, error: ValidationError) -> None:
    """For a one-button action without a form of its own: the refusal as a message on the next page."""
    for message in error.messages:
        messages.error(request, message)


# --- htmx ------------------------------------------------------------------------------------


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware; False for a request built without it)."""
    return bool(getattr(request, "htmx", False))


def fragment_or_redirect(
    request: HttpRequest, template: str, context: dict[str, Any], to: str, **to_kwargs: Any
) -> HttpResponse:
    """After a one-tap action: htmx swaps in the fragment (a table row); without JavaScript the
    browser goes back to the page, so a reload does not post again."""
    if is_htmx(request):
        return render(request, template, context)
    return redirect(to, **to_kwargs)


# --- who is on the other end ------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's address behind the trusted proxies (the one function axes and allauth use too)."""
    return clients.client_address(request)


# --- the rate limit ---------------------------------------------------------------------------
#
# Counted per client address (a salted hash of it, never the address), or per any other subject
# (an email address, an invitation link: hashed alike), and per clock hour, in the cache every web
# process shares (the database cache, or Redis when REDIS_URL is set), so the limit holds across
# processes and servers.


def _window_key(purpose: str, hashed: str) -> str:
    # The window's number is part of the key, so a count ends with its hour whatever the cache
    # does with expiry times.
    return f"binome:attempts:{purpose}:{hashed}:{int(time.time()) // HOUR}"


def attempts_key(request: HttpRequest, purpose: str) -> str:
    """The cache key of this client's count for `purpose` in the current hour."""
    return _window_key(purpose, clients.client_key(request, purpose))


def subject_attempts_key(purpose: str, subject: str) -> str:
    """The cache key of the count for `purpose` about `subject` (an email, a link) this hour."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{purpose}|{subject}".encode()).hexdigest()[:24]
    return _window_key(purpose, digest)


def attempts_this_hour(request: HttpRequest, purpose: str) -> int:
    """How many attempts this client made for `purpose` this hour, without counting one more."""
    return int(cache.get(attempts_key(request, purpose), 0))


def _count(key: str) -> int:
    if cache.add(key, 1, timeout=HOUR):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=HOUR)
        return 1


def count_attempt(request: HttpRequest, purpose: str) -> int:
    """Count one attempt of this client for `purpose` and return this hour's count so far."""
    return _count(attempts_key(request, purpose))


def over_rate_limit(request: HttpRequest, purpose: str, *, per_hour: int) -> bool:
    """Count this attempt; True once the client is past `per_hour` attempts this hour."""
    return count_attempt(request, purpose) > per_hour


def over_subject_limit(purpose: str, subject: str, *, per_hour: int) -> bool:
    """Count one attempt about `subject` (whatever address it comes from); True once past `per_hour`."""
    return _count(subject_attempts_key(purpose, subject)) > per_hour
