"""Validation at the boundary: credit codes, region and industry codes, normalised before storage."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from qifu.organisations.choices import IndustryLevel
from qifu.organisations.models import Industry, Region


def normalise_credit_code(raw: str) -> str:
    """The 18-character unified social credit code, upper-case without spaces; ValidationError if invalid."""
    value = uscc.compact(raw or "")
    if not value:
        raise ValidationError(_("The unified social credit code is required."), code="required")
    try:
        return uscc.validate(value)
    except InvalidLength:
        raise ValidationError(
            _("The unified social credit code must have 18 characters (got %(n)d).") % {"n": len(value)},
            code="invalid_length",
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check character of credit code %(code)s is wrong (GB 32100-2015).") % {"code": value},
            code="invalid_checksum",
        ) from None
    except (InvalidFormat, InvalidComponent, StdnumError):
        raise ValidationError(
            _("%(code)s is not a valid unified social credit code.") % {"code": value}, code="invalid_format"
        ) from None


_REGION_CODE = re.compile(r"^\d{6}$")


def resolve_region(raw: str | None, regions: dict[str, Region] | None = None) -> Region:
    """A region from its GB/T 2260 code or full Chinese name (e.g. 四川省成都市龙泉驿区)."""
    value = (raw or "").strip()
    if not value:
        raise ValidationError(_("The region is required."), code="required")
    if regions is not None:
        found = regions.get(value)
    elif _REGION_CODE.match(value):
        found = Region.objects.filter(code=value).first()
    else:
        found = Region.objects.filter(full_name=value).first()
    if found is None:
        raise ValidationError(
            _("Unknown region %(value)s: use a six-digit GB/T 2260 code.") % {"value": value}, code="unknown_region"
        )
    return found


_INDUSTRY_CODE = re.compile(r"^\s*([A-Ta-t])?\s*(\d{2})")


def resolve_industry(raw: str | None, industries: dict[str, Industry] | None = None) -> Industry:
    """A GB/T 4754-2017 division (大类) from "36", "C36" or "36 汽车制造业"."""
    value = (str(raw) if raw is not None else "").strip()
    if not value:
        raise ValidationError(_("The industry is required."), code="required")
    m = _INDUSTRY_CODE.match(value)
    code = m.group(2) if m else value
    if industries is not None:
        found = industries.get(code)
    else:
        found = Industry.objects.filter(code=code, level=IndustryLevel.DIVISION).first()
    if found is None or found.level != IndustryLevel.DIVISION:
        raise ValidationError(
            _("Unknown industry %(value)s: use a two-digit GB/T 4754-2017 division code.") % {"value": value},
            code="unknown_industry",
        )
    return found
