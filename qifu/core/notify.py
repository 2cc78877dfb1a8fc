"""Tell people about something: the one entry point every app calls (in-app notice, email, group webhook).

Register each message once, at import time of a module your app loads (its ``models.py`` or a module
imported from ``AppConfig.ready``), with English msgids and ``%(name)s`` parameters::

    from django.utils.translation import gettext_lazy as _
    from qifu.core import notify

    notify.register("ledger.overdue", _("Problem %(number)s is overdue"), _("It was due on %(deadline)s."))

Then, inside the service's ``transaction.atomic`` (after the change and its event)::

    notify.notify(
        recipients=[problem.owner],
        code="ledger.overdue",
        params={"number": problem.number, "deadline": problem.deadline.isoformat()},
        link=reverse("problem-detail", args=[problem.pk]),
        dedup_key=f"ledger.overdue:{problem.pk}",
        unit_webhooks=[problem.responsible_unit],
    )

Notices are stored as a code with JSON parameters and rendered when shown, in the reader's language;
email and webhook texts are rendered once, at creation, in the platform's language (settings.LANGUAGE_CODE).
The rows are written in the caller's transaction; sending starts only after it commits, so a change that
rolls back notifies nobody, and a channel that fails is retried without ever losing the in-app notice.
Parameters must be JSON values (format dates yourself); model instances are stored as their primary key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.functional import Promise

if TYPE_CHECKING:
    from qifu.notifications.models import Notification, WebhookEndpoint
    from qifu.organisations.models import Unit, User

Text = str | Promise

# code → (title template, body template): English msgids (gettext_lazy) with %(name)s parameters.
MESSAGES: dict[str, tuple[Text, Text]] = {}

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def register(code: str, title: Text, body: Text = "") -> None:
    """Register a message code (e.g. "ledger.overdue") with its title and body templates."""
    if not CODE_PATTERN.match(code) or len(code) > 64:
        raise ValueError(f"notification code {code!r} must look like 'app.event' (lowercase, at most 64)")
    existing = MESSAGES.get(code)
    if existing is not None:
        with translation.override(None):
            if (str(existing[0]), str(existing[1])) != (str(title), str(body)):
                raise ValueError(f"notification code {code!r} is already registered with other texts")
    MESSAGES[code] = (title, body)


def is_registered(code: str) -> bool:
    return code in MESSAGES


class _Params(dict):
    """A missing parameter renders as nothing rather than breaking the whole list of notices."""

    def __missing__(self, key: str) -> str:
        return ""


def _format(template: Text, params: Mapping[str, Any]) -> str:
    text = str(template)
    try:
        return text % _Params(params)
    except (TypeError, ValueError):  # a parameter of the wrong type, or a stray "%"
        return text


def render(code: str, params: Mapping[str, Any] | None, *, language: str | None = None) -> tuple[str, str]:
    """(title, body) of a message in ``language`` (default: the active language); an unknown code
    renders as the code itself, so old notices stay readable after a message is retired."""
    message = MESSAGES.get(code)
    if message is None:
        return code, ""
    with translation.override(language) if language else nullcontext():
        return _format(message[0], params or {}), _format(message[1], params or {})


def notify(
    *,
    recipients: Iterable[User],
    code: str,
    params: Mapping[str, Any] | None = None,
    link: str = "",
    dedup_key: str | None = None,
    unit_webhooks: Iterable[Unit] = (),
    endpoints: Iterable[WebhookEndpoint] = (),
    email: bool = True,
) -> list[Notification]:
    """Notify ``recipients`` (in-app, and by email when they have an address) and post once to the
    active group webhooks of ``unit_webhooks`` (and to ``endpoints``); returns the notices created.

    With ``dedup_key``, a recipient or webhook that already got this key gets nothing again, so a
    periodic sweep that runs twice notifies once. Inactive users are skipped.
    """
    if code not in MESSAGES:
        raise ValueError(f"notification code {code!r} is not registered; call notify.register() first")
    from qifu.notifications import services

    return services.notifications_create(
        recipients=recipients,
        code=code,
        params=dict(params or {}),
        link=link,
        dedup_key=dedup_key,
        units=unit_webhooks,
        endpoints=endpoints,
        email=email,
    )


def notify_many(messages: Iterable[Mapping[str, Any]]) -> list[Notification]:
    """Many notifications at once, each a mapping of ``notify``'s keyword arguments; a fixed number of
    queries whatever their number (for jobs that tell many people about many things)."""
    from qifu.notifications import services

    batch = []
    for m in messages:
        if m["code"] not in MESSAGES:
            raise ValueError(f"notification code {m['code']!r} is not registered; call notify.register() first")
        batch.append(services.Message(
            recipients=m.get("recipients", ()), code=m["code"], params=dict(m.get("params") or {}),
            link=m.get("link", ""), dedup_key=m.get("dedup_key"), units=m.get("unit_webhooks", ()),
            endpoints=m.get("endpoints", ()), email=m.get("email", True),
        ))
    return services.notifications_create_many(messages=batch) if batch else []
