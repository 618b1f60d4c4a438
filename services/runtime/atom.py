"""What every Atom 1.0 feed (RFC 4287) of the network shares: its namespace, author and elements.

Written with the standard library's ElementTree, which escapes every text it is given.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Final

ATOM: Final = "http://www.w3.org/2005/Atom"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
AUTHOR: Final = "Δίκτυο Καινοτομίας του Δημοσίου — Public Sector Innovation Network"
EPOCH: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""The `updated` of an empty feed: a fixed moment, so the feed changes only with its entries."""

ET.register_namespace("", ATOM)


def element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """A child element `tag` in Atom's namespace, with its text and attributes."""
    child = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        child.text = text
    return child
