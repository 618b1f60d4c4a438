"""The archive's Atom 1.0 feed (RFC 4287): the newest sent issues, each with its HTML.

Each entry links to the issue's page in the gateway's archive and carries the issue's
sanitised HTML as its content (escaped by ElementTree, as Atom's `type="html"` wants).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from contracts.registration import Language
from services.newsletter.projections.issues import ArchivedIssue

ATOM: Final = "http://www.w3.org/2005/Atom"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_SIZE: Final = 50
TITLE: Final = "Ενημερωτικό δελτίο του Δικτύου Καινοτομίας — Innovation Network newsletter"
AUTHOR: Final = "Δίκτυο Καινοτομίας του Δημοσίου — Public Sector Innovation Network"
EPOCH: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""The `updated` of an empty feed: a fixed moment, so the feed changes only with its entries."""

ET.register_namespace("", ATOM)


def issue_url(public_url: str, number: int) -> str:
    """The issue's page in the gateway's public archive."""
    return f"{public_url.rstrip('/')}/newsletter/archive/{number}"


def _element(
    parent: ET.Element, tag: str, text: str | None = None, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(issues: Sequence[ArchivedIssue], public_url: str) -> bytes:
    """The feed of `issues` (newest first), in Greek, its links under `public_url`."""
    base = public_url.rstrip("/")
    self_url = f"{base}/newsletter/archive/feed.atom"
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "el"})
    _element(feed, "id", self_url)
    _element(feed, "title", TITLE)
    updated = max((i.published_at for i in issues), default=EPOCH)
    _element(feed, "updated", updated.astimezone(UTC).isoformat())
    _element(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _element(feed, "link", rel="alternate", type="text/html", href=f"{base}/newsletter/archive")
    author = _element(feed, "author")
    _element(author, "name", AUTHOR)
    _element(author, "uri", base)
    for issue in issues:
        greek = issue.texts[Language.GREEK]
        published = issue.published_at.astimezone(UTC).isoformat()
        entry = _element(feed, "entry")
        _element(entry, "id", f"urn:uuid:{issue.issue_id}")
        _element(entry, "title", greek.subject, **{XML_LANG: "el"})
        _element(entry, "updated", published)
        _element(entry, "published", published)
        url = issue_url(base, issue.number)
        _element(entry, "link", rel="alternate", type="text/html", href=url)
        _element(entry, "content", greek.html, type="html", **{XML_LANG: "el"})
    written: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return written
