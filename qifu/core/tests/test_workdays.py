"""core.workdays: deadlines and handling times on China's official calendar, and the CalendarDay table."""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import chinese_calendar
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from qifu.core import workdays
from qifu.core.models import CalendarDay, Event
from qifu.core.workdays import SHANGHAI, NaiveDatetimeError, WorkCalendar

END = (23, 59, 59, 999999)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, *END, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    years, days = workdays.package_calendar()
    return WorkCalendar({day: work for day, (work, _name) in days.items()}, years)


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def seeded(db: None) -> None:
    # Transactional tests elsewhere end with a flush that empties the migration-seeded table.
    workdays.seed_calendar()


# --- The package and its coverage -------------------------------------------------------------------


def test_package_covers_2004_to_2026_and_knows_the_extended_spring_festival_2020() -> None:
    years, days = workdays.package_calendar()
    assert years == range(2004, 2027)
    assert (years[0], years[-1]) == (min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year)
    off = [
        day
        for day, (work, _n) in sorted(days.items())
        if not work and date(2020, 1, 20) <= day <= date(2020, 2, 9)
    ]
    assert off == [date(2020, 1, 24) + timedelta(days=i) for i in range(10)]  # 01-24 … 02-02
    assert days[date(2020, 1, 19)] == (True, "春节")  # Sunday, adjusted working day
    assert days[date(2020, 10, 1)] == (False, "国庆节")


# --- Deadlines: the end of the n-th working day after the day of arrival ---------------------------------


def test_spring_festival_2020_deadline(cal: WorkCalendar) -> None:
    # Reported Thursday 2020-01-23 10:00, 3 working days: the extended holiday (01-24 … 02-02) is skipped.
    assert cal.add_working_days(at(2020, 1, 23, 10), 3) == end_of(2020, 2, 5)
    assert cal.add_working_days(at(2020, 1, 23, 10), 3, keep_time=True) == at(2020, 2, 5, 10)
    assert cal.add_working_days(at(2020, 1, 23, 10), 1) == end_of(2020, 2, 3)
    # Friday 2020-01-17: the next working day is Sunday 01-19 (调休), then Monday.
    assert cal.add_working_days(at(2020, 1, 17, 15), 1) == end_of(2020, 1, 19)
    assert cal.add_working_days(at(2020, 1, 17, 15), 2, keep_time=True) == at(2020, 1, 20, 15)


def test_national_day_2020_deadline(cal: WorkCalendar) -> None:
    # Oct 1–8 off; Sunday 09-27 and Saturday 10-10 are working days.
    assert cal.add_working_days(at(2020, 9, 30, 10), 1) == end_of(2020, 10, 9)
    assert cal.add_working_days(at(2020, 9, 30, 10), 2) == end_of(2020, 10, 10)
    assert cal.add_working_days(at(2020, 9, 30, 10), 3) == end_of(2020, 10, 12)
    # Friday 15:00 before the holiday, 3 working days: Sunday 27th, Monday 28th, Tuesday 29th, at 15:00.
    assert cal.add_working_days(at(2020, 9, 25, 15), 3, keep_time=True) == at(2020, 9, 29, 15)
    assert cal.add_working_days(at(2020, 9, 29, 15), 3, keep_time=True) == at(2020, 10, 10, 15)


def test_deadline_across_an_ordinary_weekend(cal: WorkCalendar) -> None:
    assert cal.add_working_days(at(2020, 3, 6, 15), 1) == end_of(2020, 3, 9)  # Friday → Monday
    assert cal.add_working_days(at(2020, 3, 6, 15), 1, keep_time=True) == at(2020, 3, 9, 15)
    assert cal.add_working_days(at(2020, 3, 6, 15), 5) == end_of(2020, 3, 13)


def test_deadline_starting_on_a_rest_day(cal: WorkCalendar) -> None:
    # Saturday 10:00, 1 working day: due at the end of Monday (the clock would run out Tuesday 00:00).
    assert cal.add_working_days(at(2020, 3, 7, 10), 1) == end_of(2020, 3, 9)
    assert cal.add_working_days(at(2020, 3, 7, 10), 1, keep_time=True) == at(2020, 3, 10)
    # On a holiday (Saturday 2020-10-03, National Day): the first working day is Friday 10-09.
    assert cal.add_working_days(at(2020, 10, 3, 10), 1) == end_of(2020, 10, 9)
    assert cal.add_working_days(at(2020, 10, 3, 10), 1, keep_time=True) == at(2020, 10, 10)


