"""The input record and JSON Lines reading; no Django, no numpy."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
LABELLED_SET = DATA_DIR / "labelled_problems.jsonl"


@dataclass(frozen=True, slots=True)
class Problem:
    """One open problem as the clustering sees it: its text plus the enterprise's coordinates."""

    id: Any
    text: str
    enterprise: str = ""
    district: str = ""
    industry: str = ""

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> Problem:
        """Build from a JSON object; extra keys (such as a label) are ignored on purpose."""
        if "id" not in row:
            raise ValueError("a problem needs an 'id'")
        text = row.get("text")
        if not isinstance(text, str):
            raise ValueError(f"problem {row['id']!r}: 'text' must be a string")
        return cls(
            id=row["id"],
            text=text,
            enterprise=str(row.get("enterprise") or ""),
            district=str(row.get("district") or ""),
            industry=str(row.get("industry") or ""),
        )


def iter_jsonl(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse JSON Lines, skipping blank lines; a bad line raises ValueError with its number."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise ValueError(f"line {number}: expected a JSON object")
        yield row


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """All JSON objects of a JSON Lines file (UTF-8)."""
    with open(path, encoding="utf-8") as handle:
        return list(iter_jsonl(handle))


def read_problems(path: str | Path) -> list[Problem]:
    """The problems of a JSON Lines file; only id, text, enterprise, district and industry are read."""
    return [Problem.from_mapping(row) for row in read_rows(path)]


def labelled_set() -> tuple[list[Problem], list[str]]:
    """The shipped labelled set: problems and their true group labels (a label per problem)."""
    rows = read_rows(LABELLED_SET)
    return [Problem.from_mapping(row) for row in rows], [str(row["group"]) for row in rows]
