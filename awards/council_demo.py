"""Demo of the council's part of last year, for Quảng Trị: the year is complete and published.

The Party agencies block's dossier reached the council on 5 March (awards demo). The Emulation
Board received the three nominations on 6 March and appraised them on 10 March; the council met on
20 March with four of its five members present and voted online (the Office for the provincial
flag, the Organisation and Propaganda Boards for the Chairman's certificate of merit, and a
member of the Propaganda Board for the certificate for individuals, all approved); the Chairman's
decisions 345/QĐ-UBND (provincial flag), 346/QĐ-UBND (certificates) and 347/QĐ-UBND (certificate
for an individual) were signed on 25 March, issued with their certificates and published on 26 March, so last year's
public results page shows them.

Everything goes through the services; the timestamps they write are then moved back to those days.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from awards.documents import session_minutes
from awards.models import (
    AwardType,
    CouncilSession,
    Decision,
    Nomination,
)
from awards.services import decisions, intake, sessions, submissions
from blocks.models import Authority, CouncilRole
from emulation.demo import Seeder
from emulation.issued import issuing_as_of
from emulation.models import IssuedDocument, User

AUTHORITY = "Hội đồng Thi đua - Khen thưởng tỉnh Quảng Trị"
SIGNER = ("Lê Văn Quang", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
NUMBERS = {
    "provincial-flag": "345/QĐ-UBND",
    "chairman-certificate": "346/QĐ-UBND",
    "chairman-certificate-individual": "347/QĐ-UBND",
}
NOTES = "Hồ sơ đầy đủ thành phần, đúng thể thức; thành tích phù hợp tiêu chuẩn khen thưởng."


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class CouncilSeeder(Seeder):
    def seed(self) -> None:
        year = timezone.localdate().year - 1
        authority = Authority.objects.filter(name=AUTHORITY).first()
        if authority is None:
            return
        if CouncilSession.objects.filter(authority=authority, year=year).exists():
            return  # seeded before
        nominations = list(
            Nomination.objects.filter(
                block_year__block__authority=authority,
                block_year__year=year,
                status=Nomination.Status.SUBMITTED,
            ).select_related("award_type", "block_year__block")
        )
        staff = User.objects.filter(
            council_roles__authority=authority, council_roles__role=CouncilRole.Role.STAFF
        ).first()
        members = list(sessions.council_members(authority).order_by("username"))
        if not nominations or staff is None or len(members) < 3:
            return
        spring = year + 1
        self.appraise(nominations, staff, spring)
        session = self.session(authority, year, nominations, staff, members, spring)
        self.decide(authority, year, staff, spring)
        CouncilSession.objects.filter(pk=session.pk).update(
            opened_at=_aware(datetime.date(spring, 3, 20), 8, 30),
            closed_at=_aware(datetime.date(spring, 3, 20), 10),
        )

    def appraise(self, nominations: list[Nomination], staff: User, spring: int) -> None:
        for nomination in nominations:
            intake.receive_nomination(nomination, by=staff)
            intake.appraise_nomination(
                nomination,
                by=staff,
                checklist=dict.fromkeys(intake.APPRAISAL_CHECKLIST, True),
                notes=NOTES,
            )
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
            received_at=_aware(datetime.date(spring, 3, 6), 9),
            appraised_at=_aware(datetime.date(spring, 3, 10), 15),
        )
        self.created += len(nominations)

    def session(
        self,
        authority: Authority,
        year: int,
        nominations: list[Nomination],
        staff: User,
        members: list[User],
        spring: int,
    ) -> CouncilSession:
        session = sessions.create_session(
            authority,
            by=staff,
            year=year,
            title=f"Phiên họp Hội đồng Thi đua - Khen thưởng tỉnh xét khen thưởng năm {year}",
            held_on=datetime.date(spring, 3, 20),
            place="Phòng họp Ủy ban nhân dân tỉnh",
        )
        sessions.add_to_agenda(session, nominations, by=staff)
        present = members[:-1]  # one member excused
        sessions.record_attendance(session, present, by=staff)
        assert session.box is not None
        codes = [sessions.take_code(session, by=t.user) for t in session.box.tellers.all()]
        sessions.open_session(session, by=staff)
        items = list(session.items.order_by("position"))
        for index, member in enumerate(present):
            # Everyone agrees, but one member votes against the last certificate.
            choices = {item.pk: True for item in items}
            if index == 0:
                choices[items[-1].pk] = False
            sessions.cast_council_vote(session, by=member, choices=choices)
        sessions.close_session(session, by=staff)
        sessions.count_session(session, by=staff, codes=codes[: session.box.threshold])
        with issuing_as_of(_aware(datetime.date(spring, 3, 20), 11)):
            minutes = session_minutes.issue_session_minutes(session, by=staff)
        IssuedDocument.objects.filter(pk=minutes.pk).update(
            issued_at=_aware(datetime.date(spring, 3, 20), 11)
        )
        self.created += 1 + len(items)
        return session

    def decide(self, authority: Authority, year: int, staff: User, spring: int) -> None:
        signed_on = datetime.date(spring, 3, 25)
        # The Department of Home Affairs' submission to the Chairman comes first.
        if submissions.to_submit(authority, year).exists():
            submissions.issue_submission(
                authority,
                year,
                by=staff,
                number="45/TTr-SNV",
                signed_on=datetime.date(spring, 3, 22),
                signer_name="Lê Văn Bình",
            )
            self.created += 1
        for code, number in NUMBERS.items():
            award = AwardType.objects.get(code=code)
            if not decisions.approved_for_decision(authority, year, award).exists():
                continue
            decision = decisions.draft_decision(
                authority,
                year,
                award,
                by=staff,
                number=number,
                signed_on=signed_on,
                signer_name=SIGNER[0],
                signer_title=SIGNER[1],
                legal_bases=decisions.default_legal_bases(award, authority=authority, on=signed_on),
            )
            with issuing_as_of(_aware(signed_on, 16)):
                decisions.issue_decision(decision, by=staff)
            decisions.publish_decision(decision, by=staff)
            Decision.objects.filter(pk=decision.pk).update(
                issued_at=_aware(signed_on, 16),
                published_at=_aware(signed_on + datetime.timedelta(days=1), 9),
            )
            self.created += 1 + decision.awardees.count()
