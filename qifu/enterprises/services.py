"""Writes for enterprises: the only place that changes them. Each service checks permission,
validates, writes and records its event in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events
from qifu.core.errors import Conflict
from qifu.organisations.choices import Role
from qifu.organisations.models import Industry, Region, User

from .models import CommissionerAssignment, Enterprise, EnterpriseContact
from .validators import normalise_credit_code, resolve_industry, resolve_region

EDITABLE_FIELDS = (
    "name",
    "credit_code",
    "region",
    "industry",
    "above_scale",
    "key_enterprise",
    "address",
    "headcount",
    "annual_output",
    "is_external",
)
# Apps that keep a copy of where an enterprise belongs (the ledger keeps its region for indexed district
# scopes; the resumption figures group reports by region and industry and count only enterprises inside the
# jurisdiction) register a function here in their AppConfig.ready. It is called with the ids of enterprises
# whose region, industry or is_external changed, inside the transaction that changed them, so the copies
# never disagree with the enterprise.
PLACEMENT_LISTENERS: list[Callable[[Sequence[int]], None]] = []


def placement_changed(enterprise_ids: Sequence[int]) -> None:
    """Tell the registered listeners that these enterprises moved (region, industry or jurisdiction)."""
    if enterprise_ids:
        for listener in PLACEMENT_LISTENERS:
            listener(enterprise_ids)


# Fields an enterprise's own contact or its commissioner may change; the rest is the command center's.
CONTACT_EDITABLE_FIELDS = ("address", "headcount", "annual_output")


@dataclass
class EnterpriseData:
    """Validated, normalised enterprise fields."""

    name: str
    credit_code: str
    region: Region
    industry: Industry
    above_scale: bool = False
    key_enterprise: bool = False
    address: str = ""
    headcount: int = 0
    annual_output: Decimal | None = None
    is_external: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in EDITABLE_FIELDS}


def current_values(enterprise: Enterprise) -> dict[str, Any]:
    """The editable fields as plain values (region and industry as codes), e.g. to pre-fill a form."""
    return {f: getattr(enterprise, f"{f}_id" if f in ("region", "industry") else f) for f in EDITABLE_FIELDS}


@dataclass
class FieldErrors:
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, exc: ValidationError) -> None:
        self.errors.setdefault(name, []).extend(str(m) for m in exc.messages)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(dict(self.errors))


def clean_enterprise_data(
    raw: dict[str, Any],
    *,
    regions: dict[str, Region] | None = None,
    industries: dict[str, Industry] | None = None,
) -> EnterpriseData:
    """Validate raw enterprise fields (from a form, the API or an Excel row); ValidationError per field."""
    errs = FieldErrors()
    name = str(raw.get("name") or "").strip()
    if not name:
        errs.add("name", ValidationError(_("The name is required.")))
    elif len(name) > 128:
        errs.add("name", ValidationError(_("The name is longer than 128 characters.")))
    credit_code = ""
    try:
        credit_code = normalise_credit_code(str(raw.get("credit_code") or ""))
    except ValidationError as exc:
        errs.add("credit_code", exc)
    region = industry = None
    try:
        region = resolve_region(_as_code(raw.get("region")), regions)
    except ValidationError as exc:
        errs.add("region", exc)
    try:
        industry = resolve_industry(_as_code(raw.get("industry")), industries)
    except ValidationError as exc:
        errs.add("industry", exc)
    headcount = 0
    try:
        headcount = _as_non_negative_int(raw.get("headcount"))
    except ValidationError as exc:
        errs.add("headcount", exc)
    annual_output = None
    try:
        annual_output = _as_output(raw.get("annual_output"))
    except ValidationError as exc:
        errs.add("annual_output", exc)
    address = str(raw.get("address") or "").strip()
    if len(address) > 255:
        errs.add("address", ValidationError(_("The address is longer than 255 characters.")))
    errs.raise_if_any()
    assert region is not None and industry is not None
    return EnterpriseData(
        name=name,
        credit_code=credit_code,
        region=region,
        industry=industry,
        above_scale=as_bool(raw.get("above_scale")),
        key_enterprise=as_bool(raw.get("key_enterprise")),
        address=address,
        headcount=headcount,
        annual_output=annual_output,
        is_external=as_bool(raw.get("is_external")),
    )


def _as_code(value: Any) -> str:
    if isinstance(value, Region | Industry):
        return value.pk
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _as_non_negative_int(value: Any) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(float(value)) if isinstance(value, str | float) else int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number.")) from None
    if number < 0:
        raise ValidationError(_("Enter a number that is not negative."))
    return number


MAX_OUTPUT = Decimal("9999999999999")  # 万元: far above any single enterprise


def _as_output(value: Any) -> Decimal | None:
    """The annual output in 万元: empty is unknown (None), else a number ≥ 0 with one decimal."""
    if value is None or (isinstance(value, str) and not value.strip().replace(",", "")):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter the annual output in 10,000 yuan as a number.")) from None
    if not number.is_finite() or number < 0 or number > MAX_OUTPUT:
        raise ValidationError(_("Enter an annual output that is not negative."))
    return number.quantize(Decimal("0.1"))


TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓", "x"}


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in TRUE_WORDS


def _check_region_scope(actor: User, region: Region) -> None:
    """Command center staff create and move enterprises only inside their own district."""
    if access.has_role(actor, Role.ADMINISTRATOR):
        return
    if not access.region_in_scope(actor, region.code, Role.COMMAND_CENTER):
        raise ValidationError({"region": [_("You may only manage enterprises in your own district.")]})


def _check_unique_credit_code(credit_code: str, exclude_pk: int | None = None) -> None:
    qs = Enterprise.objects.filter(credit_code=credit_code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError(
            {"credit_code": [_("An enterprise with credit code %(code)s already exists.") % {"code": credit_code}]}
        )


@transaction.atomic
def enterprise_create(*, actor: User, data: EnterpriseData) -> Enterprise:
    """Register an enterprise (administrator, or command center staff in their district)."""
    access.require_capability(actor, "enterprise.add")
    _check_region_scope(actor, data.region)
    _check_unique_credit_code(data.credit_code)
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(**data.as_dict())
    except IntegrityError:  # a concurrent insert of the same code
        _check_unique_credit_code(data.credit_code)
        raise
    events.record("enterprise.created", actor=actor, target=enterprise, values=data.as_dict())
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise_id: int, expected_version: int | None, changes: dict[str, Any]
) -> Enterprise:
    """Change an enterprise's fields; a stale ``expected_version`` raises Conflict (nothing saved)."""
    enterprise = access.get_or_404(Enterprise.objects.select_for_update(), actor, access.CHANGE, pk=enterprise_id)
    if expected_version is not None and enterprise.version != expected_version:
        raise Conflict(_("Someone else changed this enterprise meanwhile; reload and try again."),
                       current_version=enterprise.version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed.")] for f in sorted(unknown)})
    full_editor = access.has_role(actor, Role.ADMINISTRATOR) or access.region_in_scope(
        actor, enterprise.region_id, Role.COMMAND_CENTER
    )
    if not full_editor:
        restricted = {
            f for f, v in changes.items() if f not in CONTACT_EDITABLE_FIELDS and _differs(enterprise, f, v)
        }
        if restricted:
            raise PermissionDenied(_("Only the command center may change: %(fields)s") % {"fields": ", ".join(sorted(restricted))})
    merged = {f: getattr(enterprise, f) for f in EDITABLE_FIELDS}
    merged.update(changes)
    data = clean_enterprise_data(merged)
    if data.region.pk != enterprise.region_id:
        _check_region_scope(actor, data.region)
    moved = (data.region.pk, data.industry.pk, data.is_external) != (
        enterprise.region_id, enterprise.industry_id, enterprise.is_external)
    if data.credit_code != enterprise.credit_code:
        _check_unique_credit_code(data.credit_code, exclude_pk=enterprise.pk)
    diff = events.diff(enterprise, data.as_dict())
    if not diff:
        return enterprise
    for f, v in data.as_dict().items():
        setattr(enterprise, f, v)
    enterprise.version += 1
    enterprise.save()
    if moved:
        placement_changed([enterprise.pk])
    events.record("enterprise.updated", actor=actor, target=enterprise, changes=diff, version=enterprise.version)
    return enterprise


def _differs(enterprise: Enterprise, field_name: str, value: Any) -> bool:
    current = getattr(enterprise, field_name)
    if isinstance(current, Region | Industry):
        return current.pk != _as_code(value)
    if isinstance(current, bool):
        return current != as_bool(value)
    return str(current) != str(value if value is not None else "")


def _check_commissioner(commissioner: User) -> None:
    if not commissioner.is_active or not commissioner.role_grants.filter(role=Role.COMMISSIONER).exists():
        raise ValidationError(
            {"commissioner": [_("%(user)s is not an active service commissioner.") % {"user": commissioner}]}
        )


def assign_many(
    *,
    actor: User | None,
    changes: list[tuple[Enterprise, User, str]],
    current: dict[int, CommissionerAssignment],
    at: datetime,
    system: str = "",
    **event_data: Any,
) -> None:
    """End each enterprise's active assignment (``current``, locked by the caller) and open the new one,
    recording ``enterprise.commissioner_assigned``; one enterprise (a page) or thousands (an import)."""
    ending = [current[e.pk].pk for e, _c, _r in changes if e.pk in current]
    for i in range(0, len(ending), 500):
        CommissionerAssignment.objects.filter(pk__in=ending[i : i + 500]).update(ended_at=at)
    CommissionerAssignment.objects.bulk_create(
        [
            CommissionerAssignment(enterprise=e, commissioner=c, started_at=at, assigned_by=actor, reason=r)
            for e, c, r in changes
        ],
        batch_size=500,
    )
    events.record_many(
        [
            events.build(
                "enterprise.commissioner_assigned",
                actor=actor,
                target=e,
                system=system,
                commissioner=c.pk,
                previous=current[e.pk].commissioner_id if e.pk in current else None,
                reason=r,
                **event_data,
            )
            for e, c, r in changes
        ]
    )


@transaction.atomic
def commissioner_assign(
    *, actor: User, enterprise_id: int, commissioner_id: int, reason: str = ""
) -> CommissionerAssignment | None:
    """Make ``commissioner`` the one active commissioner of the enterprise (一户一专员), ending the previous one."""
    enterprise = access.get_or_404(Enterprise.objects.select_for_update(), actor, access.ASSIGN, pk=enterprise_id)
    commissioner = User.objects.filter(pk=commissioner_id).first()
    if commissioner is None:
        raise ValidationError({"commissioner": [_("No such user.")]})
    _check_commissioner(commissioner)
    current = (
        CommissionerAssignment.objects.select_for_update()
        .filter(enterprise=enterprise, ended_at__isnull=True)
        .first()
    )
    if current is not None and current.commissioner_id == commissioner.pk:
        return None  # already serving: nothing changes, nothing recorded
    assign_many(
        actor=actor,
        changes=[(enterprise, commissioner, reason.strip())],
        current={enterprise.pk: current} if current else {},
        at=timezone.now(),
    )
    return CommissionerAssignment.objects.get(enterprise=enterprise, ended_at__isnull=True)


@transaction.atomic
def contact_add(
    *,
    actor: User,
    enterprise_id: int,
    name: str,
    position: str = "",
    phone: str = "",
    email: str = "",
    is_primary: bool = False,
) -> EnterpriseContact:
    """Add a contact person to an enterprise."""
    enterprise = access.get_or_404(Enterprise, actor, access.CHANGE, pk=enterprise_id)
    name, position, phone, email = name.strip(), position.strip(), phone.strip(), email.strip()
    errs = FieldErrors()
    if not name:
        errs.add("name", ValidationError(_("The name is required.")))
    for field_name, value, limit in (("name", name, 64), ("position", position, 64), ("phone", phone, 32)):
        if len(value) > limit:
            errs.add(field_name, ValidationError(_("At most %(n)d characters.") % {"n": limit}))
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            errs.add("email", exc)
    errs.raise_if_any()
    if is_primary:
        EnterpriseContact.objects.filter(enterprise=enterprise, is_primary=True).update(is_primary=False)
    contact = EnterpriseContact.objects.create(
        enterprise=enterprise, name=name, position=position, phone=phone, email=email, is_primary=is_primary
    )
    events.record(
        "enterprise.contact_added", actor=actor, target=enterprise, contact=contact.pk, name=name, primary=is_primary
    )
    return contact
