"""Outgoing mail through SMTP, or to the console / a file for the demo."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app


def build_message(to: str, subject: str, body: str, reply_to: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="schatkaart.local")
    if reply_to:
        msg["Reply-To"] = reply_to
    msg.set_content(body)
    return msg


def send_messages(messages: list[EmailMessage]) -> None:
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
            current_app.logger.info("mail to %s: %s\n%s", msg["To"], msg["Subject"], msg.get_content())


def send_mail(to: str, subject: str, body: str, reply_to: str | None = None) -> EmailMessage:
    msg = build_message(to, subject, body, reply_to)
    send_messages([msg])
    return msg
