"""The covenant's share of `manage.py benchmark` (emulation.benchmark): per block year the rules,
plan and covenant with their versions and comments, registrations, last years' covenants signed
by every unit and issued; the covenant pages, the issued covenant PDF, and the signing storms.
Registered in CovenantsConfig.ready().

The signing storm: every member unit of some blocks signs this year's covenant at once, each
leader posting the sign form with their real password. Afterwards the database must hold exactly
one signature per unit, each covenant must be in force, issued once, and the audit chain intact.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from blocks.benchmark import RegistryData, head_of, leaders_of, registry_of, unit_roles
from blocks.models import BlockYear, Membership, Unit, UnitRole
from covenants import demo as texts
from covenants import services
from covenants.models import Comment, Document, DocumentVersion, Registration, Signature
from emulation.audit import verify_chain
from emulation.benchmark.data import PASSWORD, Cast, DataStep
from emulation.benchmark.load import Response, close_sessions
from emulation.benchmark.pages import ANONYMOUS, Page
from emulation.benchmark.pdf import Pdf
from emulation.benchmark.scenarios import (
    Post,
    Storm,
    Transport,
    doubled,
    repeat_and_shuffle,
    sessions_for,
    timing,
)
from emulation.models import IssuedDocument, User, new_verification_code

AIMS = [["excellent", "provincial_flag"], ["labour_collective"], ["excellent"]]
VERSION_LABEL = DocumentVersion._meta.label_lower


class CovenantData(DataStep):
    """Per block year the rules, plan and covenant (two versions, two answered comments), a
    registration per unit; last years' covenants signed by every unit and in force, this year's
    open for signing (but in the block already scoring). Last year's covenant of the measured
    block is rendered and issued for real; the other covenants in force get issued-document rows
    that share its stored file."""

    counted = [Document, DocumentVersion, Registration, Signature, IssuedDocument]

    def generate(self) -> None:
        registry = self.step(RegistryData)
        self.documents(registry.block_years, registry.members, registry.people)
        self.issue(registry.members)

    def documents(
        self,
        block_years: list[BlockYear],
        members: dict[int, list[Membership]],
        people: dict[str, list[User]],
    ) -> None:
        officers = {role.unit_id: role.user_id for role in unit_roles(UnitRole.Role.OFFICER)}
        leaders = {
            role.unit_id: (role.user_id, role.title) for role in unit_roles(UnitRole.Role.LEADER)
        }
        names = {user.pk: user.full_name for user in people["leaders"]}
        this_year = self.today.year
        scoring_block_id = self.step(RegistryData).scoring_block_id
        documents = []
        for block_year in block_years:
            year = block_year.year
            # This year's covenant is open for signing, except in the block that is already
            # scoring (scoring starts once the covenant is in force).
            current = year == this_year and block_year.block_id != scoring_block_id
            documents += [
                Document(
                    block_year=block_year,
                    kind=Document.Kind.RULES,
                    title=f"Quy chế hoạt động của Khối năm {year}",
                    status=Document.Status.ADOPTED,
                    consultation_until=datetime.date(year, 2, 20),
                ),
                Document(
                    block_year=block_year,
                    kind=Document.Kind.PLAN,
                    title=f"Kế hoạch hoạt động của Khối năm {year}",
                    status=Document.Status.ADOPTED,
                    consultation_until=datetime.date(year, 2, 20),
                ),
                Document(
                    block_year=block_year,
                    kind=Document.Kind.COVENANT,
                    title=f"Giao ước thi đua năm {year}",
                    status=Document.Status.SIGNING if current else Document.Status.IN_FORCE,
                    consultation_until=datetime.date(year, 2, 20),
                    signing_deadline=block_year.signing_deadline,
                ),
            ]
        documents = self.insert(documents)
        versions = []
        for document in documents:
            block_year = document.block_year
            author = officers[head_of(members[block_year.pk]).unit_id]
            if document.kind == Document.Kind.COVENANT:
                content = {
                    "preamble": texts.PREAMBLE.format(year=block_year.year),
                    "body": texts.COMMITMENTS,
                    "targets": texts.TARGETS,
                    "movements": texts.MOVEMENTS,
                    "legal_bases": texts.LEGAL_BASES,
                    "theme": block_year.theme,
                }
                draft = DocumentVersion(
                    document=document,
                    number=1,
                    created_by_id=author,
                    change_note="Dự thảo lấy ý kiến",
                    **content,
                )
                versions.append(draft)
                content["body"] += "\n5. Chia sẻ kinh nghiệm, giúp đỡ nhau cùng tiến bộ."
                number, note = 2, "Tiếp thu ý kiến các đơn vị"
            else:
                body = texts.RULES if document.kind == Document.Kind.RULES else texts.PLAN
                content, number, note = {"body": body}, 1, "Dự thảo lần 1"
            version = DocumentVersion(
                document=document, number=number, created_by_id=author, change_note=note, **content
            )
            version.sha256 = version.compute_sha256()
            versions.append(version)
        versions = self.insert(versions)
        with self.timed("covenants_document"):
            # The version in force of last years' covenants, in one statement.
            Document.objects.filter(status=Document.Status.IN_FORCE).update(
                in_force_version=models.Subquery(
                    DocumentVersion.objects.filter(document=models.OuterRef("pk"), number=2).values(
                        "pk"
                    )[:1]
                )
            )
        self._comments(versions, members, officers)
        self._registrations(block_years, members, officers)
        self._signatures(versions, members, leaders, names)

    def _comments(
        self,
        versions: list[DocumentVersion],
        members: dict[int, list[Membership]],
        officers: dict[int, int],
    ) -> None:
        answered_at = timezone.now()
        rows = []
        for version in versions:
            document = version.document
            if document.kind != Document.Kind.COVENANT or version.number != 1:
                continue
            year_members = members[document.block_year_id]
            head = head_of(year_members)
            for membership in year_members[1:3]:
                rows.append(
                    Comment(
                        version=version,
                        unit_id=membership.unit_id,
                        author_id=officers[membership.unit_id],
                        text="Đề nghị bổ sung nội dung chia sẻ kinh nghiệm giữa các đơn vị.",
                        answer=Comment.Answer.ACCEPTED,
                        answer_text="Tiếp thu, bổ sung vào mục 5.",
                        answered_by_id=officers[head.unit_id],
                        answered_at=answered_at,
                    )
                )
        self.insert(rows)

    def _registrations(
        self,
        block_years: list[BlockYear],
        members: dict[int, list[Membership]],
        officers: dict[int, int],
    ) -> None:
        rows = [
            Registration(
                block_year=block_year,
                unit_id=membership.unit_id,
                targets="Hoàn thành xuất sắc nhiệm vụ\nTham mưu 100% văn bản đúng hạn",
                aims=AIMS[membership.position % len(AIMS)],
                registered_by_id=officers[membership.unit_id],
            )
            for block_year in block_years
            for membership in members[block_year.pk]
        ]
        self.insert(rows)

    def _signatures(
        self,
        versions: list[DocumentVersion],
        members: dict[int, list[Membership]],
        leaders: dict[int, tuple[int, str]],
        names: dict[int, str],
    ) -> None:
        unit_names = dict(Unit.objects.values_list("pk", "name"))
        rows = []
        for version in versions:
            document = version.document
            if document.status != Document.Status.IN_FORCE or version.number != 2:
                continue
            year = document.block_year.year
            signed_at = timezone.make_aware(datetime.datetime(year, 3, 20, 9, 0))
            for minute, membership in enumerate(members[document.block_year_id]):
                signer, title = leaders[membership.unit_id]
                rows.append(
                    Signature(
                        version=version,
                        unit_id=membership.unit_id,
                        unit_name=unit_names[membership.unit_id],
                        signer_id=signer,
                        signer_name=names[signer],
                        signer_title=title,
                        signed_at=signed_at + datetime.timedelta(minutes=minute),
                        method=Signature.Method.PASSWORD,
                        sha256=version.sha256,
                        ip="10.0.0.1",
                        user_agent="Hội nghị ký kết giao ước",
                    )
                )
        self.insert(rows)

    def issue(self, members: dict[int, list[Membership]]) -> None:
        """Last year's covenant of the pages' block is rendered and issued for real (it is the
        one downloaded and verified); the other covenants in force get issued-document rows
        that share its stored file, since rendering two thousand PDFs would take half an hour
        and the pages only look rows up by code and by version."""
        from covenants.pdf import issue_covenant
        from emulation.issued import render_issued

        measured_block_id = self.step(RegistryData).measured_block_id
        last_year = self.today.year - 1
        in_force = list(
            Document.objects.filter(status=Document.Status.IN_FORCE)
            .select_related("block_year__block__authority", "in_force_version")
            .order_by("pk")
        )
        real = next(
            d
            for d in in_force
            if d.block_year.block_id == measured_block_id and d.block_year.year == last_year
        )
        assert real.in_force_version is not None
        head = head_of(members[real.block_year_id])
        signer = User.objects.get(unit_roles__unit=head.unit_id, unit_roles__role="leader")
        with self.timed("emulation_issueddocument (PDF)") as timing:
            issued = issue_covenant(real, real.in_force_version, by=signer)
            # Its file is shared by the rows below: made now, inside the generator's transaction.
            issued = render_issued(issued.pk, in_transaction=True) or issued
            timing.rows += 1
        self.log(f"  {'covenant PDF rendered and issued':<32} {1:>8} rows {timing.seconds:7.2f} s")
        codes = {issued.code}
        rows = []
        for document in in_force:
            if document.pk == real.pk:
                continue
            code = new_verification_code()
            while code in codes:
                code = new_verification_code()
            codes.add(code)
            version = document.in_force_version
            assert version is not None
            rows.append(
                IssuedDocument(
                    code=code,
                    kind="covenant",
                    title=f"{document.title} (v{version.number})",
                    issuer_name=document.block_year.block.name,
                    issued_by=signer,
                    issued_at=timezone.make_aware(
                        datetime.datetime(document.block_year.year, 3, 20, 12, 0)
                    ),
                    sha256=issued.sha256,
                    file=issued.file.name,
                    size=issued.size,
                    subject_type=VERSION_LABEL,
                    subject_id=str(version.pk),
                    metadata={"signatories": [], "version_sha256": version.sha256},
                )
            )
        self.insert(rows)

    @classmethod
    def find(cls, cast: Cast) -> CovenantCast:
        found = registry_of(cast)
        in_force = found.last_year.documents.get(kind=Document.Kind.COVENANT)
        return CovenantCast(
            covenant=found.block_year.documents.get(kind=Document.Kind.COVENANT),
            in_force=in_force,
            issued=IssuedDocument.objects.get(
                subject_type=VERSION_LABEL, subject_id=str(in_force.in_force_version_id)
            ),
        )


@dataclass(frozen=True)
class CovenantCast:
    """The covenants that the pages and storms use."""

    covenant: Document  # this year's of the measured block, open for signing
    in_force: Document  # last year's, in force and issued
    issued: IssuedDocument


def covenants_of(cast: Cast) -> CovenantCast:
    return cast.part(CovenantCast)


PAGES = [
    Page("document", "secretariat",
         lambda c: reverse("covenants:document_detail", args=[covenants_of(c).covenant.pk]),
         "covenant page (open for signing)"),
    Page("signing_progress", "secretariat",
         lambda c: reverse("covenants:signing_progress", args=[covenants_of(c).in_force.pk]),
         "signing progress (every unit signed)"),
    Page("covenant_sign", "leader",
         lambda c: reverse("covenants:covenant_sign", args=[covenants_of(c).covenant.pk]),
         "covenant sign page"),
    Page("verify", ANONYMOUS, lambda c: reverse("verify", args=[covenants_of(c).issued.code]),
         "verification page of the issued PDF"),
    Page("covenant_pdf", "leader",
         lambda c: reverse("covenants:covenant_pdf", args=[covenants_of(c).in_force.pk]),
         "issued covenant PDF download"),
]  # fmt: skip


def issue_again(cast: Cast) -> IssuedDocument:
    """Last year's covenant issued again (the command rolls it back)."""
    from covenants.pdf import issue_covenant

    in_force = covenants_of(cast).in_force
    version = in_force.in_force_version
    assert version is not None
    return issue_covenant(in_force, version, by=cast.users["leader"])


