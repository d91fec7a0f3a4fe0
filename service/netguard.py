"""Outbound requests (source downloads, webhook deliveries) go only to globally routable addresses.

Anything a workspace can point the server at would otherwise let an API-key holder make the server call its
own loopback, a cloud metadata endpoint (``169.254.169.254``; ``100.100.100.200``, shared address space),
a multicast group or the internal network. The rule: an address passes when ``ipaddress`` calls it global and
it is not multicast, or when it falls in the deployment's allow-list (``outbound_allow_hosts``: host names,
addresses or CIDRs of internal receivers).

It is applied twice: when the URL is registered (a clear 422), and on every connection. The second check is
the one that counts: ``GuardedTransport`` resolves the host once, checks every address, and opens the TCP
connection to the address it checked, so a DNS answer that changes between check and use (rebinding) cannot
slip a private address in. The URL is untouched, so the ``Host`` header and TLS SNI/certificate checks still
name the host. Redirects are not followed by either caller (a 3xx is a failed attempt), and environment
proxies are not used (the proxy, not the guard, would pick the address).
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class NonPublicAddressError(ValueError):
    """No host, an unresolvable one, or one resolving to an address that is not globally routable."""


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to. Tests replace this function (``monkeypatch``) with a fake
    resolver; nothing else in the service resolves outbound host names."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known prefix: the last 32 bits are the IPv4 reached
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # local-use translation (RFC 8215): never public


def is_public(address: IPAddress) -> bool:
    """Globally routable and unicast. IPv6 forms that carry an IPv4 address (mapped, 6to4, NAT64) are
    judged by the IPv4 address they reach."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return False
        embedded = address.ipv4_mapped or address.sixtofour
        if address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            address = embedded
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class OutboundPolicy:
    """Which non-public destinations a deployment accepts anyway."""

    allow_all: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_entries(cls, entries: Iterable[str], allow_all: bool = False) -> OutboundPolicy:
        """``entries``: host names (matched case-insensitively), addresses, or CIDRs."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(allow_all=allow_all, hosts=frozenset(hosts), networks=tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        if self.allow_all or is_public(address) or host.lower().rstrip(".") in self.hosts:
            return True
        return any(address.version == net.version and address in net for net in self.networks)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def checked_addresses(host: str, port: int, policy: OutboundPolicy) -> list[str]:
    """Resolve ``host`` once and return its addresses, all of them allowed; else ``NonPublicAddressError``.

    One refused address refuses the host: a name that answers both a public and a private address would
    otherwise reach the private one whenever the public one is slow.
    """
    if not host:
        raise NonPublicAddressError("the URL has no host")
    literal = _literal(host)
    if literal is not None:
        names = [str(literal)]
    else:
        try:
            names = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise NonPublicAddressError(f"cannot resolve host {host!r}: {exc}") from None
        if not names:
            raise NonPublicAddressError(f"host {host!r} has no address")
    for name in names:
        address = ipaddress.ip_address(name.split("%", 1)[0])
        if not policy.allows(host, address):
            raise NonPublicAddressError(
                f"host {host!r} resolves to the non-public address {address} (not global unicast)"
            )
    return names


def check_url(url: str, policy: OutboundPolicy) -> None:
    """The registration-time check of an http(s) URL (the connection is checked again, every time)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise NonPublicAddressError("the URL has an invalid port") from None
    checked_addresses(parts.hostname or "", port, policy)


def check_public_host(host: str, policy: OutboundPolicy | None = None) -> None:
    """Refuse ``host`` unless every address it resolves to passes ``policy`` (default: public only)."""
    checked_addresses(host, 0, policy or OutboundPolicy())


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's TCP connect, to an address checked by ``checked_addresses`` and no other."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self._policy = policy
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = checked_addresses(host, port, self._policy)
        except NonPublicAddressError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        last: Exception | None = None
        for address in addresses:
            try:
                return self._tcp.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("outbound requests never use unix sockets")

    def sleep(self, seconds: float) -> None:
        self._tcp.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """An ``httpx`` transport whose every new connection goes through the address check."""

    def __init__(self, policy: OutboundPolicy) -> None:
        super().__init__(trust_env=False)
        # httpx has no public hook for the network backend; the pool is rebuilt with the guarded one.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_GuardedBackend(policy),
        )


def guarded_client(policy: OutboundPolicy, timeout: float) -> httpx.Client:
    """The client every outbound request uses: guarded connections, no redirects, no env proxies."""
    return httpx.Client(
        transport=GuardedTransport(policy), timeout=timeout, follow_redirects=False, trust_env=False
    )


def policy_for(allow_private: bool, allow_hosts: Sequence[str]) -> OutboundPolicy:
    return OutboundPolicy.from_entries(allow_hosts, allow_all=allow_private)
