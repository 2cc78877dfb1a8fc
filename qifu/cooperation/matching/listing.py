"""The record the engine matches: one supply or demand listing, as the CLI reads it and the app feeds it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import places, quantities

SUPPLY = "supply"
DEMAND = "demand"
KINDS = (SUPPLY, DEMAND)

DATA_DIR = Path(__file__).resolve().parent / "data"
LABELLED_SET = DATA_DIR / "labelled_listings.jsonl"


@dataclass(frozen=True, slots=True)
class Listing:
    """A listing with its region resolved to a GB/T 2260 code and its quantity converted to a base unit."""

    id: Any
    kind: str
    title: str
    description: str = ""
    spec: str = ""
    category: str = ""
    quantity: float | None = None
    unit: str = ""
    region: str = ""  # six-digit code ("" when unknown)
    valid_until: date | None = None
    enterprise: str = ""

    @property
    def text(self) -> str:
        """What the text scorers read: title twice (it names the product), spec, description, category."""
        return " ".join(p for p in (self.title, self.title, self.spec, self.description, self.category) if p)

    @property
    def base_quantity(self) -> tuple[str, float] | None:
        return quantities.to_base(self.quantity, self.unit)

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> Listing:
        """Build from a JSON object (unknown keys are ignored); raises ValueError on a bad field."""
        if "id" not in row:
            raise ValueError("a listing needs an 'id'")
        kind = str(row.get("kind") or "").strip().lower()
        if kind not in KINDS:
            raise ValueError(f"listing {row['id']!r}: 'kind' must be supply or demand")
        title = row.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"listing {row['id']!r}: 'title' must be a non-empty string")
        quantity = row.get("quantity")
        if quantity in ("", None):
            quantity = None
        else:
            try:
                quantity = float(quantity)
            except (TypeError, ValueError):
                raise ValueError(f"listing {row['id']!r}: 'quantity' must be a number") from None
        valid = row.get("valid_until")
        valid_until = None
        if valid:
            try:
                valid_until = date.fromisoformat(str(valid)[:10])
            except ValueError:
                raise ValueError(f"listing {row['id']!r}: 'valid_until' must be a date (YYYY-MM-DD)") from None
        return cls(
            id=row["id"], kind=kind, title=title.strip(), description=str(row.get("description") or ""),
            spec=str(row.get("spec") or ""), category=str(row.get("category") or ""), quantity=quantity,
            unit=str(row.get("unit") or ""), region=places.resolve(str(row.get("region") or "")) or "",
            valid_until=valid_until, enterprise=str(row.get("enterprise") or ""),
        )


def iter_jsonl(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise ValueError(f"line {number}: not a JSON object")
        yield row


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return list(iter_jsonl(fh))


def labelled_set() -> tuple[list[Listing], dict[Any, dict[Any, int]]]:
    """The shipped labelled set: listings and, per demand, {supply id: grade 1–3}."""
    rows = read_rows(LABELLED_SET)
    return [Listing.from_mapping(r) for r in rows], {
        r["id"]: dict(r.get("relevant") or {}) for r in rows if r["kind"] == DEMAND}
