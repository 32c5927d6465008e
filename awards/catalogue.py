"""Which rules judge a year: the authority's catalogue, its dated versions and their citations.

A year's nominations are judged by the version **in force on 31 December of the year**
(`reference_date`): the year's achievements are reviewed and proposed at its end, so 2024 is
judged under Decree 98/2023/NĐ-CP and 2025 under Decree 152/2025/NĐ-CP, which came into force on
1 July 2025 and replaced it (docs/award-rules.md gives the reasons and the sources).

An authority's catalogue is its `RuleVersion` rows. An award for which an authority has no row
at all falls back to the built-in defaults below (`DEFAULTS`, by the authority's level and the
decree), so that a new authority works at once; the data migration writes the same defaults as
rows for the authorities that exist, and the council edits the rows afterwards. A central
authority (the Central Council, which organises the clusters of provinces and ministries) offers
the Government flag to each cluster's leader (Law 06/2022/QH15 Art. 25(2)), without the 20 per
cent, and offers neither the provincial flag nor the Chairman's certificate.

Each rule cites its article in `citations`: `{"article": …, "confirmed": bool, "local": bool}`.
`confirmed` is false where the article's text could not be checked against a published source:
the page says so rather than presenting the citation as settled. `local` marks a convention of
the province (such as "ranked within the first three places"), not a rule of the Law.
"""

from __future__ import annotations

import datetime
from typing import Any

from awards.models import AwardType, RuleVersion
from blocks.models import Authority
from emulation import law

D98, D152 = RuleVersion.Decree.D98, RuleVersion.Decree.D152
# The periods and titles are the kernel's (`emulation.law`), which every app's documents cite.
assert (D98.value, D152.value) == (law.D98, law.D152)
PERIODS = law.PERIODS
DECREE_TITLES = law.DECREE_TITLES
LAW = law.LAW
LETTER = "Công văn số 5007/BNV-TĐKT của Bộ Nội vụ"
# The Chairman's certificate of merit for an individual (Law 06/2022/QH15 Art. 74).
INDIVIDUAL_CERTIFICATE = "chairman-certificate-individual"
LOCAL = "Quy chế thi đua, khen thưởng của tỉnh (quy định của địa phương, không phải của Luật)"


def reference_date(year: int) -> datetime.date:
    """The day whose rules judge a year's nominations: 31 December of the year."""
    return datetime.date(year, 12, 31)


def decree_on(day: datetime.date) -> str:
    """The decree detailing the Law in force on a day (Decree 98/2023 until 30 June 2025)."""
    return RuleVersion.Decree(law.decree_on(day))


decree_title_on = law.decree_title_on


def cite(article: str, *, confirmed: bool = False, local: bool = False) -> dict[str, Any]:
    return {"article": article, "confirmed": confirmed, "local": local}


def citations_for(code: str, decree: str, central: bool) -> dict[str, dict[str, Any]]:
    """The article behind each rule of an award (see docs/award-rules.md for the sources)."""
    d = f"Nghị định số {decree}/NĐ-CP"
    common = {
        "member": cite(f"{LAW}, Điều 25–27 (tập thể thuộc khối, cụm thi đua)"),
        "attest": cite(f"{d} (không xét khen thưởng khi đang bị kỷ luật, thanh tra, khiếu nại)"),
        "one_award": cite(
            f"{LAW}, Điều 5 khoản 2: không khen thưởng nhiều lần, nhiều hình thức cho một thành"
            " tích (nội dung đã đối chiếu; số điều chưa đối chiếu)"
        ),
        "acclaim": cite(f"{d} (khối, cụm suy tôn đơn vị dẫn đầu)"),
        "rank": cite(LOCAL, local=True),
        "band": cite(LOCAL, local=True),
        "per_block": cite(LOCAL, local=True),
    }
    own: dict[str, dict[str, dict[str, Any]]] = {
        "government-flag": {
            "leading": cite(f"{LAW}, Điều 25 khoản 2", confirmed=True)
            if central
            else cite(f"{LAW}, Điều 25 khoản 1", confirmed=True),
            "prerequisite": cite(f"{LAW}, Điều 25 khoản 1", confirmed=True),
            "cap": cite(f"{LETTER} (không quá 20% số đơn vị dẫn đầu các khối, cụm của tỉnh)"),
        },
        "provincial-flag": {"leading": cite(f"{LAW}, Điều 26")},
        "pm-certificate": {
            "years_well": cite(f"{LAW}, Điều 73 (tiêu chuẩn đối với tập thể)"),
            "earlier_award": cite(f"{LAW}, Điều 73 (tiêu chuẩn đối với tập thể)"),
        },
        "chairman-certificate": {"years_well": cite(f"{LAW}, Điều 74")},
        "excellent-labour": {"band": cite(f"{LAW}, Điều 27")},
        INDIVIDUAL_CERTIFICATE: {
            "proposed": cite(LOCAL, local=True),
            "serving": cite(LOCAL, local=True),
            # Confirmed against the Ministry of Home Affairs' published answer quoting point d.
            "years_well": cite(
                f"{LAW}, Điều 74 khoản 1 điểm d (02 năm liên tục trở lên hoàn thành xuất sắc"
                " nhiệm vụ, có 02 sáng kiến được công nhận trong thời gian đó)",
                confirmed=True,
            ),
            "attest": cite(
                f"{d} (không xét khen thưởng cá nhân đang bị kỷ luật, thanh tra, khiếu nại)"
            ),
        },
    }
    return {**common, **own.get(code, {})}


