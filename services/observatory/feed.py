"""The catalogue's Atom 1.0 feed (RFC 4287): the newest published practices.

Each entry links to the practice's public page on the gateway; the feed says its licence.
Written with the standard library's ElementTree, which escapes every text it is given.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from contracts.observatory import LICENCE_URL, PublicPractice

ATOM: Final = "http://www.w3.org/2005/Atom"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_SIZE: Final = 50
TITLE: Final = "Παρατηρητήριο Καινοτομίας — Observatory of innovative practices"
AUTHOR: Final = "Δίκτυο Καινοτομίας του Δημοσίου — Public Sector Innovation Network"
RIGHTS: Final = f"CC BY 4.0 ({LICENCE_URL})"
EPOCH: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""The `updated` of an empty feed: a fixed moment, so the feed changes only with its entries."""

ET.register_namespace("", ATOM)


def practice_url(public_url: str, practice: PublicPractice) -> str:
    """The practice's public page on the gateway."""
    return f"{public_url}/observatory/practices/{practice.practice_id}"


def _element(
    parent: ET.Element, tag: str, text: str | None = None, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(practices: Sequence[PublicPractice], public_url: str) -> bytes:
    """The feed of `practices` (newest first), its links under `public_url`."""
    base = public_url.rstrip("/")
    self_url = f"{base}/observatory/feed.atom"
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "el"})
    _element(feed, "id", self_url)
    _element(feed, "title", TITLE)
    updated = max((p.published_at for p in practices), default=EPOCH)
    _element(feed, "updated", updated.astimezone(UTC).isoformat())
    _element(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _element(feed, "link", rel="alternate", type="text/html", href=f"{base}/observatory")
    author = _element(feed, "author")
    _element(author, "name", AUTHOR)
    _element(author, "uri", base)
    _element(feed, "rights", RIGHTS)
    for practice in practices:
        language = practice.languages[0]
        texts = practice.texts[language]
        entry = _element(feed, "entry")
        _element(entry, "id", f"urn:uuid:{practice.practice_id}")
        _element(entry, "title", texts.title, **{XML_LANG: language.value})
        _element(entry, "updated", practice.published_at.astimezone(UTC).isoformat())
        _element(entry, "published", practice.first_published_at.astimezone(UTC).isoformat())
        _element(
            entry, "link", rel="alternate", type="text/html", href=practice_url(base, practice)
        )
        _element(entry, "summary", texts.short_explanation, **{XML_LANG: language.value})
        organisation = _element(entry, "author")
        _element(organisation, "name", practice.body_name)
        for tag in practice.tags:
            _element(entry, "category", term=tag)
        _element(entry, "rights", RIGHTS)
    written: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return written
