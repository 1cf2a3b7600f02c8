"""FetchPolicy: sane defaults, checked values, filled from the service's settings."""

from types import SimpleNamespace

import pytest

from scrapers.policy import FetchPolicy


def test_defaults_are_polite():
    p = FetchPolicy()
    assert p.per_host_delay >= 1 and p.respect_robots and p.allow_private == []


def test_from_settings_takes_same_named_attributes_and_overrides():
    settings = SimpleNamespace(user_agent="ua/1", concurrency=3, allow_private=["10.0.0.0/8"],
                               database_url="sqlite:///x", extract_workers=2)
    p = FetchPolicy.from_settings(settings, max_retries=0)
    assert (p.user_agent, p.concurrency, p.extract_workers, p.max_retries) == ("ua/1", 3, 2, 0)
    settings.allow_private.append("127.0.0.1")
    assert p.allow_private == ["10.0.0.0/8"]  # a copy: later changes do not leak in


@pytest.mark.parametrize("bad", [{"concurrency": 0}, {"read_timeout": 0}, {"max_body_bytes": -1},
                                 {"max_redirects": -1}])
def test_nonsense_values_are_refused(bad):
    with pytest.raises(ValueError):
        FetchPolicy(**bad)