def test_zero_working_days_is_the_same_working_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(at(2020, 3, 6, 15), 0) == end_of(2020, 3, 6)
    assert cal.add_working_days(at(2020, 10, 3, 10), 0) == end_of(2020, 10, 9)
    with pytest.raises(ValueError):
        cal.add_working_days(at(2020, 3, 6), -1)


def test_days_are_days_in_shanghai(cal: WorkCalendar) -> None:
    # 2020-01-23 17:00 UTC is already Friday 01-24 01:00 in Shanghai: a holiday.
    utc = datetime(2020, 1, 23, 17, tzinfo=UTC)
    assert not cal.is_workday(utc)
    assert cal.add_working_days(utc, 1) == end_of(2020, 2, 3)
    assert cal.add_working_days(utc, 1).tzinfo is SHANGHAI


def test_naive_datetimes_are_refused(cal: WorkCalendar) -> None:
    naive = datetime(2020, 1, 23, 10)  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        cal.add_working_days(naive, 3)
    with pytest.raises(NaiveDatetimeError):
        cal.working_days_between(at(2020, 1, 23), naive)
    with pytest.raises(NaiveDatetimeError):
        cal.working_days_between_many([naive], [at(2020, 1, 23)])
    with pytest.raises(NaiveDatetimeError):
        cal.is_workday(naive)
    with pytest.raises(NaiveDatetimeError):
        cal.add_hours(naive, 24)


def test_crisis_clock_counts_calendar_hours(cal: WorkCalendar) -> None:
    assert cal.add_hours(at(2020, 1, 23, 10), 24) == at(2020, 1, 24, 10)  # straight into the holiday


# --- Single days ---------------------------------------------------------------------------------


def test_workdays_next_and_previous(cal: WorkCalendar) -> None:
    assert cal.is_workday(date(2020, 1, 19))  # Sunday, 调休
    assert not cal.is_workday(date(2020, 1, 31))  # Friday, extended holiday
    assert not cal.is_workday(date(2020, 2, 1))  # Saturday: first an adjusted working day, then cancelled
    assert cal.next_workday(date(2020, 1, 23)) == date(2020, 2, 3)
    assert cal.previous_workday(date(2020, 2, 3)) == date(2020, 1, 23)
    assert cal.next_workday(date(2020, 9, 26)) == date(2020, 9, 27)
    assert cal.previous_workday(date(2020, 10, 12)) == date(2020, 10, 10)
    assert cal.workdays_in(date(2020, 9, 26), date(2020, 10, 11)) == 6  # 27–30, 10-09, 10-10


def test_working_days_in_whole_years_match_the_package(cal: WorkCalendar) -> None:
    for year in (2008, 2015, 2020, 2026):
        expected = len(chinese_calendar.get_workdays(date(year, 1, 1), date(year, 12, 31)))
        assert cal.workdays_in(date(year, 1, 1), date(year, 12, 31)) == expected
        assert cal.working_days_between(at(year, 1, 1), at(year + 1, 1, 1)) == expected
    assert cal.workdays_in(date(2020, 1, 1), date(2020, 12, 31)) == 249


# --- Elapsed working time ---------------------------------------------------------------------------


def test_working_days_between_across_the_spring_festival(cal: WorkCalendar) -> None:
    # Thursday 10:00 to the next working day (Monday 02-03) 10:00: one working day.
    assert cal.working_days_between(at(2020, 1, 23, 10), at(2020, 2, 3, 10)) == pytest.approx(1.0)
    assert cal.working_days_between(at(2020, 1, 23, 10), at(2020, 2, 5, 22)) == pytest.approx(3.5)
    # Friday 09:00 → Monday 09:00 over the adjusted Sunday 01-19: two working days.
    assert cal.working_days_between(at(2020, 1, 17, 9), at(2020, 1, 20, 9)) == pytest.approx(2.0)
    # From the middle of the holiday: only Monday 00:00–12:00 counts.
    assert cal.working_days_between(at(2020, 1, 25, 12), at(2020, 2, 3, 12)) == pytest.approx(0.5)
    assert cal.working_days_between(at(2020, 2, 3, 10), at(2020, 1, 23, 10)) == pytest.approx(-1.0)
    assert cal.working_days_between(at(2020, 1, 25), at(2020, 2, 2, 23)) == 0


