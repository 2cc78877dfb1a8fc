"""Personal daily digests for service commissioners (一户一专员): their enterprises' open problems, by warning
colour, and those waiting on them. The units' digests are in supervision.digests_send; this is the same idea for
the person on site, who has no unit inbox to read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from qifu.core import notify
from qifu.enterprises.models import CommissionerAssignment
from qifu.organisations.models import User

from . import notices
from .choices import OPEN_STATUSES, Status, Tier
from .models import Problem

MAX_NUMBERS = 5  # ledger numbers named in the notice; the link shows the rest


@dataclass
class CommissionerDigest:
    """One commissioner's counts for the day, and the ledger numbers that most need them."""

    open: int = 0
    red: int = 0
    yellow: int = 0
    blue: int = 0
    waiting: int = 0  # to accept, to solve on site or escalate, or a resolution to check
    urgent: list[tuple[int, datetime | None, str]] = field(default_factory=list)  # (rank, deadline, number)

    def params(self) -> dict[str, object]:
        ranked = sorted(self.urgent, key=lambda r: (r[0], r[1] is None, r[1] or timezone.now(), r[2]))
        numbers = [number for _rank, _deadline, number in ranked[:MAX_NUMBERS]]
        more = len(ranked) - len(numbers)
        listed = ", ".join(numbers) + (f" (+{more})" if more > 0 else "")
        return {"open": self.open, "red": self.red, "yellow": self.yellow, "blue": self.blue,
                "waiting": self.waiting, "numbers": listed or "—"}


# Waiting on the enterprise's commissioner: a report to accept, a problem at the commissioner's tier to solve on
# site or escalate, a resolution to check with the enterprise.
WAITING = (
    Q(status=Status.REPORTED)
    | Q(status=Status.ACCEPTED, tier=Tier.COMMISSIONER)
    | Q(status=Status.RESOLVED, checked_at__isnull=True)
)
RANK = {"red": 0, "yellow": 2, "blue": 1}


def commissioner_digests(*, commissioner_ids: list[int] | None = None) -> dict[int, CommissionerDigest]:
    """Each active commissioner's digest over the enterprises assigned to them now (two queries)."""
    assignments = CommissionerAssignment.objects.filter(ended_at__isnull=True, commissioner__is_active=True)
    if commissioner_ids is not None:
        assignments = assignments.filter(commissioner_id__in=commissioner_ids)
    by_enterprise: dict[int, list[int]] = defaultdict(list)
    for enterprise_id, commissioner_id in assignments.values_list("enterprise_id", "commissioner_id"):
        by_enterprise[enterprise_id].append(commissioner_id)
    digests: dict[int, CommissionerDigest] = defaultdict(CommissionerDigest)
    if not by_enterprise:
        return {}
    rows = (
        Problem.objects.filter(Q(status__in=OPEN_STATUSES) | WAITING, enterprise_id__in=list(by_enterprise))
        .annotate(waiting=Q(WAITING))
        .order_by()
        .values_list("enterprise_id", "number", "status", "warning", "deadline", "waiting")
    )
    for enterprise_id, number, status, warning, deadline, waiting in rows.iterator(chunk_size=2000):
        for commissioner_id in by_enterprise[enterprise_id]:
            d = digests[commissioner_id]
            if status in OPEN_STATUSES:
                d.open += 1
                if warning in ("red", "yellow", "blue"):
                    setattr(d, warning, getattr(d, warning) + 1)
            if waiting:
                d.waiting += 1
            if warning in RANK or waiting:
                d.urgent.append((RANK.get(warning, 3), deadline, number))
    return dict(digests)


def commissioner_digests_send(*, now: datetime | None = None) -> int:
    """Send each commissioner with open or waiting problems their digest, once per commissioner and day.
    Returns the number of notices created (0 on a second run the same day)."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    digests = commissioner_digests()
    people = User.objects.in_bulk([pk for pk, d in digests.items() if d.open or d.waiting])
    link = reverse("problem-list") + "?status=open&sort=deadline"
    sent = 0
    for pk in sorted(people):
        with transaction.atomic():
            sent += len(notify.notify(
                recipients=[people[pk]],
                code=notices.COMMISSIONER_DIGEST,
                params=digests[pk].params(),
                link=link,
                dedup_key=f"commissioner-digest:{pk}:{day:%Y%m%d}",
            ))
    return sent
