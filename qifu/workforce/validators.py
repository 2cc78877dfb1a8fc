"""Personal data at the boundary: resident ID numbers (GB 11643, check digit via python-stdnum), mobile phone
numbers, and the masks everyone but the enterprise and the health authority sees."""

from __future__ import annotations

import re

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def clean_id_number(value: object) -> str | None:
    """The normalised 18-character ID number, or None when it is not valid (format, birth date, check digit)."""
    text = re.sub(r"\s", "", str(value or "")).upper()
    if len(text) != 18:
        return None
    try:
        return ric.validate(text)
    except StdnumError:
        return None


def clean_phone(value: object) -> str | None:
    text = re.sub(r"[\s()]", "", str(value or ""))
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text if PHONE.match(text) else None


def mask_id(value: str) -> str:
    """Region code and check digit visible: 510112********123X → 5101************3X style."""
    return value[:4] + "*" * 12 + value[-2:] if len(value) == 18 else ("*" * len(value))


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)
