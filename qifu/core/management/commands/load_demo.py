"""``manage.py load_demo``: load the demo scenario from the seed report (idempotent, deterministic)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from qifu.demo import scenario

LOGIN_HINT = "see QIFU_DEMO_PASSWORD; default qifu-demo-2020 in development"


def _width(text: str) -> int:
    """Columns a terminal needs for ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Load the demo scenario: Chengdu's command centers, task forces, departments and 3,588 above-scale "
        "enterprises with a commissioner each, Sichuan FAW Toyota's suppliers and the Gulei work team. "
        "Safe to run again: existing rows are kept, nothing is duplicated."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            summary = scenario.load(stdout=self.stdout if verbose else None)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

        created = ", ".join(f"{k} {v}" for k, v in summary.created.items() if v) or "nothing (already loaded)"
        t = summary.totals
        self.stdout.write(self.style.SUCCESS(f"Demo scenario loaded in {summary.seconds:.1f} s. Created: {created}."))
        self.stdout.write(
            f"Now: {t['units']} units, {t['sections']} sections, {t['enterprises']} enterprises "
            f"({t['chengdu_above_scale']} above-scale in Chengdu, {t['external']} outside jurisdiction), "
            f"{t['users']} users ({t['commissioners']} commissioners), "
            f"{t['active_assignments']} active commissioner assignments."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {LOGIN_HINT}):")
        rows = [(x.username, f"{x.full_name} · {x.role}", x.unit) for x in summary.logins]
        widths = [max(_width(r[i]) for r in rows) for i in range(2)]
        for username, who, unit in rows:
            self.stdout.write(f"  {_pad(username, widths[0])}  {_pad(who, widths[1])}  {unit}")
        self.stdout.write(
            "  … and per district: <slug>_cc (command center), <slug>_jxj (经信局), <slug>_zy001… (commissioners)."
        )
