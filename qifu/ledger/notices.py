"""The ledger's notification messages, registered once with English msgids (imported by supervision and tasks)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qifu.core import notify

WARNING_RED = "ledger.warning_red"
WARNING_YELLOW = "ledger.warning_yellow"
WARNING_BLUE = "ledger.warning_blue"
ESCALATED_OVERDUE = "ledger.escalated_overdue"
# One notice for many problems: when one sweep turns more than a few of a person's problems the same colour.
WARNING_MANY_CODES = {"red": "ledger.warning_red_many", "yellow": "ledger.warning_yellow_many",
                      "blue": "ledger.warning_blue_many"}
DIGEST = "ledger.digest"

# colour → message code of the notice sent when a problem turns that colour.
WARNING_CODES = {"red": WARNING_RED, "yellow": WARNING_YELLOW, "blue": WARNING_BLUE}

notify.register(
    WARNING_RED,
    _("Red warning: problem %(number)s is overdue"),
    _("%(title)s — it was due on %(deadline)s."),
)
notify.register(
    WARNING_YELLOW,
    _("Yellow warning: no progress report on problem %(number)s"),
    _("%(title)s — no progress has been reported for %(days)s working days."),
)
notify.register(
    WARNING_BLUE,
    _("Blue warning: problem %(number)s is due within one working day"),
    _("%(title)s — it is due on %(deadline)s."),
)
notify.register(
    WARNING_MANY_CODES["red"],
    _("Red warning: %(count)s problems are overdue"),
    _("Overdue now: %(numbers)s"),
)
notify.register(
    WARNING_MANY_CODES["yellow"],
    _("Yellow warning: %(count)s problems without a progress report"),
    _("No progress reported within the reporting period: %(numbers)s"),
)
notify.register(
    WARNING_MANY_CODES["blue"],
    _("Blue warning: %(count)s problems are due within one working day"),
    _("Due soon: %(numbers)s"),
)
notify.register(
    ESCALATED_OVERDUE,
    _("Problem %(number)s escalated: overdue"),
    _("%(title)s was overdue by %(days)s working days and now lies with %(unit)s."),
)
notify.register(
    DIGEST,
    _("Ledger digest for %(unit)s: %(open)s open problems"),
    _("%(open)s open, %(red)s overdue (red), %(yellow)s without progress (yellow), %(blue)s due soon (blue)."),
)

# Ordinary transitions: whoever must act next hears of it.
ARRIVED = "ledger.arrived"  # a problem reached a unit (escalated or dispatched to it)
RESOLVED = "ledger.resolved"  # the enterprise is asked to confirm
RETURNED = "ledger.returned"  # a department sent it back to the dispatcher
REOPENED = "ledger.reopened"  # the enterprise was not satisfied
CHASED = "ledger.chased"  # a supervisor chases the holder

notify.register(ARRIVED, _("Problem %(number)s is now with %(unit)s"), _("%(enterprise)s: %(title)s"))
notify.register(
    RESOLVED,
    _("Problem %(number)s is resolved: please confirm"),
    _("%(title)s — %(resolution)s Please confirm and rate the result."),
)
notify.register(RETURNED, _("Problem %(number)s was sent back"), _("%(title)s — %(reason)s"))
notify.register(REOPENED, _("Problem %(number)s is reopened"), _("%(title)s — the enterprise is not satisfied: %(reason)s"))
notify.register(CHASED, _("Problem %(number)s is being chased"), _("%(title)s — %(reason)s"))

# A commissioner's own daily digest (digests.py): their enterprises' open problems and those waiting on them.
COMMISSIONER_DIGEST = "ledger.commissioner_digest"

notify.register(
    COMMISSIONER_DIGEST,
    _("Your enterprises today: %(open)s open problems, %(waiting)s waiting for you"),
    _("%(open)s open: %(red)s overdue (red), %(yellow)s without progress (yellow), %(blue)s due soon (blue). "
      "Waiting for you (to accept, solve or escalate, or check): %(waiting)s. Most urgent: %(numbers)s."),
)

# Deadline extensions: the tier above is asked, the requester hears the decision.
EXTENSION_REQUESTED = "ledger.extension_requested"
EXTENSION_GRANTED = "ledger.extension_granted"
EXTENSION_REFUSED = "ledger.extension_refused"

notify.register(
    EXTENSION_REQUESTED,
    _("Deadline extension requested for problem %(number)s"),
    _("%(title)s — asked until %(deadline)s: %(reason)s"),
)
notify.register(
    EXTENSION_GRANTED,
    _("Deadline extension granted for problem %(number)s"),
    _("%(title)s — new deadline %(deadline)s. %(note)s"),
)
notify.register(
    EXTENSION_REFUSED,
    _("Deadline extension refused for problem %(number)s"),
    _("%(title)s — the deadline stays. %(note)s"),
)
