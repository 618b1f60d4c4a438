"""Talking to the mail relay: one SMTP connection per email, TLS and login as configured."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Final
from uuid import UUID

from services.notifications.settings import MailSettings
from services.notifications.templates import RenderedEmail

MESSAGE_ID_DOMAIN: Final = "notifications.innovnet"


class DeliveryFailed(Exception):
    """The relay refused the email or could not be reached; `permanent` when retrying is futile."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def message_id_header(message: UUID) -> str:
    """The Message-ID of an email: the same on every attempt, so a re-send is recognisable."""
    return f"<{message}@{MESSAGE_ID_DOMAIN}>"


def compose(
    message: UUID, template: str, sender: str, to: str, rendered: RenderedEmail
) -> EmailMessage:
    """The email: plain text first, HTML as the alternative, with a stable Message-ID."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = to
    email["Subject"] = rendered.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = message_id_header(message)
    email["X-Innovnet-Template"] = template
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(rendered.text)
    email.add_alternative(rendered.html, subtype="html")
    # After the parts: making the email multipart moves the Content-* headers set before into
    # its first part.
    email["Content-Language"] = rendered.languages
    return email


class Mailer:
    """Sends emails through the configured SMTP relay."""

    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings

    def send(self, email: EmailMessage) -> None:
        """Hand `email` to the relay; raises DeliveryFailed (never naming the address)."""
        s = self._settings
        try:
            smtp: smtplib.SMTP
            if s.smtp_security == "tls":
                context = ssl.create_default_context()
                smtp = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=context
                )
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            with smtp:
                if s.smtp_security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
                refused = smtp.send_message(email)
            if refused:
                raise DeliveryFailed("the relay refused the recipient", permanent=True)
        except smtplib.SMTPRecipientsRefused as error:
            codes = {code for code, _ in error.recipients.values()}
            permanent = all(code >= 500 for code in codes)
            raise DeliveryFailed(
                f"the relay refused the recipient ({', '.join(map(str, sorted(codes)))})",
                permanent=permanent,
            ) from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryFailed(
                f"the relay answered {error.smtp_code}", permanent=error.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(
                f"the relay could not be reached: {type(error).__name__}", permanent=False
            ) from None
