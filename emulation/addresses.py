"""The client's address, one answer for the audit log, signatures and the sign-in lockout.

Behind a reverse proxy every request comes from the proxy, and the client's address is in the
`X-Forwarded-For` header the proxy appends to. That header is believed only when the request
comes from a proxy named in `TRUSTED_PROXIES` (addresses or networks); anything else a client
sends in it is ignored, so a client can neither hide its address nor pose as someone else's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def trusted_networks() -> tuple[Network, ...]:
    """The networks of `TRUSTED_PROXIES` (a single address is a network of one)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = value.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[Network]
) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the client behind the request.

    REMOTE_ADDR, unless it is a trusted proxy: then the right-most address of `X-Forwarded-For`
    that is not itself a trusted proxy (each proxy appends the address it saw, so addresses to
    the left of the first untrusted one could have been written by the client). When the header
    is missing or holds nothing usable, the proxy's own address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or ""
    peer = _parse(remote)
    if peer is None:
        return remote or None
    networks = trusted_networks()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _parse(entry)
        if address is None:
            # Garbage in the chain: nothing to its left can be told apart from what the client
            # wrote, so the last proxy's address is all that is known.
            break
        if not _trusted(address, networks):
            return str(address)
    return str(peer)
