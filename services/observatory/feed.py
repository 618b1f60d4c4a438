"""The catalogue's Atom 1.0 feed (RFC 4287): the newest published practices.

Each entry links to the practice's public page on the gateway; the feed says its licence.
Written with the standard library's ElementTree, which escapes every text it is given.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC
from typing import Final

from contracts.observatory import LICENCE_URL, PublicPractice
from services.runtime.atom import ATOM, AUTHOR, EPOCH, XML_LANG, element

FEED_SIZE: Final = 50
TITLE: Final = "Παρατηρητήριο Καινοτομίας — Observatory of innovative practices"
RIGHTS: Final = f"CC BY 4.0 ({LICENCE_URL})"


def practice_url(public_url: str, practice: PublicPractice) -> str:
    """The practice's public page on the gateway."""
    return f"{public_url}/observatory/practices/{practice.practice_id}"


def atom_feed(practices: Sequence[PublicPractice], public_url: str) -> bytes:
    """The feed of `practices` (newest first), its links under `public_url`."""
    base = public_url.rstrip("/")
    self_url = f"{base}/observatory/feed.atom"
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "el"})
    element(feed, "id", self_url)
    element(feed, "title", TITLE)
    updated = max((p.published_at for p in practices), default=EPOCH)
    element(feed, "updated", updated.astimezone(UTC).isoformat())
    element(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    element(feed, "link", rel="alternate", type="text/html", href=f"{base}/observatory")
    author = element(feed, "author")
    element(author, "name", AUTHOR)
    element(author, "uri", base)
    element(feed, "rights", RIGHTS)
    for practice in practices:
        language = practice.languages[0]
        texts = practice.texts[language]
        entry = element(feed, "entry")
        element(entry, "id", f"urn:uuid:{practice.practice_id}")
        element(entry, "title", texts.title, **{XML_LANG: language.value})
        element(entry, "updated", practice.published_at.astimezone(UTC).isoformat())
        element(entry, "published", practice.first_published_at.astimezone(UTC).isoformat())
        element(entry, "link", rel="alternate", type="text/html", href=practice_url(base, practice))
        element(entry, "summary", texts.short_explanation, **{XML_LANG: language.value})
        organisation = element(entry, "author")
        element(organisation, "name", practice.body_name)
        for tag in practice.tags:
            element(entry, "category", term=tag)
        element(entry, "rights", RIGHTS)
    written: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return written
