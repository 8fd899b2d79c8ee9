"""Give every committee that exists already the seed's cadence rules (new ones get them on creation)."""

from pathlib import Path

import yaml
from django.db import migrations

SEED_RULES = Path(__file__).resolve().parents[2] / "org" / "data" / "seed_rules.yaml"
FIELDS = ("name", "source", "kinds", "study", "scope", "measure", "minimum", "period")


def install(apps, schema_editor):
    Committee = apps.get_model("org", "Committee")
    CadenceRule = apps.get_model("activities", "CadenceRule")
    rules = yaml.safe_load(SEED_RULES.read_text("utf-8"))
    for committee in Committee.objects.all():
        have = set(CadenceRule.objects.filter(committee=committee).values_list("name", flat=True))
        CadenceRule.objects.bulk_create(
            CadenceRule(committee=committee, **{f: rule.get(f, "") for f in FIELDS})
            for rule in rules
            if rule["name"] not in have
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_cadence_leave_signin")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