PDF = Pdf("covenant", "covenant PDF issued (render, store, audit)", issue_again)


# The signing storm ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    document_id: int
    unit_id: int
    version_id: int
    session_key: str

    @property
    def path(self) -> str:
        return reverse("covenants:covenant_sign", args=[self.document_id])

    @property
    def signed_path(self) -> str:
        return reverse("covenants:signing_progress", args=[self.document_id])

    def posts(self) -> list[Post]:
        form = {"unit": str(self.unit_id), "password": PASSWORD, "confirm": "on"}
        return [Post(self.path, form, self.session_key)]


def reset(documents: Sequence[Document]) -> None:
    """Back to "open for signing, no signature": signatures and issued copies removed."""
    versions = [services.latest_version(d) for d in documents]
    version_ids = [v.pk for v in versions if v is not None]
    issued = IssuedDocument.objects.filter(
        subject_type=VERSION_LABEL, subject_id__in=[str(pk) for pk in version_ids]
    )
    for name in issued.values_list("file", flat=True):
        if name:  # none while still being prepared
            default_storage.delete(name)
    issued.delete()
    Signature.objects.filter(version__in=version_ids).delete()
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        status=Document.Status.SIGNING, in_force_version=None
    )


def signing_storm(documents: Sequence[Document], transport: Transport) -> dict[str, Any]:
    """Every current member unit of the documents' years signs at once; then count."""
    reset(documents)
    plan: list[tuple[int, int, int, User]] = []  # document, unit, version, leader
    for document in documents:
        version = services.latest_version(document)
        assert version is not None
        leaders = leaders_of(document.block_year_id)
        for membership in services.current_members(document.block_year).order_by("position"):
            plan.append((document.pk, membership.unit_id, version.pk, leaders[membership.unit_id]))
    sessions = sessions_for([leader for *_ids, leader in plan])
    attempts = repeat_and_shuffle([Attempt(d, u, v, sessions[lead.pk]) for d, u, v, lead in plan])
    try:
        start = time.perf_counter()
        replies = transport.post_all([attempt.posts() for attempt in attempts])
        seconds = time.perf_counter() - start
        result = _account(documents, attempts, [r[0] for r in replies], seconds)
    finally:
        close_sessions(sessions.values())
        reset(documents)
    return result


