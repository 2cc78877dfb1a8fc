"""The UI is Chinese by default: every message has a translation, and the compiled catalogue is in use."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "qifu" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str, str]]:
    text = PO.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n")[1:]:
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = "".join(re.findall(r'^msgid "(.*)"$', block, re.M))
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', block, re.M)
        if msgid:
            entries.append((msgid, flags, "".join(msgstrs)))
    return entries


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    entries = _entries()
    assert len(entries) > 250
    assert [m for m, _f, s in entries if not s] == []
    assert [m for m, f, _s in entries if "fuzzy" in f] == []


def test_placeholders_survive_translation() -> None:
    for msgid, _flags, msgstr in _entries():
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), msgid


def test_compiled_catalogue_is_used() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("My enterprises") == "我的企业"
        assert translation.gettext("At most %(n)d characters.") == "最多 %(n)d 个字符。"
