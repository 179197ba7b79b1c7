"""E-mail through SMTP (smtplib), configured from the environment; sent only after a commit.

PETITIONFLOW_SMTP_HOST turns e-mail on. Optional: PETITIONFLOW_SMTP_PORT (25),
PETITIONFLOW_SMTP_FROM, PETITIONFLOW_SMTP_USER / PETITIONFLOW_SMTP_PASSWORD, and
PETITIONFLOW_SMTP_STARTTLS=1. A failed delivery is logged; the in-app notification stays.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 25
    sender: str = "petitionflow@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> MailSettings | None:
        host = environ.get("PETITIONFLOW_SMTP_HOST", "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(environ.get("PETITIONFLOW_SMTP_PORT", "25")),
            sender=environ.get("PETITIONFLOW_SMTP_FROM", "petitionflow@localhost"),
            username=environ.get("PETITIONFLOW_SMTP_USER") or None,
            password=environ.get("PETITIONFLOW_SMTP_PASSWORD") or None,
            starttls=environ.get("PETITIONFLOW_SMTP_STARTTLS") == "1",
        )


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def send_all(settings: MailSettings, mails: Sequence[Mail]) -> int:
    """Deliver over one SMTP connection; return how many the server accepted (never raises)."""
    if not mails:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username and settings.password:
                smtp.login(settings.username, settings.password)
            for mail in mails:
                try:
                    smtp.send_message(_message(settings, mail))
                    sent += 1
                except smtplib.SMTPException:
                    log.exception("mail to %s refused", mail.to)
    except (OSError, smtplib.SMTPException):
        log.exception(
            "SMTP server %s:%s unreachable; %d mails not sent", settings.host, settings.port, len(mails)
        )
    return sent


def _message(settings: MailSettings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message
