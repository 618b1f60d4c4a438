"""An issue's Markdown comes out as harmless HTML: hostile input keeps its text, loses its power."""

from __future__ import annotations

import re

import pytest

from services.newsletter.rendering import ALLOWED_TAGS, render, sanitised_html

HOSTILE = [
    "<script>alert(1)</script>",
    "Hello <script>document.cookie</script> world",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    "![x](javascript:alert(1))",
    '![x](https://evil.example/x.png "t" onerror=alert(1))',
    "<!-- a comment --><svg onload=alert(1)>",
    "<div style='x'>raw</div>",
    "`<script>` in code\n\n    <script>alert(1)</script>",
]


def tags_of(html: str) -> set[str]:
    return {m.lower() for m in re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)", html)}


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_comes_out_harmless(markdown: str) -> None:
    html = sanitised_html(markdown)
    assert tags_of(html) <= ALLOWED_TAGS
    lowered = html.lower()
    for power in ("javascript:", "vbscript:", "data:", "onerror", "onload", "onclick", "style="):
        # Escaped text (`&lt;img … onerror`) is harmless; only a live attribute or href is not.
        assert not re.search(rf"<[^>]*{re.escape(power)}", lowered), html


def test_raw_html_is_shown_as_text_never_as_markup() -> None:
    assert sanitised_html("<b>bold</b> <script>x</script>") == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;</p>"
    )


def test_a_javascript_link_loses_its_href() -> None:
    html = sanitised_html("[click](javascript:alert(1))")
    assert "href" not in html


def test_the_allowed_markdown_renders_with_safe_links() -> None:
    markdown = (
        "# Τίτλος\n\n## Ενότητα\n\n### Υποενότητα\n\n"
        "**έντονα** και *πλάγια*, `κώδικας`\n\n"
        "- ένα\n- δύο\n\n1. πρώτο\n\n> παράθεση\n\n---\n\n"
        "[δίκτυο](https://innovation.gov.gr) και [email](mailto:unit@example.gov.gr)\n\n"
        "```\npre\n```\n"
    )
    html = sanitised_html(markdown)
    assert tags_of(html) == {
        "h2", "h3", "strong", "em", "code", "ul", "ol", "li", "blockquote", "hr", "a", "p", "pre"
    }  # fmt: skip
    assert "<h2>Τίτλος</h2>" in html  # the subject is the title: `#` is a section
    assert '<a href="https://innovation.gov.gr" rel="noopener noreferrer">δίκτυο</a>' in html
    assert 'href="mailto:unit@example.gov.gr"' in html


def test_the_text_is_the_markdown_as_written() -> None:
    rendered = render("  **Καλημέρα** [site](https://example.gov.gr)\n")
    assert rendered.text == "**Καλημέρα** [site](https://example.gov.gr)"
    assert rendered.html == (
        '<p><strong>Καλημέρα</strong> <a href="https://example.gov.gr"'
        ' rel="noopener noreferrer">site</a></p>'
    )


@pytest.mark.parametrize("markdown", ["![x](https://example.gov.gr/x.png)", "---", "   "])
def test_a_markdown_showing_no_text_is_not_readable(markdown: str) -> None:
    assert not render(markdown).readable
    assert render("Καλημέρα").readable
