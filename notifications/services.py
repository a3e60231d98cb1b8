"""Writes of notifications: tell people (in-app now, email after commit), mark read."""
import logging
import re

from django.db import transaction
from django.utils import timezone

from outbox.services import enqueue

from .models import Notification, Priority, priority_for

logger = logging.getLogger(__name__)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def email_subject_text(value: str) -> str:
    """One header line: line breaks and other control characters folded to single spaces. Names are validated
    as single lines now, but an older row with CR/LF made send_mail raise BadHeaderError for every e-mail."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", value or "").split())[:150]


@transaction.atomic
def notify(*, users, verb: str, message: str, application=None, link: str = "", dedupe_key: str = "",
           priority: str | None = None, action: str = "", due_date=None) -> list:
    """One notification per distinct active user; with a dedupe_key, a user already told is skipped. `action`:
    what the reader is to do, `due_date`: by when. The priority follows the kind of event
    (models.priority_for(verb): a suspension, an Art. 18 alert are urgent) unless given.

    The emails are enqueued only once the surrounding transaction commits (nothing is sent for a rollback).
    """
    from . import tasks

    priority = priority or priority_for(verb)
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if dedupe_key:
        already = set(Notification.objects.filter(user_id__in=recipients, dedupe_key=dedupe_key)
                      .values_list("user_id", flat=True))
        recipients = {pk: u for pk, u in recipients.items() if pk not in already}
    created = []
    for user in recipients.values():
        notification = Notification(user=user, application=application, verb=verb, message=message[:2000],
                                    link=link, dedupe_key=dedupe_key, priority=priority, action=action[:2000],
                                    due_date=due_date)
        notification.full_clean()
        notification.save()
        created.append(notification)
        if user.email:
            # Through the outbox: written with the notification, published after commit or once Redis is back.
            enqueue(tasks.notification_email_send, notification.pk)
    return created


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.user_id != user.pk:
        # Only one's own notifications (selectors already return only those; this is the second fence).
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def email_body(notification: Notification) -> str:
    """The message, then what to do and by when (the e-mail says what the page says)."""
    from django.utils.translation import gettext as _

    body = notification.message
    if notification.action:
        body += "\n\n" + _("需要您做的：%(action)s") % {"action": notification.action}
    if notification.due_date:
        body += "\n" + _("截止日期：%(due)s") % {"due": notification.due_date.isoformat()}
    return body


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send the email of one notification once; True if sent now. Safe to run twice (row lock + emailed_at)."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.utils.translation import gettext as _

    with transaction.atomic():
        notification = (Notification.objects.select_for_update(of=("self",)).select_related("user", "application__event")
                        .filter(pk=notification_id).first())
        if notification is None or notification.emailed_at is not None or not notification.user.email:
            return False
        event_name = email_subject_text(notification.application.event.name) if notification.application_id else ""
        subject = _("【安保审批】%(event)s") % {"event": event_name} if event_name else _("【安保审批】通知")
        headers = {}
        if notification.priority == Priority.HIGH:
            # Urgent in the subject and in the headers mail programs sort by.
            subject = _("【紧急】") + subject
            headers = {"X-Priority": "1 (Highest)", "Importance": "high"}
        try:
            EmailMessage(subject, email_body(notification), settings.DEFAULT_FROM_EMAIL,
                         [notification.user.email], headers=headers).send()
        except Exception:
            # Never silent: the task retries OSErrors, but every failure (and a refused message) is in the log.
            logger.exception("notifications: e-mail of notification %s to user %s failed", notification.pk,
                             notification.user_id)
            raise
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
