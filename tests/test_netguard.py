"""Private, loopback and link-local addresses are out of reach unless allow-listed."""

import ipaddress

import pytest

from scrapers.netguard import AllowList, BlockedAddress, Resolver, is_public


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4",
                                     "169.254.169.254", "::1", "fe80::1", "fc00::1", "0.0.0.0",
                                     "100.64.0.1", "::ffff:127.0.0.1", "224.0.0.1"])
def test_non_public_addresses(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses(address):
    assert is_public(ipaddress.ip_address(address))


def test_allow_list_takes_hosts_and_networks():
    allow = AllowList.parse(["127.0.0.1/32", "intranet.example", " 10.0.0.0/8 "])
    assert allow.allows("x", ipaddress.ip_address("127.0.0.1"))
    assert not allow.allows("x", ipaddress.ip_address("127.0.0.2"))
    assert allow.allows("INTRANET.example.", ipaddress.ip_address("192.168.1.1"))
    assert allow.allows("y", ipaddress.ip_address("10.9.9.9"))


async def test_resolver_refuses_loopback_names_and_literals():
    with pytest.raises(BlockedAddress):
        await Resolver().resolve("localhost", 80)
    with pytest.raises(BlockedAddress):
        await Resolver().resolve("169.254.169.254", 80)  # cloud metadata endpoint
    assert str(await Resolver(["127.0.0.1"]).resolve("127.0.0.1", 80)) == "127.0.0.1"


@pytest.mark.parametrize("address", [
    "2002:7f00:1::",          # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",      # 6to4 of 169.254.169.254, the cloud metadata address
    "2002:c0a8:1::",          # 6to4 of 192.168.0.1
    "2002:0a00:0001::",       # 6to4 of 10.0.0.1
    "fec0::1",                # site-local
    "feff::1",
    "64:ff9b::7f00:1",        # NAT64 of 127.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
])
def test_addresses_that_embed_or_hide_a_private_one(address):
    assert not is_public(ipaddress.ip_address(address))


def test_6to4_of_a_public_address_is_public():
    assert is_public(ipaddress.ip_address("2002:0808:0808::"))  # 8.8.8.8
