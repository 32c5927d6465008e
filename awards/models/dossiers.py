"""The block's dossier for the council (DOMAIN §5): the package of the proposal letter, the
minutes of the deliberation meeting and every nomination, sent as one, and its checklist.

The checklist (`Dossier.objects.state_of`) says, part by part, what the dossier still lacks and
where to act; the dossier is sent only when every part is done (`services.dossiers.submit_dossier`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from awards.models.ballots import Ballot
from awards.models.nominations import (
    Nomination,
    missing_attestations,
    missing_sections,
    passes,
)
from blocks.models import BlockYear
from emulation.models import IssuedDocument


@dataclass(frozen=True)
class ChecklistItem:
    """One part of the dossier: whether it is there, what is missing, and where to act."""

    label: str
    done: bool
    detail: str = ""
    link: str = ""
    group: str = ""  # the nominee it belongs to ("" for the dossier as a whole)


@dataclass
class DossierState:
    """Everything the dossier page and its guards read, loaded in a fixed number of queries."""

    block_year: BlockYear
    dossier: Dossier | None
    nominations: list[Nomination]
    open_ballots: int
    last_ballot_closed: datetime.datetime | None
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.items) and all(item.done for item in self.items)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def submitted(self) -> bool:
        return self.dossier is not None and self.dossier.status == Dossier.Status.SUBMITTED


class DossierQuerySet(models.QuerySet["Dossier"]):
    def of_year(self, block_year: BlockYear) -> Dossier | None:
        """The block year's dossier (None until it is first prepared), with its documents."""
        return (
            self.filter(block_year=block_year)
            .select_related("proposal_letter", "minutes", "submitted_by")
            .first()
        )

    def state_of(self, block_year: BlockYear) -> DossierState:
        """The year's dossier, its nominations and its checklist, in three queries."""
        dossier = self.of_year(block_year)
        nominations = list(Nomination.objects.in_dossier(block_year))
        ballots = list(
            Ballot.objects.filter(block_year=block_year).values_list("status", "closed_at")
        )
        open_ballots = sum(1 for status, _closed in ballots if status != Ballot.Status.CLOSED)
        closed = [closed_at for status, closed_at in ballots if closed_at is not None]
        state = DossierState(
            block_year=block_year,
            dossier=dossier,
            nominations=nominations,
            open_ballots=open_ballots,
            last_ballot_closed=max(closed, default=None),
        )
        here = reverse("awards:dossier_detail", args=[block_year.pk])
        minutes = dossier.minutes if dossier else None
        if minutes is None:
            minutes_item = ChecklistItem(
                gettext("Minutes of the deliberation meeting issued"),
                False,
                gettext("Issue them once every ballot is closed."),
                _ballots_link(block_year),
            )
        elif state.last_ballot_closed and minutes.issued_at < state.last_ballot_closed:
            minutes_item = ChecklistItem(
                gettext("Minutes of the deliberation meeting issued"),
                False,
                gettext("A ballot closed after they were issued: issue them again."),
                _ballots_link(block_year),
            )
        else:
            minutes_item = ChecklistItem(
                gettext("Minutes of the deliberation meeting issued"),
                True,
                gettext("Code %(code)s.") % {"code": minutes.display_code},
                reverse("verify", args=[minutes.code]),
            )
        items = [
            minutes_item,
            ChecklistItem(
                gettext("No ballot open or in preparation"),
                open_ballots == 0,
                gettext("Ballots not closed: %(n)d.") % {"n": open_ballots} if open_ballots else "",
                _ballots_link(block_year),
            ),
            ChecklistItem(
                gettext("At least one nomination"),
                bool(nominations),
                gettext("Nominations: %(n)d.") % {"n": len(nominations)}
                if nominations
                else gettext("Nominations come from the nomination ballots."),
                _ballots_link(block_year),
            ),
        ]
        for nomination in nominations:
            items += nomination_checklist(nomination)
            if nomination.status == Nomination.Status.RETURNED:
                items.append(
                    ChecklistItem(
                        gettext("Returned by the council: fix it and send it again"),
                        False,
                        nomination.return_reason,
                        nomination.get_absolute_url(),
                        f"{nomination.name} – {nomination.award_type.name}",
                    )
                )
        items.append(_letter_item(dossier, nominations, here))
        state.items = items
        return state


