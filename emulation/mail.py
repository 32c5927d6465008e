"""E-mail to people, sent in the background once the change that caused it is committed.

A service calls `send_templated_mail` inside its transaction; nothing is queued unless that
transaction commits, and each recipient's message is rendered by the worker in their own language.
Templates live in templates/email/: `<template>_subject.txt`, `<template>_body.txt` and,
optionally, `<template>_body.html`. Besides the context given, they see `user` (the recipient)
and `site_url`; `email/base_body.txt` gives the greeting and signature to extend.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction

from emulation.models import User
from emulation.tasks import send_mail_to_user


def send_templated_mail(
    *, template: str, recipients: Iterable[User], context: Mapping[str, Any]
) -> None:
    """Queue one message per recipient with an e-mail address, after the current transaction
    commits (at once when there is none).

    The context travels to the worker as JSON: give plain values (text, numbers, dates, paths),
    never model instances; a value that cannot travel fails here, in the caller, not later.
    """
    plain = json.loads(json.dumps(dict(context), cls=DjangoJSONEncoder))
    user_ids = sorted({user.pk for user in recipients if user.email and user.is_active})

    def enqueue() -> None:
        for user_id in user_ids:
            send_mail_to_user.enqueue(template=template, user_id=user_id, context=plain)

    if user_ids:
        transaction.on_commit(enqueue)


def claim_once(model: type[models.Model], **keys: Any) -> bool:
    """Record that something was done for `keys` (a row under a unique constraint, such as "this
    unit was reminded today"); False when it was already recorded, by this run or a concurrent
    one. Call it inside the transaction that does the thing, so that both happen or neither."""
    try:
        with transaction.atomic():
            model._default_manager.create(**keys)
    except IntegrityError:
        return False
    return True
