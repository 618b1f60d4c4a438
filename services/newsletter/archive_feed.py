"""The archive's Atom 1.0 feed (RFC 4287): the newest sent issues, each with its HTML.

Each entry links to the issue's page in the gateway's archive and carries the issue's
sanitised HTML as its content (escaped by ElementTree, as Atom's `type="html"` wants).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC
from typing import Final

from contracts.registration import Language
from services.newsletter.projections.issues import ArchivedIssue
from services.runtime.atom import ATOM, AUTHOR, EPOCH, XML_LANG, element

FEED_SIZE: Final = 50
TITLE: Final = "Ενημερωτικό δελτίο του Δικτύου Καινοτομίας — Innovation Network newsletter"


def issue_url(public_url: str, number: int) -> str:
    """The issue's page in the gateway's public archive."""
    return f"{public_url.rstrip('/')}/newsletter/archive/{number}"


def atom_feed(issues: Sequence[ArchivedIssue], public_url: str) -> bytes:
    """The feed of `issues` (newest first), in Greek, its links under `public_url`."""
    base = public_url.rstrip("/")
    self_url = f"{base}/newsletter/archive/feed.atom"
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "el"})
    element(feed, "id", self_url)
    element(feed, "title", TITLE)
    updated = max((i.published_at for i in issues), default=EPOCH)
    element(feed, "updated", updated.astimezone(UTC).isoformat())
    element(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    element(feed, "link", rel="alternate", type="text/html", href=f"{base}/newsletter/archive")
    author = element(feed, "author")
    element(author, "name", AUTHOR)
    element(author, "uri", base)
    for issue in issues:
        greek = issue.texts[Language.GREEK]
        published = issue.published_at.astimezone(UTC).isoformat()
        entry = element(feed, "entry")
        element(entry, "id", f"urn:uuid:{issue.issue_id}")
        element(entry, "title", greek.subject, **{XML_LANG: "el"})
        element(entry, "updated", published)
        element(entry, "published", published)
        url = issue_url(base, issue.number)
        element(entry, "link", rel="alternate", type="text/html", href=url)
        element(entry, "content", greek.html, type="html", **{XML_LANG: "el"})
    written: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return written
