"""The keys of an open secret ballot, and what they do: find a member's vote again and keep its choice sealed.

Nothing here is stored. The keys of a ballot are derived (HKDF-SHA256) from the server's ``SECRET_KEY`` and a
random salt stored on the ballot (``Ballot.secret_salt``), so a copy of the database alone can neither recompute
the tag that finds a member's vote (``SecretVote.voter_tag``, an HMAC of the member and the item) nor read the
choice, which is stored sealed with AES-GCM (``SecretVote.sealed``) while the ballot is open. The choice is
padded to a fixed length before sealing, so every sealed vote is equally long and the row tells nothing.
Closing the ballot unseals the votes, counts them, writes them anew as plain choices without tags in the order
of their choices, and wipes the salt: from then on nothing links a vote to its voter, not even with the key.

Key rotation: ``SECRET_KEY_FALLBACKS`` are tried after ``SECRET_KEY`` when a vote is looked up or unsealed, and
a member's change of mind stores the vote anew under the current key. Without the old key among the fallbacks
the votes of ballots opened under it can no longer be read: voting again is refused rather than counted twice,
and closing is refused until the old key is back in ``SECRET_KEY_FALLBACKS`` (README, "Production").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

#: Every choice is padded to this many bytes before sealing (the longest, "enthaltung", has 10).
PADDED = 16
NONCE_BYTES = 12
SALT_BYTES = 32


class Unreadable(Exception):
    """A sealed vote that none of the server's keys opens (``SECRET_KEY`` changed without a fallback)."""


def new_salt() -> str:
    """A fresh random salt for a ballot that opens."""
    return secrets.token_hex(SALT_BYTES)


@dataclass(frozen=True)
class BallotKeys:
    """The two keys of one open secret ballot under one server key: one for tags, one for sealing."""

    ballot_id: int
    tag_key: bytes
    seal_key: bytes

    def tag(self, membership_id: int, item_id: int) -> str:
        """The tag that finds the member's vote on the item again (HMAC-SHA256, hex)."""
        message = f"{membership_id}:{item_id}".encode()
        return hmac.new(self.tag_key, message, hashlib.sha256).hexdigest()

    def _context(self, item_id: int, tag: str) -> bytes:
        # Bound to its ballot, item and tag: a sealed choice copied into another row does not open there.
        return f"{self.ballot_id}:{item_id}:{tag}".encode()

    def seal(self, choice: str, *, item_id: int, tag: str) -> str:
        """The choice, padded and sealed with AES-GCM under a fresh nonce (base64)."""
        padded = choice.encode().ljust(PADDED, b"\0")
        if len(padded) != PADDED:
            raise ValueError("choice too long to seal")
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.seal_key).encrypt(nonce, padded, self._context(item_id, tag))
        return base64.b64encode(nonce + sealed).decode()

    def unseal(self, sealed: str, *, item_id: int, tag: str) -> str:
        """The choice of a sealed vote; ``Unreadable`` when this key did not seal it."""
        try:
            raw = base64.b64decode(sealed.encode(), validate=True)
            padded = AESGCM(self.seal_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._context(item_id, tag))
        except (InvalidTag, ValueError) as error:
            raise Unreadable from error
        return padded.rstrip(b"\0").decode()


def derive(secret: str | bytes, *, salt: str, ballot_id: int) -> BallotKeys:
    """The keys of ballot ``ballot_id`` under the server key ``secret`` and the ballot's ``salt``."""
    if not salt:
        raise ValueError("a secret ballot that is open has a salt")
    material = secret.encode() if isinstance(secret, str) else secret
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=64,
        salt=bytes.fromhex(salt),
        info=f"quartier secret ballot {ballot_id}".encode(),
    ).derive(material)
    return BallotKeys(ballot_id=ballot_id, tag_key=okm[:32], seal_key=okm[32:])


def keys_of(ballot_id: int, salt: str) -> list[BallotKeys]:
    """The ballot's keys under ``SECRET_KEY`` first, then under each of ``SECRET_KEY_FALLBACKS``."""
    server_keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [derive(key, salt=salt, ballot_id=ballot_id) for key in server_keys]


def unseal_any(keys: list[BallotKeys], sealed: str, *, item_id: int, tag: str) -> str:
    """Unseal with the first key that opens the vote."""
    for key in keys:
        try:
            return key.unseal(sealed, item_id=item_id, tag=tag)
        except Unreadable:
            continue
    raise Unreadable
