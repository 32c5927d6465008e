"""Move the global award types into each authority's catalogue: for every authority, the rules
of each award in two dated versions (Decree 98/2023/NĐ-CP until 30 June 2025, Decree
152/2025/NĐ-CP from 1 July 2025), with the articles they cite (`awards.catalogue`). The award
types stay as the awards' identity; existing nominations and ballots keep working."""

from django.db import migrations

from awards.catalogue import PERIODS, fields_for


def create(apps, schema_editor):
    Authority = apps.get_model("blocks", "Authority")
    AwardType = apps.get_model("awards", "AwardType")
    RuleVersion = apps.get_model("awards", "RuleVersion")
    by_code = {a.code: a for a in AwardType.objects.all()}
    for authority in Authority.objects.all():
        central = authority.level == "central"
        for award in by_code.values():
            for decree, (start, end) in PERIODS.items():
                found = fields_for(award, str(decree), central)
                if found is None:
                    continue
                values, refs = found
                version, created = RuleVersion.objects.get_or_create(
                    authority=authority,
                    award_type=award,
                    valid_from=start,
                    defaults={
                        **values,
                        "decree": str(decree),
                        "valid_until": end,
                        "prerequisite": by_code.get(refs["prerequisite"] or ""),
                        "earlier_award": by_code.get(refs["earlier_award"] or ""),
                    },
                )
                if created:
                    excludes = (refs["excludes"] or "").split(",")
                    version.excludes.set([by_code[c] for c in excludes if c in by_code])


class Migration(migrations.Migration):
    dependencies = [("awards", "0008_award_catalogue")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
