"""Background tasks of the kernel, run by `manage.py db_worker` (in-process in tests)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import translation
from django_tasks import task

from emulation.models import User

_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


@task()
def send_mail_to_user(*, template: str, user_id: int, context: dict[str, Any]) -> None:
    """Render `email/<template>_*` in the recipient's language and send it to them.

    Nothing is sent when the person has since lost their address or been deactivated.
    """
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return
    values = {**context, "user": user, "site_url": settings.SITE_URL}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = " ".join(_render(f"email/{template}_subject.txt", values).split())
        body = _BLANK_LINES.sub("\n\n", _render(f"email/{template}_body.txt", values)).strip()
        try:
            html = _render(f"email/{template}_body.html", values, autoescape=True)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(
        subject=subject,
        body=body + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send()


def _render(name: str, values: dict[str, Any], *, autoescape: bool = False) -> str:
    # Plain text is not HTML: "Ban Tổ chức & Văn phòng" must not arrive as "&amp;".
    return Engine.get_default().get_template(name).render(Context(values, autoescape=autoescape))
