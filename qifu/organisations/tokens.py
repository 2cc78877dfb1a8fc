"""API bearer tokens are stored as SHA-256 digests; the raw token is shown once when issued."""

from __future__ import annotations

import hashlib


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
