"""States and transition tables of the workforce return: workers, bus plans, trips, health events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerState(models.TextChoices):
    AT_ORIGIN = "at_origin", _("At origin")
    TRAVELLING = "travelling", _("Travelling")
    ARRIVED = "arrived", _("Arrived")
    OBSERVATION = "observation", _("In health observation")
    AT_WORK = "at_work", _("At work")
    NOT_RETURNING = "not_returning", _("Not returning")


# Legal moves of a worker (or a number of workers of one origin group) between states.
WORKER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    WorkerState.AT_ORIGIN: (WorkerState.TRAVELLING, WorkerState.ARRIVED, WorkerState.NOT_RETURNING),
    WorkerState.TRAVELLING: (WorkerState.ARRIVED, WorkerState.AT_ORIGIN),
    WorkerState.ARRIVED: (WorkerState.OBSERVATION, WorkerState.AT_WORK),
    WorkerState.OBSERVATION: (WorkerState.AT_WORK,),
    WorkerState.AT_WORK: (),
    WorkerState.NOT_RETURNING: (WorkerState.AT_ORIGIN,),
}
ON_SITE = (WorkerState.ARRIVED, WorkerState.OBSERVATION, WorkerState.AT_WORK)
AWAY = (WorkerState.AT_ORIGIN,)


class AuthorityKind(models.TextChoices):
    TRANSPORT = "transport", _("Transport department")
    HEALTH = "health", _("Health authority")


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TripState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


TRIP_TRANSITIONS: dict[str, dict[str, str]] = {
    "depart": {"from": TripState.PLANNED, "to": TripState.DEPARTED},
    "arrive": {"from": TripState.DEPARTED, "to": TripState.ARRIVED},
    "cancel": {"from": TripState.PLANNED, "to": TripState.CANCELLED},
}


class HealthStepKind(models.TextChoices):
    HOSPITAL = "hospital", _("Taken to hospital")
    CT = "ct", _("CT scan")
    NAT_1 = "nat_1", _("First nucleic-acid test")
    NAT_2 = "nat_2", _("Second nucleic-acid test")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    ISOLATION = "isolation", _("Isolation")


class StepResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Abnormal")
    DONE = "done", _("Done")


class HealthStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLEARED = "cleared", _("Closed: negative")
    CONFIRMED = "confirmed", _("Closed: confirmed case")
