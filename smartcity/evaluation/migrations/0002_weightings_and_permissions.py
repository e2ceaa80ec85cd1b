"""The two published weightings of the achievement index (Indeks Pencapaian), as versions of one edition, and the
roles' permissions. Each part has one criterion that says what the part measures, as the sources define it;
ministry admins add finer criteria in a new version. Only seeds them: staff edit unlocked weightings afterwards."""

from importlib import import_module

from django.db import migrations

role_permissions = import_module("smartcity.migrations.0002_role_permissions")

TITLE = "Indeks Pencapaian Gerakan Menuju 100 Smart City"
CRITERIA = {
    "baseline": ("perbaikan", "Peningkatan dibanding evaluasi sebelumnya", "Improvement on the previous evaluation"),
    "output": ("fondasi", "Fondasi: kebijakan, kelembagaan dan anggaran", "Foundation: policy, institutions, budget"),
    "outcome": ("keterlaksanaan", "Keterlaksanaan program masterplan", "How far the master plan's programmes are done"),
    "impact": ("manfaat", "Manfaat yang dirasakan warga", "The benefit citizens feel"),
    "quick_win": ("inovasi", "Inovasi program quick win", "The innovation of the quick-win programmes"),
}
WEIGHTINGS = [
    (
        1,
        {"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 10},
        "The 2018 evaluation guideline of the Gerakan Menuju 100 Smart City, and later regency reports that cite "
        "it: baseline 10%, output 20%, outcome 30%, impact 30%, quick win 10% (as the portal's issue 17 records "
        "them). Baseline is the improvement on the previous evaluation; output the foundation (policy, "
        "institutions, budget); outcome how far the master plan's programmes are carried out; impact the benefit "
        "citizens feel; quick win the innovation of the quick-win programmes.",
    ),
    (
        2,
        {"baseline": 10, "output": 20, "outcome": 30, "impact": 20, "quick_win": 20},
        "A 2022 regency evaluation report: outcome 30%, impact 20%, quick win 20%, with baseline (10%) and output "
        "(20%) unchanged from the 2018 guideline (as the portal's issue 17 records them).",
    ),
]
GRANTS = {
    "Ministry admin": [
        "evaluation.view_assessment",
        "evaluation.manage_round",
        "evaluation.view_weighting",
        "evaluation.add_weighting",
        "evaluation.change_weighting",
    ],
    "Ministry reviewer": ["evaluation.view_assessment", "evaluation.assess_assessment", "evaluation.view_weighting"],
}


def load(apps, schema_editor):
    Weighting = apps.get_model("evaluation", "Weighting")
    Part = apps.get_model("evaluation", "Part")
    Criterion = apps.get_model("evaluation", "Criterion")
    for version, weights, source in WEIGHTINGS:
        weighting, created = Weighting.objects.get_or_create(title=TITLE, version=version, defaults={"source": source})
        if not created:
            continue
        for order, (kind, weight) in enumerate(weights.items()):
            part = Part.objects.create(weighting=weighting, kind=kind, weight=weight)
            code, name_id, name_en = CRITERIA[kind]
            Criterion.objects.create(part=part, code=code, name_id=name_id, name_en=name_en, weight=100, order=order)
    role_permissions.grant_permissions(apps, GRANTS)


def unload(apps, schema_editor):
    role_permissions.revoke_permissions(apps, GRANTS)
    apps.get_model("evaluation", "Weighting").objects.filter(title=TITLE, rounds__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
        ("smartcity", "0009_move_tokens_and_reports"),
    ]

    operations = [migrations.RunPython(load, unload)]
