"""Outgoing mail through SMTP, or to the console / a file for the demo."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app


def send_mail(to: str, subject: str, body: str, reply_to: str | None = None) -> EmailMessage:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="schatkaart.local")
    if reply_to:
        msg["Reply-To"] = reply_to
    msg.set_content(body)
    backend = cfg["MAIL_BACKEND"]
    if backend == "smtp":
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(msg)
    elif backend == "file":
        with open(cfg["MAIL_FILE"], "a", encoding="utf-8") as fh:
            fh.write(msg.as_string() + "\n\n")
    else:
        current_app.logger.info("mail to %s: %s\n%s", to, subject, body)
    return msg
