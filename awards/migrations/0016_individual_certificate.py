"""The Chairman's certificate of merit for an individual (Law 06/2022/QH15 Art. 74): an award
type for people their units propose, and its rules in each provincial authority's catalogue in
the two dated versions (Decree 98/2023/NĐ-CP, Decree 152/2025/NĐ-CP), as `awards.catalogue`
gives them; the council edits them afterwards."""

from django.db import migrations

from awards.catalogue import INDIVIDUAL_CERTIFICATE, PERIODS, fields_for

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
DECREE = "Nghị định số 152/2025/NĐ-CP quy định chi tiết Luật Thi đua, khen thưởng"

AWARD = {
    "code": INDIVIDUAL_CERTIFICATE,
    "name_vi": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (cá nhân)",
    "name_en": "Chairman's Certificate of Merit (individual)",
    "level": "provincial",
    "subject": "individual",
    "decided_by": "Chủ tịch Ủy ban nhân dân tỉnh",
    "candidates": "proposed",
    "max_per_block": 3,
    "approval_numerator": 1,
    "approval_denominator": 2,
    "approval_strict": True,
    "attestations": ["tasks_excellent_years", "no_discipline", "no_inspection", "no_complaint"],
    "legal_basis": f"{LAW}, Điều 74; {DECREE}; quy chế hoạt động của Khối thi đua",
    "position": 45,
}


def create(apps, schema_editor):
    Authority = apps.get_model("blocks", "Authority")
    AwardType = apps.get_model("awards", "AwardType")
    RuleVersion = apps.get_model("awards", "RuleVersion")
    award, _created = AwardType.objects.get_or_create(code=AWARD["code"], defaults=AWARD)
    for authority in Authority.objects.all():
        for decree, (start, end) in PERIODS.items():
            found = fields_for(award, str(decree), authority.level == "central")
            if found is None:
                continue
            values, _refs = found
            RuleVersion.objects.get_or_create(
                authority=authority,
                award_type=award,
                valid_from=start,
                defaults={**values, "decree": str(decree), "valid_until": end},
            )


def remove(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    RuleVersion = apps.get_model("awards", "RuleVersion")
    RuleVersion.objects.filter(award_type__code=AWARD["code"]).delete()
    AwardType.objects.filter(code=AWARD["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0015_individuals")]

    operations = [migrations.RunPython(create, remove)]
