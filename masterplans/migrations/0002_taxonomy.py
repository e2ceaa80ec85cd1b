"""The six dimensions of the programme's master plans and their sub-dimensions, as Kominfo's guidance for the
Gerakan Menuju 100 Smart City lists them. Staff edit them afterwards in the admin site; this only seeds them."""

from django.db import migrations

TAXONOMY = [
    (
        "governance",
        "Smart Governance",
        "Smart Governance",
        [
            ("public-services", "Pelayanan publik", "Public services"),
            ("bureaucratic-management", "Manajemen birokrasi", "Bureaucratic management"),
            ("public-policy", "Kebijakan publik", "Public policy"),
        ],
    ),
    (
        "branding",
        "Smart Branding",
        "Smart Branding",
        [
            ("tourism", "Pariwisata", "Tourism"),
            ("business", "Bisnis", "Business"),
            ("city-appearance", "Wajah kota", "City appearance"),
        ],
    ),
    (
        "economy",
        "Smart Economy",
        "Smart Economy",
        [
            ("industry", "Industri", "Industry"),
            ("welfare", "Kesejahteraan rakyat", "People's welfare"),
            ("financial-ecosystem", "Ekosistem transaksi keuangan", "Financial transaction ecosystem"),
        ],
    ),
    (
        "living",
        "Smart Living",
        "Smart Living",
        [
            ("spatial-planning", "Harmonisasi tata ruang wilayah", "Spatial planning"),
            ("health", "Kesehatan", "Health"),
            ("transport", "Sarana transportasi", "Transport"),
        ],
    ),
    (
        "society",
        "Smart Society",
        "Smart Society",
        [
            ("community", "Komunitas masyarakat", "Community"),
            ("learning", "Ekosistem belajar", "Learning ecosystem"),
            ("security", "Sistem keamanan", "Public safety"),
        ],
    ),
    (
        "environment",
        "Smart Environment",
        "Smart Environment",
        [
            ("environmental-protection", "Proteksi lingkungan", "Environmental protection"),
            ("waste", "Tata kelola sampah dan limbah", "Waste management"),
            ("energy", "Tata kelola energi", "Energy management"),
        ],
    ),
]


def load(apps, schema_editor):
    Dimension = apps.get_model("masterplans", "Dimension")
    SubDimension = apps.get_model("masterplans", "SubDimension")
    for order, (code, name_id, name_en, subs) in enumerate(TAXONOMY, start=1):
        dimension, _ = Dimension.objects.get_or_create(
            code=code, defaults={"name_id": name_id, "name_en": name_en, "order": order}
        )
        for sub_order, (sub_code, sub_id, sub_en) in enumerate(subs, start=1):
            SubDimension.objects.get_or_create(
                dimension=dimension, code=sub_code, defaults={"name_id": sub_id, "name_en": sub_en, "order": sub_order}
            )


class Migration(migrations.Migration):
    dependencies = [("masterplans", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
