"""Links read from the emails a test's real SMTP server received, waiting for them to arrive."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from tests.support.polling import eventually

_LINK = re.compile(r"https?://[^\s<>\"']+")
"""A link in an email's text part: everything up to white space or the end of the line."""


class Email(Protocol):
    """One received email: its recipients and its parts (tests/notifications' `Received`)."""

    to: list[str]

    def part(self, subtype: str) -> str: ...


class Mailbox(Protocol):
    """What a test's SMTP server keeps (tests/notifications' `SmtpServer`)."""

    def emails(self) -> Sequence[Email]: ...


def links_in(text: str) -> list[str]:
    """The links in a text, without the full stop or bracket that may follow one."""
    return [link.rstrip(".,;)]") for link in _LINK.findall(text)]


def read_link(
    mailbox: Mailbox, *, to: str, contains: str, since: int = 0, timeout: float = 20.0
) -> str:
    """The link holding `contains` in the newest email to `to`, of those after the `since`-th.

    Waits until such an email arrives; at the deadline the failure lists what did arrive.
    """

    def newest_link() -> str:
        arrived = mailbox.emails()[since:]
        for received in reversed(arrived):
            if to.lower() not in (address.lower() for address in received.to):
                continue
            found = [link for link in links_in(received.part("plain")) if contains in link]
            if found:
                return found[0]
        seen = [(received.to, links_in(received.part("plain"))) for received in arrived]
        raise AssertionError(f"no email to {to} with a link holding {contains!r}; got {seen}")

    return eventually(newest_link, timeout=timeout, interval=0.1)


def emails_to(mailbox: Mailbox, address: str, since: int = 0) -> list[Email]:
    """The emails to `address` after the `since`-th."""
    return [
        received
        for received in mailbox.emails()[since:]
        if address.lower() in (to.lower() for to in received.to)
    ]
