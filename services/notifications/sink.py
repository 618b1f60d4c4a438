"""The local mail sink of `make up`: accepts every email and keeps it as a .eml file to read.

`python -m services.notifications.sink --port 8025 --directory .data/mail`. Nothing is relayed
anywhere; production points `NOTIFICATIONS_SMTP_HOST` at a real relay instead.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
import uuid
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)


class KeepingHandler:
    """Writes each accepted email to `directory` as `<time>-<n>.eml` (first line: recipients)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        with self._lock:
            (self.directory / name).write_bytes(content)
        parsed = message_from_bytes(content)
        subject = str(make_header(decode_header(parsed.get("Subject", ""))))
        log.info("kept %s for %s: %s", name, ", ".join(envelope.rcpt_tos), subject)
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> None:
    """Run the sink until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m services.notifications.sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--directory", type=Path, default=Path(".data/mail"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    handler: Any = KeepingHandler(args.directory)
    controller = Controller(handler, hostname=args.host, port=args.port)
    controller.start()
    log.info("mail sink on %s:%s keeps emails in %s", args.host, args.port, args.directory)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