def _account(
    documents: Sequence[Document],
    attempts: Sequence[Attempt],
    responses: Sequence[Response],
    seconds: float,
) -> dict[str, Any]:
    signed: Counter[tuple[int, int]] = Counter()
    failures: Counter[str] = Counter()
    refused = 0
    for attempt, response in zip(attempts, responses, strict=True):
        if response.status == 302 and response.location.endswith(attempt.signed_path):
            signed[attempt.version_id, attempt.unit_id] += 1
        elif response.status == 200:
            refused += 1  # the form again, with "already signed": expected for a repeat
        else:
            failures[response.error or f"HTTP {response.status}"] += 1
    expected = {(a.version_id, a.unit_id) for a in attempts}
    rows = Counter(
        {
            (row["version"], row["unit"]): row["n"]
            for row in Signature.objects.filter(version__in={v for v, _u in expected})
            .values("version", "unit")
            .annotate(n=Count("pk"))
        }
    )
    issued = Counter(
        IssuedDocument.objects.filter(
            subject_type=VERSION_LABEL, subject_id__in=[str(v) for v, _u in expected]
        ).values_list("subject_id", flat=True)
    )
    in_force = Document.objects.filter(
        pk__in=[d.pk for d in documents], status=Document.Status.IN_FORCE
    ).count()
    unsigned = [key for key in expected if signed[key] == 0]
    signed_twice = [key for key, n in signed.items() if n > 1]
    latencies = [r.ms for r in responses if r.status in (200, 302)]
    chain_break = verify_chain()
    return {
        "note": f"{in_force}/{len(documents)} in force, {len(issued)} issued, {refused} repeats "
        f"refused, audit chain {'intact' if chain_break is None else 'BROKEN'}",
        "throughput_per_s": round(sum(rows.values()) / seconds, 2) if seconds else None,
        "errors": sum(failures.values()) + len(unsigned) + len(signed_twice),
        "lost": len(expected - set(rows)),
        "duplicates": doubled(rows, issued),
        "units": len(expected),
        "requests": len(attempts),
        "refused_repeats": refused,
        **timing(seconds, latencies),
        "covenants": len(documents),
        "in_force": in_force,
        "issued": len(issued),
        "audit_chain_intact": chain_break is None,
        "failures": dict(failures),
    }


def _this_years_covenants(cast: Cast, **block_filter: Any) -> list[Document]:
    """This year's covenants still open for signing (the scoring block's is in force)."""
    return list(
        Document.objects.filter(
            kind=Document.Kind.COVENANT,
            block_year__year=registry_of(cast).block_year.year,
            status=Document.Status.SIGNING,
            **block_filter,
        )
        .select_related("block_year__block")
        .order_by("pk")
    )


STORMS = [
    Storm(
        "signing_storm_block",
        "every unit of one block signs at once",
        lambda c, t: signing_storm(
            _this_years_covenants(c, block_year__block=registry_of(c).storm_block), t
        ),
    ),
    Storm(
        "signing_storm_province",
        "every unit of a province (every block of one authority still signing) signs at once",
        lambda c, t: signing_storm(
            _this_years_covenants(c, block_year__block__authority=registry_of(c).authority), t
        ),
    ),
]