COPIED = ("candidates", "max_rank", "min_band", "max_per_block", "cap_percent", "attestations")


def fields_for(
    award: Any, decree: str, central: bool, codes: dict[int, str] | None = None
) -> tuple[dict[str, Any], dict[str, str | None]] | None:
    """The fields of a version of `award` for an authority's level under a decree: the award
    type's own configured rules (the global catalogue they come from), with what the level and
    the decree change; and the codes of the awards it refers to (prerequisite, earlier award,
    and a comma-separated `excludes`). None: the award is not in such a catalogue.

    Works on the model and on a migration's historical model alike."""
    code = award.code
    values: dict[str, Any] = {name: getattr(award, name) for name in COPIED}
    values["attestations"] = list(values["attestations"] or [])
    values["citations"] = citations_for(code, decree, central)
    values["requires_acclaim"] = code in ("provincial-flag", "government-flag")
    values["years_well"] = None
    refs: dict[str, str | None] = {
        "prerequisite": None,
        "earlier_award": None,
        "excludes": "",
    }
    if award.prerequisite_id:
        refs["prerequisite"] = (
            codes[award.prerequisite_id]
            if codes is not None
            else type(award).objects.get(pk=award.prerequisite_id).code
        )
    if central:
        # Art. 25(2): the leader of each cluster the Central Council organises is proposed for
        # the Government flag, with no 20 per cent and no provincial flag beneath it; the
        # provincial awards are not in the Central Council's catalogue.
        if code not in ("government-flag", "pm-certificate"):
            return None
        if code == "government-flag":
            values["cap_percent"] = None
            refs["prerequisite"] = None
        return values, refs
    if code == "provincial-flag" or code == "government-flag":
        refs["excludes"] = "chairman-certificate"
    elif code == "chairman-certificate":
        refs["excludes"] = "provincial-flag,government-flag"
    elif code == INDIVIDUAL_CERTIFICATE:
        # Art. 74(1)(d): two consecutive years or more completing tasks excellently.
        values["years_well"] = 2
    elif code == "pm-certificate":
        values["years_well"] = 5
        # "A lower award is not a prerequisite for a higher one" under Decree 152/2025
        # (DOMAIN §5): the earlier provincial certificate is asked for under 98/2023 only.
        refs["earlier_award"] = "chairman-certificate" if decree == D98 else None
    return values, refs


def default_version(
    authority: Authority,
    award: AwardType,
    decree: str,
    awards: list[AwardType] | None = None,
) -> RuleVersion | None:
    """An unsaved version holding the built-in defaults (see `fields_for`); give `awards` (every
    award type) to read none again."""
    central = authority.level == Authority.Level.CENTRAL
    awards = awards if awards is not None else list(AwardType.objects.all())
    by_code = {a.code: a for a in awards}
    found = fields_for(award, decree, central, {a.pk: a.code for a in awards})
    if found is None:
        return None
    values, refs = found
    start, end = PERIODS[decree]
    version = RuleVersion(
        authority=authority,
        award_type=award,
        decree=decree,
        valid_from=start,
        valid_until=end,
        prerequisite=by_code.get(refs["prerequisite"] or ""),
        earlier_award=by_code.get(refs["earlier_award"] or ""),
        **values,
    )
    version._default_excludes = [  # type: ignore[attr-defined]
        by_code[c].pk for c in (refs["excludes"] or "").split(",") if c in by_code
    ]
    return version


def excluded_ids(version: RuleVersion) -> list[int]:
    """The awards a unit may not also be proposed for, for the same year's achievement."""
    if version.pk is None:
        return list(getattr(version, "_default_excludes", []))
    return [a.pk for a in version.excludes.all()]


def version_for(
    authority: Authority,
    award: AwardType,
    year: int,
    *,
    rows: list[RuleVersion] | None = None,
    awards: list[AwardType] | None = None,
) -> RuleVersion | None:
    """The version of the award's rules that judges the authority's year (None: the award is not
    offered then). `rows` (the authority's versions) and `awards` spare the queries."""
    day = reference_date(year)
    if rows is None:
        rows = list(
            RuleVersion.objects.filter(authority=authority, award_type=award).prefetch_related(
                "excludes"
            )
        )
    rows = [r for r in rows if r.award_type_id == award.pk]
    if not rows:
        return default_version(authority, award, decree_on(day), awards)
    for row in rows:
        if row.valid_from <= day and (row.valid_until is None or day <= row.valid_until):
            return row if row.offered else None
    return None


def offered(authority: Authority, year: int) -> list[tuple[AwardType, RuleVersion]]:
    """The awards the authority's catalogue offers for a year, with their version."""
    found = []
    awards = list(AwardType.objects.all())
    rows = list(
        RuleVersion.objects.filter(authority=authority)
        .select_related("prerequisite", "earlier_award")
        .prefetch_related("excludes")
    )
    for award in awards:
        if not award.is_active:
            continue
        version = version_for(authority, award, year, rows=rows, awards=awards)
        if version is not None:
            found.append((award, version))
    return found


def citation(version: RuleVersion | None, code: str) -> dict[str, Any]:
    """The article a rule cites under a version (the attestations share one citation)."""
    if version is None:
        return cite("")
    key = "attest" if code.startswith("attest:") else code
    return dict(version.citations.get(key) or cite(LAW))
