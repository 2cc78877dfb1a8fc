"""Working-day arithmetic on China's official calendar: statutory holidays and adjusted working weekends (调休).

Two parts in one module:

* ``WorkCalendar`` is pure (no Django at import time, tested directly): built from the days that differ from
  the default rule (Monday–Friday work, Saturday–Sunday rest) and the years whose holidays are known.
  Every query is O(1): a dict lookup for one day, and a dense prefix count of working days over the span of
  the known days (closed-form weekday counting outside it), so a million deadlines or handling times cost a
  million constant-time calls, never a walk over the days in between.
* ``calendar()``, ``calendar_warnings()`` and ``seed_calendar()`` read and write the ``CalendarDay`` table
  (seeded from the ``chinesecalendar`` package, editable in the back office); Django is imported inside them.

Rules (all days are days in Asia/Shanghai; datetimes must be timezone-aware, naive ones are refused):

* Deadline (``add_working_days``): as for legal time limits (民法典 第二百零一条、第二百零三条), the day a
  problem arrives is not counted; the deadline is the *end* (23:59:59.999999) of the n-th working day after
  that day, so "3 working days" from Thursday 2020-01-23 10:00 is Wednesday 2020-02-05 23:59:59.999999
  (the extended Spring Festival, 01-24 to 02-02, is skipped), and 1 working day from Saturday 10:00 is the
  end of Monday. ``n = 0`` means the end of that day if it is a working day, else of the next working day.
  ``keep_time=True`` instead runs a working-time clock that pauses on rest days: Friday 15:00 plus 1 is
  Monday 15:00; a clock started on a rest day starts at 00:00 of the next working day (Saturday 10:00 plus
  1 is Tuesday 00:00); it is the exact inverse of ``working_days_between``.
* Elapsed working time (``working_days_between``): the part of [start, end) that falls on working days, in
  days of 24 hours (fractional by time of day; negative when end is before start). Thursday 10:00 to the
  next working day at 10:00 is 1.0 whatever lies between.
* Crisis mode (``add_hours``): plain calendar hours, holidays included.
* Years without known holidays (``is_covered``) fall back to the weekend rule; ``calendar_warnings`` tells
  administrators. Days in ``special`` apply in every year, covered or not.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time.max  # 23:59:59.999999: a deadline is a date (完成时限); it ends with that day
_SECONDS_PER_DAY = 86400.0


class NaiveDatetimeError(ValueError):
    """A datetime without a timezone: the working day it falls on is unknown."""


def _weekday_rule(ordinal: int) -> bool:
    # date.fromordinal(1) (0001-01-01) is a Monday, so (ordinal - 1) % 7 is date.weekday().
    return (ordinal - 1) % 7 < 5


def _weekdays_before(ordinal: int) -> int:
    """Monday–Friday days in [0001-01-01, ordinal)."""
    weeks, rest = divmod(ordinal - 1, 7)
    return 5 * weeks + min(rest, 5)


def _nth_weekday(k: int) -> int:
    """The ordinal of the k-th (0-based) Monday–Friday day from 0001-01-01: inverse of _weekdays_before."""
    weeks, rest = divmod(k, 5)
    return 1 + 7 * weeks + rest


class WorkCalendar:
    """Working days: ``special`` overrides (date → is a working day) over the Monday–Friday rule."""

    def __init__(
        self,
        special: Mapping[date, bool],
        covered_years: Collection[int] = range(0),
        *,
        tz: tzinfo = SHANGHAI,
    ) -> None:
        self.covered_years = covered_years
        self.tz = tz
        self._special: dict[int, bool] = {day.toordinal(): bool(work) for day, work in special.items()}
        # Only overrides that change the answer move the count: +1 for a working weekend, -1 for a holiday
        # on a weekday. Between the first and the last of them, a dense prefix sum of those corrections and
        # the list of working days make counting and its inverse O(1); outside, plain weekday arithmetic.
        changes = sorted((o, 1 if w else -1) for o, w in self._special.items() if w != _weekday_rule(o))
        self._lo = changes[0][0] if changes else 1
        self._hi = changes[-1][0] + 1 if changes else 1
        delta = dict(changes)
        corrections = [0] * (self._hi - self._lo + 1)
        running = 0
        for i in range(self._hi - self._lo):
            corrections[i] = running
            running += delta.get(self._lo + i, 0)
        corrections[-1] = running
        self._corrections = corrections
        self._total = running
        self._span_workdays = [o for o in range(self._lo, self._hi) if self._works(o)]
        self._k_lo = self._count(self._lo)
        self._k_hi = self._count(self._hi)
        assert self._k_hi - self._k_lo == len(self._span_workdays)

    # --- days ------------------------------------------------------------
    def _works(self, ordinal: int) -> bool:
        work = self._special.get(ordinal)
        return _weekday_rule(ordinal) if work is None else work

    def _count(self, ordinal: int) -> int:
        """Working days in [0001-01-01, ordinal): the calendar's running index."""
        count = _weekdays_before(ordinal)
        if ordinal <= self._lo:
            return count
        if ordinal >= self._hi:
            return count + self._total
        return count + self._corrections[ordinal - self._lo]

    def _nth(self, k: int) -> int:
        """The ordinal of the k-th (0-based) working day: inverse of _count."""
        if k < self._k_lo:
            return _nth_weekday(k)
        if k >= self._k_hi:
            return _nth_weekday(k - self._total)
        return self._span_workdays[k - self._k_lo]

    def _local(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a timezone-aware datetime, got {type(moment).__name__}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise NaiveDatetimeError(
                f"working-day arithmetic needs a timezone-aware datetime, got naive {moment.isoformat()} "
                "(use django.utils.timezone.now() or attach a tzinfo)"
            )
        return moment.astimezone(self.tz)

    def _day(self, day: date) -> int:
        """A date's ordinal; an aware datetime counts as its local date in Asia/Shanghai."""
        if isinstance(day, datetime):
            return self._local(day).toordinal()
        if not isinstance(day, date):
            raise TypeError(f"expected a date, got {type(day).__name__}")
        return day.toordinal()

    def is_workday(self, day: date) -> bool:
        """Whether people work that day (an override, else Monday–Friday)."""
        return self._works(self._day(day))

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return date.fromordinal(self._nth(self._count(self._day(day) + 1)))

    def previous_workday(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return date.fromordinal(self._nth(self._count(self._day(day)) - 1))

    def workdays_in(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both included (0 when last is before first)."""
        return max(0, self._count(self._day(last) + 1) - self._count(self._day(first)))

    # --- moments ---------------------------------------------------------
    def add_working_days(self, start: datetime, n: int, *, keep_time: bool = False) -> datetime:
        """The deadline n working days after ``start``: end of the n-th working day after start's day.

        With ``keep_time`` the same time of day on the n-th working day instead (a working-time clock
        that pauses on rest days; see the module docstring).
        """
        if n < 0:
            raise ValueError("n must be zero or more working days")
        local = self._local(start)
        ordinal = local.toordinal()
        if keep_time:
            # On a rest day the clock has not started: it runs from 00:00 of the next working day.
            at = local.time() if self._works(ordinal) else time()
            return datetime.combine(date.fromordinal(self._nth(self._count(ordinal) + n)), at, self.tz)
        k = self._count(ordinal) if n == 0 else self._count(ordinal + 1) + n - 1
        return datetime.combine(date.fromordinal(self._nth(k)), END_OF_DAY, self.tz)

    def working_clock(self, moment: datetime) -> float:
        """Working days elapsed since 0001-01-01 at ``moment``: differences of two are working days between.

        Storing it per event lets SQL average handling times without this class.
        """
        local = self._local(moment)
        ordinal = local.toordinal()
        return self._count(ordinal) + (_day_fraction(local) if self._works(ordinal) else 0.0)

    def working_days_between(self, start: datetime, end: datetime) -> float:
        """Working time from ``start`` to ``end`` in working days, fractional by time of day."""
        a, b = self._local(start), self._local(end)
        oa, ob = a.toordinal(), b.toordinal()
        whole = self._count(ob) - self._count(oa)
        return (
            whole
            + (_day_fraction(b) if self._works(ob) else 0.0)
            - (_day_fraction(a) if self._works(oa) else 0.0)
        )

    def working_days_between_many(self, starts: Iterable[datetime], ends: Iterable[datetime]) -> list[float]:
        """``working_days_between`` for pairs of equally long sequences (numpy is not a dependency)."""
        # The same arithmetic as working_days_between, inlined: about twice as fast over a million pairs.
        tz, works, count = self.tz, self._works, self._count
        out: list[float] = []
        append = out.append
        for start, end in zip(starts, ends, strict=True):
            if start.tzinfo is None or end.tzinfo is None:
                self._local(start if start.tzinfo is None else end)  # raises NaiveDatetimeError
            a, b = start.astimezone(tz), end.astimezone(tz)
            oa, ob = a.toordinal(), b.toordinal()
            value = float(count(ob) - count(oa))
            if works(ob):
                value += (b.hour * 3600 + b.minute * 60 + b.second + b.microsecond / 1e6) / _SECONDS_PER_DAY
            if works(oa):
                value -= (a.hour * 3600 + a.minute * 60 + a.second + a.microsecond / 1e6) / _SECONDS_PER_DAY
            append(value)
        return out

    def add_hours(self, start: datetime, hours: float) -> datetime:
        """The 24-hour crisis clock: calendar hours, rest days included."""
        return self._local(start) + timedelta(hours=hours)

    # --- coverage --------------------------------------------------------
    def is_covered(self, year: int) -> bool:
        """Whether the holidays of ``year`` are known (else only weekends are rest days)."""
        return year in self.covered_years

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        return sorted({y for y in years if not self.is_covered(y)})


def _day_fraction(local: datetime) -> float:
    # Wall-clock fraction: Shanghai has had no daylight saving time since 1991, so every day has 24 hours.
    return (local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6) / _SECONDS_PER_DAY


# --- The chinesecalendar package ------------------------------------------------------------------


def package_calendar() -> tuple[range, dict[date, tuple[bool, str]]]:
    """The years the installed chinesecalendar package covers, and its days: date → (is workday, 中文名)."""
    import chinese_calendar

    chinese = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    days: dict[date, tuple[bool, str]] = {
        d: (False, chinese.get(n, n)) for d, n in chinese_calendar.holidays.items()
    }
    days.update({d: (True, chinese.get(n, n)) for d, n in chinese_calendar.workdays.items()})
    # The package's own bounds (utils._validate_date): the years of its first and last holiday.
    years = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
    return years, days


# --- Django: the CalendarDay table ------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    package_version: str
    years: range
    created: int
    updated: int
    deleted: int
    kept_manual: int


def seed_calendar(*, dates: Collection[date] | None = None) -> SeedResult:
    """Upsert the package's days into CalendarDay, idempotently; manual rows are never touched.

    Package rows the package no longer lists (within its years) are removed. ``dates`` limits the work to
    those days (the back office restores a deleted day this way).
    """
    import chinese_calendar
    from django.db import transaction
    from django.utils import timezone

    from .models import CalendarDay

    years, days = package_calendar()
    if dates is not None:
        wanted = set(dates)
        days = {d: v for d, v in days.items() if d in wanted}
    now = timezone.now()
    created: list[CalendarDay] = []
    changed: list[CalendarDay] = []
    kept_manual = 0
    with transaction.atomic():
        existing_rows = CalendarDay.objects.select_for_update()
        if dates is not None:
            existing_rows = existing_rows.filter(date__in=list(wanted))
        existing = {row.date: row for row in existing_rows}
        for day, (work, name) in sorted(days.items()):
            row = existing.get(day)
            if row is None:
                created.append(
                    CalendarDay(
                        date=day,
                        is_workday=work,
                        name=name,
                        source=CalendarDay.Source.PACKAGE,
                        updated_at=now,
                    )
                )
            elif row.source == CalendarDay.Source.MANUAL:
                kept_manual += 1
            elif (row.is_workday, row.name) != (work, name):
                row.is_workday, row.name, row.updated_at = work, name, now
                changed.append(row)
        stale = [
            day
            for day, row in existing.items()
            if row.source == CalendarDay.Source.PACKAGE and day.year in years and day not in days
        ]
        CalendarDay.objects.bulk_create(created, batch_size=500)
        CalendarDay.objects.bulk_update(changed, ["is_workday", "name", "updated_at"], batch_size=500)
        deleted = CalendarDay.objects.filter(date__in=stale).delete()[0] if stale else 0
    invalidate_calendar()
    return SeedResult(
        package_version=getattr(chinese_calendar, "__version__", "?"),
        years=years,
        created=len(created),
        updated=len(changed),
        deleted=deleted,
        kept_manual=kept_manual,
    )


_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], WorkCalendar] | None = None


def _table_version() -> tuple[Any, ...]:
    from django.db.models import Count, Max, Q

    from .models import CalendarDay

    v = CalendarDay.objects.order_by().aggregate(
        n=Count("date"), working=Count("date", filter=Q(is_workday=True)), at=Max("updated_at")
    )
    return (v["n"], v["working"], v["at"])


def calendar() -> WorkCalendar:
    """The calendar from the CalendarDay table, cached in-process.

    Costs one small aggregate query (count and latest change of the rows) so that edits made in any
    process, or rolled back, are seen at once; a second query rebuilds it when the table changed. Call it
    once per request or job, not once per problem.
    """
    global _cached
    from .models import CalendarDay

    version = _table_version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        rows = list(CalendarDay.objects.order_by().values_list("date", "is_workday"))
        # A year counts as covered when the table has any day of it (every real year has a Spring
        # Festival): the package's years once seeded, and years the back office has entered by hand.
        built = WorkCalendar(dict(rows), frozenset(day.year for day, _work in rows))
        _cached = (version, built)
    return built


def invalidate_calendar() -> None:
    """Forget the cached calendar (after bulk writes that may not move the version, e.g. queryset.update)."""
    global _cached
    _cached = None


def calendar_warnings(years: Iterable[int] | None = None) -> list[str]:
    """Warnings for administrators about ``years`` (default: this year and next) the calendar lacks."""
    from django.utils import timezone
    from django.utils.translation import gettext

    if years is None:
        this_year = timezone.localdate().year
        years = (this_year, this_year + 1)
    return [
        gettext(
            "The working-day calendar does not cover %(year)d: weekends only are assumed; "
            "add the holidays in the back office."
        )
        % {"year": year}
        for year in calendar().uncovered_years(years)
    ]
