"""Which network addresses the crawler may reach: no private, loopback or link-local ones
unless the policy allow-lists them, checked on the address actually connected to."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DNS_TTL = 60.0  # seconds a resolution is reused; short, so a moved site is followed


class BlockedAddress(Exception):
    """The URL's host resolves to an address the policy forbids."""


class ResolveError(Exception):
    """The host name does not resolve."""


@dataclass(frozen=True, slots=True)
class AllowList:
    """Hosts and networks exempt from the private-address ban."""

    hosts: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            entry = entry.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        return host.lower().rstrip(".") in self.hosts or any(
            address in net for net in self.networks if net.version == address.version)


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            address = address.ipv4_mapped
        elif address.sixtofour:
            # 2002::/16 carries an IPv4 address that a 6to4 relay delivers to: the embedded
            # one decides (2002:7f00:1:: is 127.0.0.1 by another name).
            return is_public(address.sixtofour)
        elif address.is_site_local:
            # fec0::/10, deprecated but still routed inside some networks; Python counts
            # it as global.
            return False
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified
                or not address.is_global)


def check_address(host: str, address: IPAddress, allow: AllowList) -> None:
    """Raise BlockedAddress unless ``address`` is public or allow-listed."""
    if not is_public(address) and not allow.allows(host, address):
        raise BlockedAddress(f"{host} resolves to {address}, a non-public address")


class Resolver:
    """Resolves host names (cached briefly) and picks the first permitted address.

    The fetcher connects to the address returned here, not to the name, so a DNS answer
    that changes between the check and the connection cannot smuggle in a private address.
    """

    def __init__(self, allow_private: Iterable[str] = ()) -> None:
        self.allow = AllowList.parse(allow_private)
        self._cache: dict[tuple[str, int], tuple[float, list[IPAddress]]] = {}

    async def resolve(self, host: str, port: int) -> IPAddress:
        """A permitted address for ``host``; BlockedAddress if every address is forbidden."""
        host = host.lower().rstrip(".")
        try:
            literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        addresses = [literal] if literal is not None else await self._lookup(host, port)
        blocked: BlockedAddress | None = None
        for address in addresses:
            try:
                check_address(host, address, self.allow)
                return address
            except BlockedAddress as exc:
                blocked = blocked or exc
        assert blocked is not None
        raise blocked

    async def _lookup(self, host: str, port: int) -> list[IPAddress]:
        key = (host, port)
        hit = self._cache.get(key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise ResolveError(f"cannot resolve {host}: {exc}") from None
        seen: list[IPAddress] = []
        for family, _, _, _, sockaddr in infos:
            if family in (socket.AF_INET, socket.AF_INET6):
                address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
                if address not in seen:
                    seen.append(address)
        if not seen:
            raise ResolveError(f"{host} has no IP address")
        self._cache[key] = (time.monotonic() + DNS_TTL, seen)
        return seen
