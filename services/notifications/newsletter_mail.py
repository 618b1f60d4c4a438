"""A newsletter copy as the bytes handed to the relay: each language rendered once per issue.

What differs between two copies of an issue in one language is only the recipient, the
Message-ID and the subscriber's links (header and footer), so a `Edition` keeps everything
else ready (subject encoded, HTML and text with the footer's slots) and a copy is a few string
joins and a base64 encoding. The copy is multipart/alternative: text first, HTML second.
"""

from __future__ import annotations

import base64
import html
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from typing import Any, Final
from uuid import UUID

from services.runtime import newsletter_links

MESSAGE_ID_DOMAIN: Final = "newsletter.innovnet"

_FOOTER_HTML: Final = {
    "el": (
        '<hr><p style="font-size: small">Λαμβάνετε το ενημερωτικό δελτίο του Τμήματος Καινοτομίας'
        ' και Βέλτιστων Πρακτικών. <a href="{preferences}">Προτιμήσεις</a> ·'
        ' <a href="{unsubscribe}">Διαγραφή</a></p>'
    ),
    "en": (
        '<hr><p style="font-size: small">You receive the newsletter of the Department of'
        ' Innovation and Best Practices. <a href="{preferences}">Preferences</a> ·'
        ' <a href="{unsubscribe}">Unsubscribe</a></p>'
    ),
}
_FOOTER_TEXT: Final = {
    "el": (
        "\n\n--\nΛαμβάνετε το ενημερωτικό δελτίο του Τμήματος Καινοτομίας και Βέλτιστων"
        " Πρακτικών.\nΠροτιμήσεις: {preferences}\nΔιαγραφή: {unsubscribe}\n"
    ),
    "en": (
        "\n\n--\nYou receive the newsletter of the Department of Innovation and Best"
        " Practices.\nPreferences: {preferences}\nUnsubscribe: {unsubscribe}\n"
    ),
}


def copy_message_id(issue: UUID, subscriber: UUID) -> str:
    """The copy's Message-ID: the same on a re-send, so a duplicate is recognisable."""
    return f"<{uuid.uuid5(issue, str(subscriber))}@{MESSAGE_ID_DOMAIN}>"


@dataclass(frozen=True)
class Links:
    """What signs a subscriber's links: the shared secret, the public address, the domain."""

    secret: str
    public_url: str
    domain: str


@dataclass(frozen=True)
class Edition:
    """One issue in one language, ready for any number of copies."""

    language: str
    head: str
    """Headers common to every copy, CRLF-terminated."""
    boundary: str
    html_before_footer: str
    html_after_footer: str
    text: str
    list_id: str

    @classmethod
    def of(
        cls, issue: UUID, language: str, text: dict[str, Any], sender: str, domain: str
    ) -> Edition:
        """The edition of `text` (the issue's subject, html and text in `language`)."""
        name, address = parseaddr(sender)
        subject = Header(" ".join(str(text["subject"]).split()), "utf-8").encode()
        boundary = f"=={uuid.uuid4().hex}"
        head = (
            f"From: {formataddr((name, address), charset='utf-8')}\r\n"
            f"Subject: {subject}\r\n"
            f"List-Id: <{domain}>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            "Precedence: bulk\r\n"
            f"Content-Language: {language}\r\n"
            "X-Innovnet-Template: newsletter\r\n"
            f"X-Innovnet-Issue: {issue}\r\n"
            "MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
        ).replace("\n ", "\r\n ")
        title = html.escape(str(text["subject"]))
        before = (
            f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head>\n"
            '<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">\n'
            f"{text['html']}\n"
        )
        return cls(
            language=language,
            head=head,
            boundary=boundary,
            html_before_footer=before,
            html_after_footer="\n</body></html>\n",
            text=str(text["text"]),
            list_id=domain,
        )

    def copy(self, issue: UUID, subscriber: UUID, to: str, links: Links) -> bytes:
        """The bytes of the copy to `to`, with the subscriber's own links."""
        unsubscribe = newsletter_links.unsubscribe_url(links.secret, links.public_url, subscriber)
        preferences = newsletter_links.preferences_url(links.secret, links.public_url, subscriber)
        mailto = newsletter_links.unsubscribe_mailto(links.secret, links.domain, subscriber)
        slots = {"preferences": preferences, "unsubscribe": unsubscribe}
        footer_language = self.language if self.language in _FOOTER_HTML else "el"
        text = self.text + _FOOTER_TEXT[footer_language].format(**slots)
        body_html = (
            self.html_before_footer
            + _FOOTER_HTML[footer_language].format(**{k: html.escape(v) for k, v in slots.items()})
            + self.html_after_footer
        )
        head = (
            f"To: {_address(to)}\r\n"
            f"Date: {formatdate(usegmt=True)}\r\n"
            f"Message-ID: {copy_message_id(issue, subscriber)}\r\n"
            f"List-Unsubscribe: <{unsubscribe}>, <mailto:{mailto}>\r\n"
        )
        part = "Content-Transfer-Encoding: base64\r\n\r\n"
        return "".join(
            (
                head,
                self.head,
                "\r\n",
                f"--{self.boundary}\r\n",
                'Content-Type: text/plain; charset="utf-8"\r\n',
                part,
                _base64(text),
                f"--{self.boundary}\r\n",
                'Content-Type: text/html; charset="utf-8"\r\n',
                part,
                _base64(body_html),
                f"--{self.boundary}--\r\n",
            )
        ).encode("ascii")


def _base64(text: str) -> str:
    return base64.encodebytes(text.encode()).decode("ascii").replace("\n", "\r\n")


def _address(to: str) -> str:
    """The To header: the address itself, its domain IDNA-encoded when it is not ASCII."""
    if to.isascii():
        return to
    local, _, domain = to.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}" if local.isascii() else to