def test_keep_time_deadline_is_the_inverse_of_elapsed_time(cal: WorkCalendar) -> None:
    start = at(2020, 9, 29, 15, 30)
    for n in range(0, 12):
        deadline = cal.add_working_days(start, n, keep_time=True)
        assert cal.working_days_between(start, deadline) == pytest.approx(n)


def test_many_pairs_at_once(cal: WorkCalendar) -> None:
    starts = [at(2020, 1, 23, 10), at(2020, 9, 30, 18), at(2019, 12, 31, 9)]
    ends = [at(2020, 2, 5, 22), at(2020, 10, 10, 6), at(2030, 1, 1, 9)]
    assert cal.working_days_between_many(starts, ends) == pytest.approx(
        [cal.working_days_between(s, e) for s, e in zip(starts, ends, strict=True)]
    )
    assert cal.working_clock(ends[0]) - cal.working_clock(starts[0]) == pytest.approx(3.5)
    with pytest.raises(ValueError):
        cal.working_days_between_many(starts, ends[:2])


# --- Years the calendar does not cover ---------------------------------------------------------------


def test_uncovered_years_fall_back_to_weekends(cal: WorkCalendar) -> None:
    assert cal.is_covered(2020) and not cal.is_covered(2030)
    assert cal.uncovered_years([2020, 2030, 2003, 2030]) == [2003, 2030]
    assert cal.is_workday(date(2030, 1, 1))  # New Year's Day, unknown: a Tuesday like any other
    assert not cal.is_workday(date(2030, 1, 5))
    assert cal.add_working_days(at(2030, 10, 1, 9), 1) == end_of(2030, 10, 2)
    assert cal.working_days_between(at(2030, 9, 27, 12), at(2030, 9, 30, 12)) == pytest.approx(1.0)
    assert WorkCalendar({}).add_working_days(at(2020, 1, 23, 10), 3) == end_of(2020, 1, 28)


# --- The CalendarDay table ------------------------------------------------------------------------


@pytest.mark.django_db
def test_migration_seeds_the_package_days() -> None:
    migration = importlib.import_module("qifu.core.migrations.0003_calendarday")
    CalendarDay.objects.all().delete()
    migration.seed_from_package(apps, SimpleNamespace(connection=connection))
    _years, days = workdays.package_calendar()
    rows = CalendarDay.objects.filter(date__year=2020)
    assert {r.date: (r.is_workday, r.name) for r in rows} == {d: v for d, v in days.items() if d.year == 2020}
    assert {r.source for r in rows} == {"chinesecalendar"}
    assert CalendarDay.objects.count() == len(days)
    # and the loader agrees with the package day by day
    loaded = workdays.calendar()
    day = date(2020, 1, 1)
    while day.year == 2020:
        assert loaded.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.django_db
def test_reseeding_is_idempotent_and_repairs_package_rows(seeded: None) -> None:
    again = workdays.seed_calendar()
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    CalendarDay.objects.filter(date=date(2020, 10, 8)).delete()
    CalendarDay.objects.filter(date=date(2020, 10, 10)).update(is_workday=False)
    CalendarDay.objects.create(date=date(2020, 3, 3), is_workday=False, name="x", source="chinesecalendar")
    repaired = workdays.seed_calendar()
    assert (repaired.created, repaired.updated, repaired.deleted) == (1, 1, 1)
    assert CalendarDay.objects.get(date=date(2020, 10, 10)).is_workday
    assert not CalendarDay.objects.filter(date=date(2020, 3, 3)).exists()


