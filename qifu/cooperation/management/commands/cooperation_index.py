"""Write the cooperation platform's shared matching segment now (after a deploy or a bulk load)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qifu.cooperation import index


class Command(BaseCommand):
    help = "Write the open listings as the shared matching segment and make it current."

    def handle(self, *args: Any, **options: Any) -> None:
        result = index.build_segment()
        self.stdout.write(f"segment {result['segment']}: {result['listings']} listings, "
                          f"watermark {result['watermark']}")
