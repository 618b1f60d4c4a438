"""An issue's Markdown as the HTML and the plain text of its email, its archive page and feed.

Two guards, each enough on its own: markdown-it-py renders CommonMark with raw HTML off (a
`<script>` typed in the Markdown comes out as text), and nh3 (ammonia) then keeps only the
allowed tags and attributes, and only http, https and mailto links (a `javascript:` href is
dropped). Every link gets `rel="noopener noreferrer"`. The plain text is the Markdown itself:
it is what the unit wrote, readable as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS: Final = frozenset(
    {
        "p",
        "h2",
        "h3",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "em",
        "blockquote",
        "code",
        "pre",
        "br",
        "hr",
    }
)
ALLOWED_ATTRIBUTES: Final = {"a": {"href"}}
URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
LINK_REL: Final = "noopener noreferrer"

# One parser for the process: MarkdownIt is reusable and rendering does not change it.
_MARKDOWN: Final = MarkdownIt("commonmark", {"html": False})


_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Rendered:
    """One language's Markdown made into the email's two alternatives."""

    html: str
    text: str

    @property
    def readable(self) -> bool:
        """Whether the HTML shows any text (an image alone, dropped, leaves `<p></p>`)."""
        return bool(_TAG.sub("", self.html).strip())


def sanitised_html(markdown: str) -> str:
    """The Markdown as HTML with only the allowed tags, attributes and link schemes."""
    tokens = _MARKDOWN.parse(markdown)
    for token in tokens:
        # The issue's own title is its subject: a `#` heading is a section, as `##` is.
        if token.tag == "h1":
            token.tag = "h2"
    rendered = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    cleaned: str = nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return cleaned.strip()


def render(markdown: str) -> Rendered:
    """The HTML and plain text of an issue's Markdown (the text is the Markdown, trimmed)."""
    return Rendered(html=sanitised_html(markdown), text=markdown.strip())
