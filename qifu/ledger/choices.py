"""States, tiers and the transition table of the problem ledger. Workflow rules are data (Saleor-style):
services look up here whether a transition is legal from the current status, and who may make it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    COMMISSIONER = "commissioner", _("Commissioner on site")
    SELF_REPORT = "self_report", _("Enterprise self-report")
    HOTLINE = "hotline", _("Hotline")
    IMPORT = "import", _("Imported ledger")


class Nature(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual problem")
    COMMON = "common", _("Common problem")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Tier(models.TextChoices):
    """Where a problem is being worked, bottom to top."""

    COMMISSIONER = "commissioner", _("Commissioner")
    COMMAND_CENTER = "command_center", _("Command center")
    TASK_FORCE = "task_force", _("Service task force")
    DEPARTMENT = "department", _("Department")
    LEADERSHIP = "leadership", _("Leadership task force")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")  # waiting for the commissioner to accept it
    ACCEPTED = "accepted", _("Accepted")  # the commissioner works on it on site
    ESCALATED = "escalated", _("Escalated")  # at a command center, task force or leadership task force, to dispatch
    DISPATCHED = "dispatched", _("With departments")  # assigned to one or more departments
    RESOLVED = "resolved", _("Resolved")  # waiting for the enterprise's confirmation and the commissioner's check
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into a common problem")


OPEN_STATUSES = (Status.REPORTED, Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED)


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting receipt")
    ACKNOWLEDGED = "acknowledged", _("Received")
    RESOLVED = "resolved", _("Resolved")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ACTIVE_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.ACKNOWLEDGED)


class ReturnKind(models.TextChoices):
    WRONG_UNIT = "wrong_unit", _("Wrongly dispatched")  # 退单: back to the dispatcher for reassignment
    BEYOND_POWER = "beyond_power", _("Beyond the department's power")  # up to the leadership task force


class ResolutionType(models.TextChoices):
    SOLVED = "solved", _("Solved")
    EXPLAINED = "explained", _("Explained: cannot be solved under current policy")
    PARTLY = "partly", _("Partly solved")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class CloseReason(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the enterprise and checked by the commissioner")
    EXPIRED = "expired", _("Confirmation period expired")
    MERGED_PARENT = "merged_parent", _("Closed with its common problem")
    IMPORTED = "imported", _("Imported as already finished")


class WarningColour(models.TextChoices):
    NONE = "", _("None")
    BLUE = "blue", _("Blue: due within one working day")
    YELLOW = "yellow", _("Yellow: no progress report in the period")
    RED = "red", _("Red: overdue")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


# action → statuses it may start from. Who may act is decided in rules.py; the target status in services.py.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "accept": (Status.REPORTED,),
    "resolve_on_site": (Status.ACCEPTED,),
    "escalate": (Status.ACCEPTED,),
    "dispatch": (Status.ESCALATED, Status.DISPATCHED),
    "acknowledge": (Status.DISPATCHED,),
    "report_progress": (Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED),
    "resolve": (Status.DISPATCHED, Status.ESCALATED),
    "return": (Status.DISPATCHED,),
    "confirm": (Status.RESOLVED,),
    "check": (Status.RESOLVED,),
    "expire_confirmation": (Status.RESOLVED,),
    "chase": (Status.REPORTED, Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED),
    "request_extension": (Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED),
    "decide_extension": (Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED, Status.RESOLVED),
    "merge": (Status.REPORTED, Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED),
    "escalate_overdue": (Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED),
}

# The tier above each tier: where overdue problems and extension requests go.
TIER_ABOVE: dict[str, str] = {
    Tier.COMMISSIONER: Tier.COMMAND_CENTER,
    Tier.COMMAND_CENTER: Tier.LEADERSHIP,
    Tier.TASK_FORCE: Tier.LEADERSHIP,
    Tier.DEPARTMENT: Tier.LEADERSHIP,
    Tier.LEADERSHIP: Tier.LEADERSHIP,
}
