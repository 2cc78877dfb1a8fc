"""The workforce return's notification messages, registered once with English msgids."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qifu.core import notify

PLAN_PROPOSED = "workforce.plan_proposed"
PLAN_DECIDED = "workforce.plan_decided"
HEALTH_OPENED = "workforce.health_opened"
HEALTH_CLOSED = "workforce.health_closed"

notify.register(PLAN_PROPOSED, _("Chartered buses to approve: %(enterprise)s"),
                _("%(buses)s buses for %(workers)s workers on %(date)s."))
notify.register(PLAN_DECIDED, _("Chartered buses %(decision)s: %(enterprise)s"), _("%(buses)s buses on %(date)s."))
notify.register(HEALTH_OPENED, _("Suspected case at %(enterprise)s"), _("%(description)s"))
notify.register(HEALTH_CLOSED, _("Health event closed at %(enterprise)s"), _("%(outcome)s"))
