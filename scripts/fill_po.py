"""Fill new catalogue entries: Dutch says the source text, English the translation given here.

Usage: .venv/bin/python scripts/fill_po.py translations.json   ({"Dutch source": "English", ...})
Entries already translated are left alone; an entry in neither the file nor the catalogue is listed.
"""

from __future__ import annotations

import json
import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        given = json.load(handle)
    missing = []
    for lang in ("nl", "en"):
        po = f"translations/{lang}/LC_MESSAGES/messages.po"
        with open(po, "rb") as handle:
            catalogue = read_po(handle, locale=lang)
        for message in catalogue:
            if not message.id or message.string:
                continue
            if lang == "nl":
                message.string = message.id
            elif message.id in given:
                message.string = given[message.id]
            else:
                missing.append(message.id)
        with open(po, "wb") as handle:
            write_po(handle, catalogue, width=76, sort_output=True)
    for text in missing:
        print("no English for:", text)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