class Dossier(models.Model):
    """The block's package for the council: proposal letter, minutes, and every nomination."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Sent to the council")

    block_year = models.OneToOneField(
        BlockYear,
        verbose_name=_("block year"),
        on_delete=models.PROTECT,
        related_name="dossier",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    letter_number = models.CharField(_("number of the proposal letter"), max_length=40, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    proposal_letter = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("proposal letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("minutes of the deliberation meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    manifest_sha256 = models.CharField(_("SHA-256 of the manifest"), max_length=64, blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination dossier")
        verbose_name_plural = _("nomination dossiers")

    def __str__(self) -> str:
        return str(_("Nomination dossier %(year)s") % {"year": self.block_year})

    def get_absolute_url(self) -> str:
        return reverse("awards:dossier_detail", args=[self.block_year_id])


def letter_key(nominations: Iterable[Nomination]) -> list[list[Any]]:
    """What the proposal letter lists, as compared with the current nominations."""
    return sorted([n.pk, n.award_type.code, n.unit_id] for n in nominations)


def nomination_checklist(nomination: Nomination) -> list[ChecklistItem]:
    """The parts one nomination needs in the dossier: the approved report, the attestations,
    and an eligibility check that passes."""
    link = nomination.get_absolute_url()
    group = f"{nomination.name} – {nomination.award_type.name}"
    missing = missing_sections(nomination)
    if nomination.report_is_approved:
        report_detail = ""
    elif missing:
        report_detail = gettext("Sections still empty: %(n)d.") % {"n": len(missing)}
    else:
        report_detail = gettext("Written; waiting for the leader's approval.")
    unanswered = missing_attestations(nomination)
    stored = nomination.eligibility or []
    failed = [str(r.get("rule", "")) for r in stored if r.get("passed") is False]
    waiting = [r for r in stored if r.get("passed") is None]
    if passes(stored):
        eligibility_detail = ""
    elif failed:
        eligibility_detail = gettext("Not met: %(rules)s") % {"rules": " ".join(failed)}
    elif waiting:
        eligibility_detail = ngettext(
            "Waiting for %(n)d answer from the unit.",
            "Waiting for %(n)d answers from the unit.",
            len(waiting),
        ) % {"n": len(waiting)}
    else:
        eligibility_detail = gettext("Not checked yet.")
    return [
        ChecklistItem(
            gettext("Achievement report approved by the unit's leader"),
            nomination.report_is_approved,
            report_detail,
            link,
            group,
        ),
        ChecklistItem(
            gettext("Attestations given"),
            not unanswered,
            gettext("Not answered yet: %(n)d.") % {"n": len(unanswered)} if unanswered else "",
            link,
            group,
        ),
        ChecklistItem(
            gettext("Eligibility check passes"), passes(stored), eligibility_detail, link, group
        ),
    ]


def _letter_item(
    dossier: Dossier | None, nominations: list[Nomination], link: str
) -> ChecklistItem:
    label = gettext("Proposal letter issued, listing every nominee")
    letter = dossier.proposal_letter if dossier else None
    if letter is None:
        return ChecklistItem(label, False, gettext("Not issued yet."), link)
    listed = letter.metadata.get("nominations") or []
    if listed != letter_key(nominations):
        return ChecklistItem(
            label,
            False,
            gettext("The nominations changed after it was issued: issue it again."),
            link,
        )
    latest = max((n.created_at for n in nominations), default=None)
    if latest is not None and latest > letter.issued_at:
        return ChecklistItem(
            label,
            False,
            gettext("A nomination was added after it was issued: issue it again."),
            link,
        )
    minutes = dossier.minutes if dossier else None
    if minutes is None or letter.metadata.get("minutes_code") != minutes.code:
        return ChecklistItem(
            label,
            False,
            gettext("The minutes were issued again after the letter: issue the letter again."),
            link,
        )
    return ChecklistItem(
        label,
        True,
        gettext("Number %(number)s, code %(code)s.")
        % {
            "number": letter.metadata.get("number", ""),
            "code": letter.display_code,
        },
        link,
    )


def _ballots_link(block_year: BlockYear) -> str:
    """The page of the year's ballots, where the minutes are issued too."""
    return reverse("awards:ballot_list", args=[block_year.pk])
