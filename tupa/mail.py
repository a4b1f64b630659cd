"""Every e-mail Tupa sends goes through one task queue, with retries.

`queue(message)` turns a Django `EmailMessage` into plain JSON and enqueues `deliver`.
With the database backend (django-tasks-db, production) the worker (`manage.py worker`)
sends it; a mail server that refuses or is down makes `deliver` enqueue itself again with
a later `run_after`, up to `EMAIL_MAX_ATTEMPTS`, and then give up loudly: an error in the
log, an audit entry, and the task result marked failed (admin: "DB task results").
Neither django-tasks nor django-tasks-db retries by itself (../shared/DEPENDENCIES.md).

With the immediate backend (`make run`, tests) the message is sent on the spot; a failure
cannot wait for later there, so it is given up at once, loudly, and never reaches the
response: the immediate backend records a task's exception instead of raising it.

A message carries its Message-ID from the moment it is queued, so a retry is the same
message, not a second one.
"""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A message was given up after its last attempt (the task result shows it failed)."""


def max_attempts() -> int:
    return int(getattr(settings, "EMAIL_MAX_ATTEMPTS", 12))


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base …, capped (10 s … 10 min by default)."""
    base = float(getattr(settings, "EMAIL_RETRY_BASE_SECONDS", 10))
    cap = float(getattr(settings, "EMAIL_RETRY_MAX_SECONDS", 600))
    return timedelta(seconds=min(base * 2 ** (attempt - 1), cap))


def _content(value) -> dict:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    return {"text": str(value)}


def _decode(value: dict):
    if "b64" in value:
        return base64.b64decode(value["b64"])
    return value["text"]


def to_payload(message: EmailMessage) -> dict:
    """The message as JSON (task arguments must be JSON)."""
    headers = dict(message.extra_headers)
    headers.setdefault("Message-ID", make_msgid(domain=_domain()))
    attachments = []
    for attachment in message.attachments:
        # (filename, content, mimetype); Tupa attaches no prebuilt MIME parts.
        filename, content, mimetype = attachment
        attachments.append({"filename": filename, "content": _content(content), "mimetype": mimetype})
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
        "alternatives": [
            {"content": str(content), "mimetype": mimetype}
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        payload["subject"],
        payload["body"],
        payload["from_email"],
        payload["to"],
        bcc=payload["bcc"],
        cc=payload["cc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    message.content_subtype = payload.get("content_subtype", "plain")
    for alternative in payload["alternatives"]:
        message.attach_alternative(alternative["content"], alternative["mimetype"])
    for attachment in payload["attachments"]:
        message.attach(attachment["filename"], _decode(attachment["content"]), attachment["mimetype"])
    return message


def _domain() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "localhost"


def queue(message: EmailMessage) -> None:
    """Send `message` through the task queue. Never raises: a lost queue is logged."""
    if not (message.to or message.cc or message.bcc):
        return
    try:
        payload = to_payload(message)
        deliver.enqueue(payload, 1)
    except Exception:  # noqa: BLE001 - the booking that caused this mail is already saved
        log.exception("could not queue e-mail %r to %s", message.subject, ", ".join(message.to))


@task(takes_context=True)
def deliver(context, payload: dict, attempt: int = 1) -> str:
    try:
        sent = from_payload(payload).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any failure of the mail server is retried
        return _failed(context, payload, attempt, exc)
    message_id = payload["headers"].get("Message-ID")
    log.info("e-mail %s sent to %s (attempt %s)", message_id, payload["to"], attempt)
    return "sent" if sent else "nothing to send"


def _failed(context, payload: dict, attempt: int, exc: Exception) -> str:
    backend = deliver.get_backend()
    if attempt < max_attempts() and backend.supports_defer:
        delay = retry_delay(attempt)
        # The next attempt and the end of this one are saved together: should the database
        # go away in between, neither is, and the worker runs this attempt again
        # (`worker._requeue_abandoned`) instead of the message going out twice later.
        with transaction.atomic():
            deliver.using(run_after=timezone.now() + delay).enqueue(payload, attempt + 1)
            _close_attempt(context, "retry")
        log.warning(
            "e-mail %r to %s failed (attempt %s of %s: %s); trying again in %s",
            payload["subject"],
            ", ".join(payload["to"]),
            attempt,
            max_attempts(),
            exc,
            delay,
        )
        return "retry"
    _give_up(payload, attempt, exc)
    raise DeliveryFailed(f"gave up e-mail {payload['subject']!r} after {attempt} attempts: {exc}") from exc


def _close_attempt(context, outcome: str) -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=context.task_result.id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now(), return_value=outcome
    )


def _give_up(payload: dict, attempt: int, exc: Exception) -> None:
    log.error(
        "GAVE UP e-mail %r to %s after %s attempts: %s",
        payload["subject"],
        ", ".join(payload["to"]),
        attempt,
        exc,
    )
    try:
        from audit.models import AuditEntry

        AuditEntry.objects.create(
            action="email_failed",
            message=f"{payload['subject']} → {', '.join(payload['to'])}: {exc}"[:2000],
            data={
                "to": payload["to"],
                "subject": payload["subject"],
                "message_id": payload["headers"].get("Message-ID", ""),
                "attempts": attempt,
                "error": str(exc)[:500],
            },
        )
    except Exception:  # noqa: BLE001 - the log line above already says it
        log.exception("could not record the failed e-mail in the audit trail")
