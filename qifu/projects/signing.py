"""The signed content of a vehicle pass's QR code: ``<payload>.<signature>``, both base64url without padding.

The payload is ``1|<pass id>|<plate>|<valid from YYYYMMDD>|<valid until YYYYMMDD>`` (UTF-8); the signature the
first 16 bytes of HMAC-SHA256 over it with the server's pass key (``QIFU_PASS_KEY``, by default derived from
SECRET_KEY). A changed plate or date breaks the signature; a pass changed or revoked after printing is caught by
the database check in ``services.pass_verify``. No Django models here."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

VERSION = "1"
SIGNATURE_BYTES = 16


@dataclass(frozen=True)
class SignedFields:
    pass_id: int
    plate: str
    valid_from: date
    valid_until: date


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def _day(text: str) -> date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError(text)
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def sign(fields: SignedFields, key: bytes) -> str:
    payload = "|".join((VERSION, str(fields.pass_id), fields.plate, fields.valid_from.strftime("%Y%m%d"),
                        fields.valid_until.strftime("%Y%m%d"))).encode()
    return f"{_b64(payload)}.{_b64(_mac(key, payload))}"


def verify(token: str, key: bytes) -> SignedFields | None:
    """The signed fields if the token is well-formed and its signature matches ``key``; None otherwise."""
    try:
        payload_text, signature_text = token.split(".")
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except (ValueError, TypeError):
        return None
    if not hmac.compare_digest(signature, _mac(key, payload)):
        return None
    try:
        version, pass_id, plate, valid_from, valid_until = payload.decode().split("|")
        if version != VERSION:
            return None
        return SignedFields(int(pass_id), plate, _day(valid_from), _day(valid_until))
    except (ValueError, UnicodeDecodeError):
        return None
