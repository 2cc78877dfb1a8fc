"""The key-project app's notification messages, registered once with English msgids."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qifu.core import notify

VEHICLE_APPLIED = "projects.pass_applied"
VEHICLE_APPROVED = "projects.pass_approved"
VEHICLE_REFUSED = "projects.pass_refused"
VEHICLE_REVOKED = "projects.pass_revoked"

notify.register(VEHICLE_APPLIED, _("Vehicle pass application %(number)s for %(plate)s"),
                _("A vehicle pass for %(plate)s awaits your decision."))
notify.register(VEHICLE_APPROVED, _("Vehicle pass %(number)s approved"),
                _("The pass for %(plate)s is approved; print it or show it on the phone."))
notify.register(VEHICLE_REFUSED, _("Vehicle pass %(number)s refused"), _("The pass for %(plate)s was refused: %(reason)s"))
notify.register(VEHICLE_REVOKED, _("Vehicle pass %(number)s revoked"), _("The pass for %(plate)s was revoked: %(reason)s"))
