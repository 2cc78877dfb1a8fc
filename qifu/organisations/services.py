"""Writes for the organisation app: API tokens and units' coordination roles. Each service checks permission,
validates, writes its row and its event in one transaction."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events

from .choices import COORDINATION_ROLE_REGION_LEVEL, COORDINATION_ROLE_UNIT_KINDS, CoordinationRole
from .models import ApiToken, Region, Unit, User
from .tokens import token_digest

TOKEN_PREFIX_LENGTH = 8


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issue a bearer token for ``actor``; returns the row and the raw token (stored only as a digest)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("The name is required.")]})
    if len(name) > 64:
        raise ValidationError({"name": [_("The name is longer than 64 characters.")]})
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, digest=token_digest(raw), prefix=raw[:TOKEN_PREFIX_LENGTH]
    )
    events.record("token.created", actor=actor, target=token, name=name, prefix=token.prefix)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (404 for anyone else's); revoking twice changes nothing."""
    token = access.get_or_404(ApiToken.objects.select_for_update(), actor, access.CHANGE, pk=token_id)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    events.record("token.revoked", actor=actor, target=token, name=token.name, prefix=token.prefix)
    return token


# --- units' coordination roles ---------------------------------------------------------------


def coordination_role_errors(
    *, role: str, region: Region | None, kind: str, is_active: bool, unit_id: int | None = None
) -> dict[str, list[str]]:
    """The errors (empty when valid) of a unit holding ``role`` with this region, kind and state; the same rules
    for the service, the admin form and the API. Only an active unit's role must be unique in its region."""
    if not role:
        return {}
    if role not in CoordinationRole.values:
        return {"coordination_role": [_("Not a valid coordination role.")]}
    errors: list[str] = []
    if kind not in COORDINATION_ROLE_UNIT_KINDS[role]:
        errors.append(_("A unit of this kind cannot hold this coordination role."))
    if region is not None and region.level != COORDINATION_ROLE_REGION_LEVEL[role]:
        errors.append(_("This coordination role belongs to a unit registered at a province's code."))
    if region is not None and is_active:
        holder = (
            Unit.objects.filter(region=region, coordination_role=role, is_active=True)
            .exclude(pk=unit_id)
            .first()
        )
        if holder is not None:
            errors.append(
                _("%(unit)s already holds this coordination role in %(region)s; clear it there first.")
                % {"unit": holder.name, "region": region}
            )
    return {"coordination_role": errors} if errors else {}


@transaction.atomic
def unit_set_coordination_role(*, actor: User, unit_id: int, role: str) -> Unit:
    """Make a unit hold a coordination role (or none, with ""), e.g. the province's economic department that
    supply-chain problems of other cities are routed to. Administrators only; one active holder per region."""
    unit = access.get_or_404(
        Unit.objects.select_for_update().select_related("region"), actor, access.VIEW, pk=unit_id
    )
    if not access.can(actor, "unit.manage"):
        raise PermissionDenied(_("Only administrators manage units."))
    role = (role or "").strip()
    errors = coordination_role_errors(
        role=role, region=unit.region, kind=unit.kind, is_active=unit.is_active, unit_id=unit.pk
    )
    if errors:
        raise ValidationError(errors)
    changes: dict[str, Any] = events.diff(unit, {"coordination_role": role})
    if not changes:
        return unit
    unit.coordination_role = role
    try:
        with transaction.atomic():  # a concurrent holder hits the database constraint: same answer as above
            unit.save(update_fields=["coordination_role"])
    except IntegrityError:
        raise ValidationError(
            {"coordination_role": [_("Another active unit of this region already holds this coordination role.")]}
        ) from None
    events.record("unit.coordination_role_changed", actor=actor, target=unit, changes=changes)
    return unit
