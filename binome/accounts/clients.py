"""Who is on the other end: the client's address behind the trusted proxies.

Every per-client limit (the sign-in lockout, allauth's limits, and the portals' rate limit on the
public application and enrolment forms, binome/portals/helpers.py) keys on `client_address`, so
that behind the TLS proxy each person has their own counter instead of sharing the proxy's.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

# What a request without a connection address counts under (one shared counter for all of them).
UNKNOWN_ADDRESS = "unknown"


def client_address(request: HttpRequest) -> str:
    """The address of the client, as the outermost of our `TRUSTED_PROXY_COUNT` proxies saw it.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the
    client's address is the TRUSTED_PROXY_COUNT-th entry from the end; whatever the client wrote
    before it is ignored (a client choosing its own header gains nothing). With no trusted proxy
    (development) the header is not read at all: the connection's address is the client's.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        # ipware counts the proxies listed in the header, i.e. all but the last one, whose
        # address is REMOTE_ADDR; non-strict accepts extra entries the client sent before ours.
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    return str(request.META.get("REMOTE_ADDR") or UNKNOWN_ADDRESS)


def axes_client_address(request: HttpRequest) -> str | None:
    """The address axes records with a failed sign-in, None when the request came from no
    connection (Django's `Client.login()` and `authenticate()` called from code build one without
    REMOTE_ADDR). Axes stores it in an address column, which PostgreSQL refuses to fill with the
    "unknown" that `client_address` counts under."""
    address = client_address(request)
    return None if address == UNKNOWN_ADDRESS else address


def client_key(request: HttpRequest, purpose: str) -> str:
    """A salted hash of the client's address: enough to count, useless to identify anyone."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|{purpose}|{client_address(request)}".encode()).hexdigest()[:24]
