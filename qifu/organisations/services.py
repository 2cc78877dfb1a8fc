"""Writes for the organisation app: API tokens. Each service writes its row and its event in one transaction."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events

from .models import ApiToken, User
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
