"""Emails about pending changes, through Django's email framework (``EMAIL_URL``).

Submitted for review → the active Editors with an address; approved, rejected or commented →
the author of the change. Each mail links the pending-changes page. Mail goes out once the save
has committed (nothing is announced that rolled back) and a failure is logged, never raised:
a mail server that is down or hangs (``EMAIL_TIMEOUT``) costs the editor a wait, not the save.
"""

import logging
import smtplib

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from .roles import EDITORS

logger = logging.getLogger("policyhub.editorial.notify")


def pending_link(request, obj):
    opts = obj._meta
    path = reverse(f"admin:{opts.app_label}_{opts.model_name}_pending", args=[obj.pk])
    return request.build_absolute_uri(path)


def _send(subject, body, recipients):
    if not recipients:
        return
    try:
        send_mail(subject, body, None, recipients)
    except (OSError, smtplib.SMTPException):
        # A socket timeout is an OSError: the server that hangs is logged like the one down.
        logger.exception("Could not send “%s” to %s", subject, ", ".join(recipients))


def _later(subject, body, recipients):
    transaction.on_commit(lambda: _send(subject, body, recipients))


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else "Someone"


def submitted(request, obj, pending):
    editors = (
        get_user_model()
        .objects.filter(groups__name=EDITORS, is_active=True)
        .exclude(email="")
        .exclude(pk=request.user.pk)
        .values_list("email", flat=True)
        .distinct()
    )
    kind = obj._meta.verbose_name
    _later(
        f"Changes to review: {obj}",
        f"{_name(request.user)} submitted changes to the {kind} “{obj}” for review.\n\n"
        f"Compare, preview and review them: {pending_link(request, obj)}\n",
        sorted(editors),
    )


def decided(request, obj, author, verb, comment):
    """``verb``: "approved and published", "rejected"…; ``author``: the change's author."""
    if author is None or not author.email or author == request.user:
        return
    said = f"\n\nTheir comment:\n{comment}\n" if comment else "\n"
    _later(
        f"Your changes to “{obj}” were {verb}",
        f"{_name(request.user)} {verb} your changes to “{obj}”.{said}\n"
        f"See them: {pending_link(request, obj)}\n",
        [author.email],
    )


def commented(request, obj, author, comment):
    if author is None or not author.email or author == request.user:
        return
    _later(
        f"A comment on your changes to “{obj}”",
        f"{_name(request.user)} commented on your changes to “{obj}”:\n\n{comment}\n\n"
        f"See them: {pending_link(request, obj)}\n",
        [author.email],
    )
