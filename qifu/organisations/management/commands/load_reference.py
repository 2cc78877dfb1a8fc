"""Re-run the reference-data loaders: refresh regions and industries on an existing database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qifu.organisations.models import Industry, Region
from qifu.organisations.reference import INDUSTRIES_CSV, REGIONS_CSV, load_industries, load_regions


class Command(BaseCommand):
    help = (
        "Insert missing and update changed GB/T 2260 regions and GB/T 4754-2017 industries from the CSV files "
        "in qifu/organisations/data. Nothing is deleted: abolished regions stay for the records that use them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        regions = load_regions(Region)
        industries = load_industries(Industry)
        self.stdout.write(f"regions ({REGIONS_CSV.name}): {regions}")
        self.stdout.write(f"industries ({INDUSTRIES_CSV.name}): {industries}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{Region.objects.count()} regions and {Industry.objects.count()} industries in the database"
            )
        )
