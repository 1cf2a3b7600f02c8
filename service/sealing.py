"""Webhook URLs and signing secrets sealed before they enter the log.

A watch's URL often carries the receiver's own token and its secret lets anyone forge signed
deliveries, yet the log is readable by every reader (``/events``, the live stream, the CLI).
So both enter the log sealed (Fernet: AES-128-CBC with an HMAC-SHA256 tag, from the
``cryptography`` package) under a key from the settings; a replay with the key still delivers.

Keys rotate: ``secret_key`` seals, ``previous_secret_keys`` only open, and
``letterwatch watches reseal`` seals every watch again under the current key.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import Any

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

MIN_KEY_LENGTH = 32


class SealingUnavailable(Exception):
    """No key is configured, so nothing secret can be written."""


class CannotOpen(Exception):
    """A sealed value none of the configured keys opens (a key was dropped too early)."""


def _fernet(key: str) -> Fernet:
    # Any long random string is a key: hashed into the 32 bytes Fernet wants, so operators
    # can use `openssl rand -base64 32` or a password manager's output as they are.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def new_key() -> str:
    """A fresh random key, as ``letterwatch watches new-key`` prints it."""
    return Fernet.generate_key().decode()


class Sealer:
    """Seals with the first key; opens with any of them."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = [k for k in keys if k]
        self._multi = MultiFernet([_fernet(k) for k in self.keys]) if self.keys else None

    @classmethod
    def from_settings(cls, settings: Any) -> Sealer:
        current = settings.secret_key.get_secret_value() if settings.secret_key else None
        previous = [k.get_secret_value() for k in settings.previous_secret_keys]
        return cls([current, *previous] if current else previous)

    @property
    def can_seal(self) -> bool:
        return self._multi is not None and bool(self.keys)

    def seal(self, values: dict[str, str]) -> str:
        if self._multi is None:
            raise SealingUnavailable("no secret key is configured: set LETTERWATCH_SECRET_KEY "
                                     "(`letterwatch watches new-key` prints one)")
        return self._multi.encrypt(orjson.dumps(values)).decode()

    def open(self, sealed: str) -> dict[str, str]:
        if self._multi is None:
            raise CannotOpen("no secret key is configured (LETTERWATCH_SECRET_KEY)")
        try:
            return orjson.loads(self._multi.decrypt(sealed.encode()))
        except (InvalidToken, ValueError) as exc:
            raise CannotOpen("sealed with a key that is not configured "
                             "(LETTERWATCH_SECRET_KEY, LETTERWATCH_PREVIOUS_SECRET_KEYS)") from exc

    def sealed_with_current(self, sealed: str) -> bool:
        """Whether ``sealed`` opens with the current key (else ``reseal`` has work to do)."""
        if not self.keys:
            return False
        try:
            _fernet(self.keys[0]).decrypt(sealed.encode())
            return True
        except InvalidToken:
            return False
