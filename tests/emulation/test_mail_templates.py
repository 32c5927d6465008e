"""Every e-mail reads right in both languages: rendered with the values its variables stand for,
no template internals (a variable shadowed by the template's own `block`, say) and no empty
variable reach the recipient."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from emulation.models import User
from emulation.tasks import send_mail_to_user
from tests.factories import make_user

EMAILS = Path(settings.BASE_DIR) / "templates" / "email"
TEMPLATES = sorted(p.name.removesuffix("_subject.txt") for p in EMAILS.glob("*_subject.txt"))
MISSING = "<<MISSING %s>>"

# What each variable of the e-mails stands for, as the services send it (plain JSON values).
VALUES: dict[str, Any] = {
    "approved": ["Sở Tư pháp — Cờ thi đua của UBND tỉnh"],
    "authority": "UBND tỉnh Quảng Trị",
    "award": "Bằng khen của Chủ tịch UBND tỉnh",
    "ballot": "Bầu đơn vị dẫn đầu Khối",
    "block_name": "Khối thi đua các cơ quan Đảng tỉnh",
    "cast": 8,
    "changed_by": "Nguyễn Thị Kim Oanh",
    "changed": 2,
    "closes_on": "15/12/2026",
    "code": "ABCDE-FGHJK",
    "council_size": 9,
    "deadline": "31/12/2026",
    "documents": 14,
    "elected": ["Sở Tư pháp", "Sở Nội vụ"],
    "held_on": "20/12/2026",
    "invited_by": "Nguyễn Thị Kim Oanh",
    "username": "lanhdao.snv",
    "issuer_name": "Ban Tổ chức & Văn phòng",
    "leading": "Sở Tư pháp",
    "members": 9,
    "nominees": ["Sở Tư pháp", "Sở Nội vụ"],
    "number": "125/QĐ-UBND",
    "path": "/years/1/",
    "person": "Trần Văn Mới",
    "position": "Phó Giám đốc",
    "proposal": True,
    "quorum": True,
    "reason": "Thiếu báo cáo thành tích.",
    "removed": False,
    "respond_by": "18/12/2026",
    "resubmitted": "Sở Tư pháp",
    "role": "leader",
    "session": "Phiên họp Hội đồng ngày 20/12/2026",
    "sha256": "0" * 64,
    "signed_on": "07/12/2026",
    "threshold": 2,
    "title": "Giao ước thi đua năm 2026",
    "unit": "Sở Tư pháp",
    "units": ["Sở Tư pháp", "Sở Nội vụ"],
    "until": "20/12/2026",
    "verify_url": "https://thidua.example.gov.vn/verify/ABCDEFGHJK/",
    "voted": 8,
    "year": 2026,
}


@pytest.fixture
def strict_templates(settings: Any) -> None:
    # An unknown or empty variable renders as a marker the test can find.
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "string_if_invalid": MISSING}}
        for engine in settings.TEMPLATES
    ]
    settings.SITE_URL = "https://thidua.example.gov.vn"


def test_every_email_has_a_subject_and_a_body() -> None:
    assert len(TEMPLATES) >= 19
    for name in TEMPLATES:
        assert (EMAILS / f"{name}_body.txt").exists(), name


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_email_renders_its_values_in_both_languages(
    template: str, strict_templates: None, db: None
) -> None:
    for language in ("vi", "en"):
        user: User = make_user(
            f"lan-{language}",
            full_name="Nguyễn Thị Lan",
            email="lan@example.vn",
            preferred_language=language,
        )
        send_mail_to_user.call(template=template, user_id=user.pk, context=VALUES)
    vi, en = mail.outbox
    for message in (vi, en):
        assert isinstance(message, EmailMultiAlternatives)
        texts = [str(message.subject), str(message.body)]
        texts += [str(body) for body, _ in message.alternatives]
        for text in texts:
            assert "<<MISSING" not in text, (template, text)
            assert not re.search(r"Node|object at 0x|\{[{%]|%\(", text), (template, text)
        assert "Nguyễn Thị Lan" in message.body
        if "block_name" in (EMAILS / f"{template}_body.txt").read_text():
            assert VALUES["block_name"] in message.body
    # Vietnamese throughout: no paragraph of the Vietnamese message is left in English.
    english = set(en.body.split("\n\n"))
    assert vi.subject != en.subject
    assert [
        p for p in vi.body.split("\n\n") if p in english and re.search("[a-z]{4} [a-z]{3}", p)
    ] == []
