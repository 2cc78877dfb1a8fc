"""The resumption's notification messages, registered once with English msgids."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qifu.core import notify

REMINDER = "resumption.reminder"
BRIEFING = "resumption.briefing"

notify.register(
    REMINDER,
    _("%(count)s of your enterprises have not reported today"),
    _("No resumption status report yet for %(date)s: %(names)s."),
)
notify.register(
    BRIEFING,
    _("Daily resumption briefing for %(date)s"),
    _("Resumption rate %(resumption_rate)s, return-to-post rate %(return_rate)s, capacity %(capacity_rate)s."),
)