@pytest.mark.django_db
def test_manual_admin_edit_survives_reseeding(seeded: None, admin_client, admin_user) -> None:
    # A day the package says nothing about: added by hand.
    response = admin_client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2020-10-09", "is_workday": "", "name": "抗疫延长假期"},
    )
    assert response.status_code == 302, response.content
    row = CalendarDay.objects.get(date=date(2020, 10, 9))
    assert (row.is_workday, row.source) == (False, "manual")
    assert Event.objects.filter(code="admin.created", target_id="2020-10-09", actor=admin_user).exists()

    result = workdays.seed_calendar()
    assert result.kept_manual == 0  # the package says nothing about 10-09: no conflict to skip
    row.refresh_from_db()
    assert (row.is_workday, row.name, row.source) == (False, "抗疫延长假期", "manual")

    # A manual override of a package day is skipped by the re-seed, then reverted by deleting it.
    response = admin_client.post(
        reverse("admin:core_calendarday_change", args=["2020-10-10"]), {"is_workday": "", "name": "国庆节"}
    )
    assert response.status_code == 302, response.content
    assert Event.objects.filter(code="admin.changed", target_id="2020-10-10", actor=admin_user).exists()
    assert workdays.seed_calendar().kept_manual == 1
    assert not CalendarDay.objects.get(date=date(2020, 10, 10)).is_workday
    call_command("load_calendar", stdout=io.StringIO(), stderr=io.StringIO())
    assert not CalendarDay.objects.get(date=date(2020, 10, 10)).is_workday
    response = admin_client.post(
        reverse("admin:core_calendarday_delete", args=["2020-10-10"]), {"post": "yes"}
    )
    assert response.status_code == 302
    restored = CalendarDay.objects.get(date=date(2020, 10, 10))
    assert (restored.is_workday, restored.source) == (True, "chinesecalendar")


@pytest.mark.django_db
def test_admin_lists_the_calendar(seeded: None, admin_client, english: None) -> None:
    response = admin_client.get(reverse("admin:core_calendarday_changelist"), {"date__year": "2020"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "adjusted working day" in response.content.decode()
    # package rows cannot be deleted (they would come straight back)
    response = admin_client.get(reverse("admin:core_calendarday_delete", args=["2020-10-01"]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_cached_calendar_sees_edits(seeded: None, django_assert_num_queries) -> None:
    first = workdays.calendar()
    with django_assert_num_queries(1):  # only the version check while nothing changed
        assert workdays.calendar() is first
    assert first.is_workday(date(2020, 10, 9))
    CalendarDay.objects.create(date=date(2020, 10, 9), is_workday=False, name="test")
    assert not workdays.calendar().is_workday(date(2020, 10, 9))
    row = CalendarDay.objects.get(date=date(2020, 10, 9))
    row.is_workday = True
    row.save()
    assert workdays.calendar().is_workday(date(2020, 10, 9))
    row.delete()
    CalendarDay.objects.filter(date=date(2020, 10, 10)).delete()
    assert not workdays.calendar().is_workday(date(2020, 10, 10))


@pytest.mark.django_db
def test_calendar_warnings_for_uncovered_years(seeded: None, english: None) -> None:
    assert workdays.calendar_warnings([2020, 2026]) == []
    assert workdays.calendar_warnings([2020, 2030]) == [
        "The working-day calendar does not cover 2030: weekends only are assumed; add the holidays in the back office."
    ]
    assert workdays.calendar().is_workday(date(2030, 10, 1))
    CalendarDay.objects.create(date=date(2030, 10, 1), is_workday=False, name="国庆节")
    assert workdays.calendar_warnings([2030]) == []
    assert not workdays.calendar().is_workday(date(2030, 10, 1))


@pytest.mark.django_db
def test_load_calendar_command_prints_the_covered_range(seeded: None) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_calendar", stdout=out, stderr=err)
    assert "covers 2004–2026" in out.getvalue()
    assert "0 days added, 0 updated, 0 removed" in out.getvalue()


@pytest.mark.django_db
def test_admin_bulk_delete_reverts_manual_rows(seeded: None, admin_client, admin_user) -> None:
    CalendarDay.objects.filter(date=date(2020, 10, 1)).update(is_workday=True, source="manual")
    CalendarDay.objects.create(date=date(2020, 3, 3), is_workday=False, name="停工", source="manual")
    response = admin_client.post(
        reverse("admin:core_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": ["2020-10-01", "2020-03-03"], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=date(2020, 3, 3)).exists()
    restored = CalendarDay.objects.get(date=date(2020, 10, 1))
    assert (restored.is_workday, restored.name, restored.source) == (False, "国庆节", "chinesecalendar")
    assert Event.objects.filter(code="admin.deleted", actor=admin_user).count() == 2
    assert not workdays.calendar().is_workday(date(2020, 10, 1))
