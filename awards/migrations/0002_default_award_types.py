"""The award types of DOMAIN §5 with their default rules (configurable afterwards)."""

from django.db import migrations

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
DECREE = "Nghị định số 152/2025/NĐ-CP quy định chi tiết Luật Thi đua, khen thưởng"
ALL = ["no_discipline", "no_inspection", "no_complaint"]

DEFAULTS = [
    {
        "code": "provincial-flag",
        "name_vi": "Cờ thi đua của Ủy ban nhân dân tỉnh",
        "name_en": "Provincial Emulation Flag",
        "level": "provincial",
        "decided_by": "Chủ tịch Ủy ban nhân dân tỉnh",
        "candidates": "leading",
        "min_band": 1,
        "max_per_block": 1,
        "approval_numerator": 1,
        "approval_denominator": 2,
        "approval_strict": True,
        "legal_basis": f"{LAW}; {DECREE}; quy chế hoạt động của Khối thi đua",
        "position": 10,
    },
    {
        "code": "government-flag",
        "name_vi": "Cờ thi đua của Chính phủ",
        "name_en": "Government Emulation Flag",
        "level": "government",
        "decided_by": "Thủ tướng Chính phủ (qua Bộ Nội vụ)",
        "candidates": "leading",
        "min_band": 1,
        "max_per_block": 1,
        "cap_percent": 20,
        "prerequisite": "provincial-flag",
        "approval_numerator": 2,
        "approval_denominator": 3,
        "approval_strict": False,
        "legal_basis": f"{LAW}; {DECREE} (đề nghị không quá 20% số đơn vị dẫn đầu các khối)",
        "position": 20,
    },
    {
        "code": "pm-certificate",
        "name_vi": "Bằng khen của Thủ tướng Chính phủ",
        "name_en": "Prime Minister's Certificate of Merit",
        "level": "government",
        "decided_by": "Thủ tướng Chính phủ",
        "candidates": "ranked",
        "max_rank": 3,
        "min_band": 1,
        "max_per_block": 1,
        "approval_numerator": 2,
        "approval_denominator": 3,
        "approval_strict": False,
        "legal_basis": f"{LAW}; {DECREE}",
        "position": 30,
    },
    {
        "code": "chairman-certificate",
        "name_vi": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "name_en": "Chairman's Certificate of Merit",
        "level": "provincial",
        "decided_by": "Chủ tịch Ủy ban nhân dân tỉnh",
        "candidates": "ranked",
        "max_rank": 4,
        "min_band": 1,
        "max_per_block": 3,
        "approval_numerator": 1,
        "approval_denominator": 2,
        "approval_strict": True,
        "legal_basis": f"{LAW}; {DECREE}; quy chế hoạt động của Khối thi đua",
        "position": 40,
    },
    {
        "code": "excellent-labour",
        "name_vi": "Tập thể lao động xuất sắc",
        "name_en": "Excellent Labour Collective",
        "level": "provincial",
        "decided_by": "Chủ tịch Ủy ban nhân dân tỉnh",
        "candidates": "members",
        "min_band": 1,
        "approval_numerator": 1,
        "approval_denominator": 2,
        "approval_strict": True,
        "legal_basis": f"{LAW}; {DECREE} (100% thành viên hoàn thành nhiệm vụ, ít nhất 70% đạt"
        " “Lao động tiên tiến”, có cá nhân đạt “Chiến sĩ thi đua cơ sở”)",
        "position": 50,
    },
]


def create(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    by_code = {}
    for values in DEFAULTS:
        values = dict(values)
        prerequisite = values.pop("prerequisite", None)
        award, _created = AwardType.objects.get_or_create(
            code=values["code"],
            defaults={**values, "attestations": ALL, "prerequisite": by_code.get(prerequisite)},
        )
        by_code[award.code] = award


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
