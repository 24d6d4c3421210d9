"""Outgoing mail through SMTP, or to the console / a file for the demo."""

from __future__ import annotations

import base64
import smtplib
from concurrent.futures import ThreadPoolExecutor
from email.header import Header
from email.message import Message
from email.utils import make_msgid
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app

from . import settings


@lru_cache(maxsize=512)
def _encoded(header: str) -> str:
    """RFC 2047 encoding is slow in pure Python; digests reuse a handful of subjects."""
    return Header(header, "utf-8").encode()


def message_id(local: str | None = None) -> str:
    """A Message-ID on this installation's own domain (``PUBLIC_URL``); ``local`` makes it the same
    every time a retried job builds the mail again, so mail programs show a resent mail once."""
    domain = urlsplit(current_app.config.get("PUBLIC_URL") or "").hostname or "schatkaart.local"
    return f"<{local}@{domain}>" if local else make_msgid(domain=domain)


def build_message(
    to: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
    sender: str | None = None,
    msgid: str | None = None,
) -> Message:
    # A plain compat32 Message with its MIME headers written out: MIMEText's set_charset parses
    # and re-serialises its own parameters for every mail, and the modern EmailMessage parses
    # every header again (the 10k-resident digest was five times slower; see BENCHMARKS.md).
    # The body is base64 (in C): any UTF-8 text crosses any mail server intact.
    msg = Message()
    msg["MIME-Version"] = "1.0"
    msg["Content-Type"] = 'text/plain; charset="utf-8"'
    msg["Content-Transfer-Encoding"] = "base64"
    msg.set_payload(base64.encodebytes(body.encode("utf-8")).decode("ascii"))  # lines of 76, RFC 2045
    msg["From"] = sender or mail_sender()
    msg["To"] = to
    msg["Subject"] = _encoded(" ".join(subject.split()))  # a title with line breaks stays one header
    msg["Message-ID"] = msgid or message_id()
    if reply_to:
        msg["Reply-To"] = reply_to
    return msg


def mail_sender() -> str:
    return settings.get("mail_sender") or current_app.config["MAIL_SENDER"]


def send_messages(messages: list[Message]) -> None:
    """Send over one SMTP connection (digests send thousands at a time)."""
    if not messages:
        return
    cfg = current_app.config
    backend = cfg["MAIL_BACKEND"]
    if backend == "smtp":
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            for msg in messages:
                smtp.send_message(msg)
    elif backend == "file":
        with open(cfg["MAIL_FILE"], "a", encoding="utf-8") as fh:
            for msg in messages:
                fh.write(msg.as_string() + "\n\n")
    elif backend == "null":
        return
    else:
        for msg in messages:
            body = msg.get_payload(decode=True).decode("utf-8")
            current_app.logger.info("mail to %s: %s\n%s", msg["To"], msg["Subject"], body)


def send_mail(to: str, subject: str, body: str, reply_to: str | None = None, msgid: str | None = None) -> Message:
    msg = build_message(to, subject, body, reply_to, msgid=msgid)
    send_messages([msg])
    return msg


def send_later(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
    """Mail as a job (platform_core.jobs): written with the action, sent after its commit by a
    worker, so a slow or absent mail server never holds the request; retried when it fails."""
    from .jobs import later

    # its Message-ID is chosen now, with the job: a retry after a worker died between the mail
    # server taking the message and the job's commit sends the same message again, which mail
    # programs show once (SMTP itself offers nothing to make the sending once)
    later("mail.send", to=to, subject=str(subject), body=str(body), reply_to=reply_to, msgid=message_id())


_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")


def send_mail_soon(to: str, subject: str, body: str) -> None:
    """Send from a background thread: the answer to the request must not wait for the mail
    server, or its timing would tell a stranger whether an address has an account."""
    msg = build_message(to, subject, body)
    app = current_app._get_current_object()

    def deliver() -> None:
        with app.app_context():
            try:
                send_messages([msg])
            except (OSError, smtplib.SMTPException):
                app.logger.exception("mail to %s failed", to)

    _background.submit(deliver)
