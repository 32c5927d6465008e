"""Vietnamese is complete: every string has a translation, and the compiled catalogue matches."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def _entries(po: Path) -> dict[str, str]:
    text = po.read_text(encoding="utf-8")
    entries: dict[str, str] = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""' not in block:
            raise AssertionError(f"fuzzy entry in {po.name}: {block[:200]}")
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, flags=re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, flags=re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            if key:
                entries[key] = "".join(re.findall(r'"(.*)"', msgstr.group(1)))
    return entries


def test_every_vietnamese_string_is_translated() -> None:
    entries = _entries(LOCALE / "vi" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 300
    missing = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert missing == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    entries = _entries(LOCALE / "vi" / "LC_MESSAGES" / "django.po")
    with (LOCALE / "vi" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr in entries.items()
        if "\\" not in msgid and compiled.gettext(msgid) != msgstr.replace('\\"', '"')
    ]
    assert stale == [], "run `make messages` to recompile"


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in _entries(LOCALE / "vi" / "LC_MESSAGES" / "django.po").items():
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(
            re.findall(r"%\(\w+\)[sd]", msgstr)
        ), msgid
