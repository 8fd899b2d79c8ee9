"""The client's address, the one rule for the audit log, login lockout and rate limits.

REMOTE_ADDR is the peer that opened the connection. Behind nginx that is the proxy, so when
(and only when) the peer is one of LUZHI_TRUSTED_PROXIES, the client is read from
X-Forwarded-For: the rightmost address that is not itself a trusted proxy. Everything left of
it was written by the client and may be forged; a header from an untrusted peer is ignored.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.LUZHI_TRUSTED_PROXIES)


def client_ip(request: Any) -> str | None:
    """The client's IP address as text, or None without a request or a usable peer address."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    peer = _parse(meta.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    if not _trusted(peer):
        return str(peer)
    client = peer
    for item in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _parse(item)
        if hop is None:
            break  # a garbled entry: stop at the last address we could trust
        client = hop
        if not _trusted(hop):
            break
    return str(client)


def axes_client_ip(request: Any) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: axes records and checks the same address as the audit log."""
    return client_ip(request)
