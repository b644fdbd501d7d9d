"""Every user-facing string has its Vietnamese, and the compiled catalogue is the one served."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> list[dict]:
    """msgid and msgstr texts of each entry of a .po file (continuation lines joined)."""
    found, current, key = [], None, None
    for line in text.splitlines():
        match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if match:
            key = match.group(1)
            if key == "msgid":
                current = {"msgid": "", "msgstr": ""}
                found.append(current)
            current[key if key in ("msgid", "msgid_plural") else "msgstr"] = (
                current.get(key if key.startswith("msgid") else "msgstr", "") + match.group(2)
            )
        elif line.startswith('"') and current is not None and key:
            field = key if key.startswith("msgid") else "msgstr"
            current[field] = current.get(field, "") + line[1:-1]
    return [e for e in found if e["msgid"]]


def test_every_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert [e["msgid"] for e in entries(text) if not e["msgstr"]] == []
    assert "#, fuzzy" not in text


def test_the_compiled_catalogue_is_current():
    with translation.override("vi"):
        assert translation.gettext("First half of %(year)s") == "6 tháng đầu năm %(year)s"
        assert translation.gettext("Plan targets") == "Chỉ tiêu kế hoạch"


def test_translation_functions_keep_names_makemessages_knows():
    """makemessages extracts `_`, `gettext_lazy`, `pgettext_lazy`…, never another alias
    (`gettext_lazy as _l` once left the import page's labels in English)."""
    root = PO.parents[3]
    aliased = []
    for folder in ("welfare", "beneficiaries", "relief", "employment"):
        for path in (root / folder).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                match = re.match(r"\s*from django\.utils\.translation import (.+)", line)
                if match:
                    for name in match.group(1).split(","):
                        parts = name.split(" as ")
                        if len(parts) == 2 and parts[1].strip() != "_":
                            aliased.append(f"{path.relative_to(root)}: {name.strip()}")
    assert aliased == []
