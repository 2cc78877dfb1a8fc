"""Re-seed the working-day calendar from the installed chinesecalendar package (manual rows are kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from qifu.core import workdays


class Command(BaseCommand):
    help = "Upsert China's holidays and adjusted working days from the chinesecalendar package; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        result = workdays.seed_calendar()
        first, last = result.years[0], result.years[-1]
        self.stdout.write(
            f"chinesecalendar {result.package_version} covers {first}–{last}: "
            f"{result.created} days added, {result.updated} updated, {result.deleted} removed, "
            f"{result.kept_manual} manual rows kept."
        )
        this_year = timezone.localdate().year
        for warning in workdays.calendar_warnings(range(this_year, this_year + 2)):
            self.stderr.write(self.style.WARNING(warning))
