"""Refusing outbound requests to non-public addresses.

Anything a workspace can point the server at (a source URL, a webhook URL) would otherwise let an API-key
holder make the server call its own loopback, the cloud metadata endpoint or the internal network.
"""

from __future__ import annotations

import ipaddress
import socket


class NonPublicAddressError(ValueError):
    """No host, an unresolvable one, or one resolving to a private/loopback/link-local/reserved address."""


def check_public_host(host: str) -> None:
    if not host:
        raise NonPublicAddressError("the URL has no host")
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise NonPublicAddressError(f"cannot resolve host {host!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            raise NonPublicAddressError(f"host {host!r} resolves to the non-public address {address}")
