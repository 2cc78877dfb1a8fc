"""Write qifu/projects/data/countries.csv (ISO 3166-1: alpha-2, alpha-3, English and Chinese names) from
Debian's iso-codes package (/usr/share/iso-codes/json/iso_3166-1.json and its zh_CN translations)."""

import csv
import gettext
import json
import sys
from pathlib import Path

SOURCE = Path("/usr/share/iso-codes/json/iso_3166-1.json")
OUT = Path(__file__).resolve().parent.parent / "qifu/projects/data/countries.csv"

zh = gettext.translation("iso_3166-1", "/usr/share/locale", languages=["zh_CN"])
rows = []
for c in json.loads(SOURCE.read_text())["3166-1"]:
    name = c["name"]
    rows.append((c["alpha_2"], c["alpha_3"], c.get("common_name", name), zh.gettext(name)))
with OUT.open("w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["alpha_2", "alpha_3", "name", "name_zh"])
    w.writerows(sorted(rows))
sys.stdout.write(f"{len(rows)} countries → {OUT}\n")
