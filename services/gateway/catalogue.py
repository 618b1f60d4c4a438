"""The texts of the pages and the Greek catalogue: which msgids lack a translation.

    python -m services.gateway.catalogue            # list the texts with no Greek (exit 1 if any)
    python -m services.gateway.catalogue --update   # also add them to messages.po, msgstr empty

Texts are found as Babel extracts them: `_()`/`gettext`/`ngettext`/`{% trans %}` in the
templates, `N_()`/`_()`/`translate(lang, …)` in the package's Python.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from services.gateway.i18n import CATALOGUE

PACKAGE: Final = Path(__file__).parent
METHODS: Final = [("templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS: Final = {**DEFAULT_KEYWORDS, "translate": (2,)}
OPTIONS: Final = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}


def extracted() -> dict[str, list[str]]:
    """Every msgid of the package, with where it appears."""
    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        PACKAGE, METHODS, OPTIONS, KEYWORDS
    ):
        msgids = message if isinstance(message, tuple) else (message,)
        for msgid in msgids:
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{line}")
    return found


def catalogue() -> Catalog:
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale="el")


def untranslated(catalog: Catalog | None = None) -> dict[str, list[str]]:
    """The package's msgids with no Greek text (or only a fuzzy one)."""
    catalog = catalog or catalogue()
    missing = {}
    for msgid, places in extracted().items():
        entry = catalog.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            missing[msgid] = places
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m services.gateway.catalogue")
    parser.add_argument("--update", action="store_true", help="add the missing msgids to the .po")
    update = parser.parse_args().update
    catalog = catalogue()
    missing = untranslated(catalog)
    for msgid, places in missing.items():
        sys.stdout.write(f"{places[0]}: {msgid!r}\n")
        if update and catalog.get(msgid) is None:
            catalog.add(msgid, "", locations=[(p.rsplit(":", 1)[0], 0) for p in places[:1]])
    if update:
        with CATALOGUE.open("wb") as po:
            write_po(po, catalog, width=100, omit_header=False, no_location=True)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
