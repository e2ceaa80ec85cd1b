from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mou import programme
from mou.models import Cohort, Goal, MoU, SigningEvent
from regencies.models import Regency


class Command(BaseCommand):
    help = "Load the programme's real records (goal, cohorts, signing events, known MoUs) with their sources."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for goal in programme.GOALS:
            created += Goal.objects.update_or_create(name=goal["name"], defaults=goal)[1]
        cohorts = {}
        for data in programme.COHORTS:
            cohorts[data["year"]], new = Cohort.objects.update_or_create(year=data["year"], defaults=data)
            created += new
        events = {}
        for data in programme.EVENTS:
            data = {**data, "cohort": cohorts[data["cohort"]]}
            events[data["date"]], new = SigningEvent.objects.update_or_create(
                cohort=data["cohort"], date=data["date"], defaults=data
            )
            created += new
        for data in programme.MOUS:
            try:
                regency = Regency.objects.get(code=data["regency"])
            except Regency.DoesNotExist as exc:
                raise CommandError(
                    f"Regency {data['regency']} is not in the register: run load_regions first."
                ) from exc
            defaults = {**data, "regency": regency, "cohort": cohorts[data["cohort"]], "event": events[data["event"]]}
            mou = MoU.objects.filter(regency=regency, cohort=defaults["cohort"], is_demo=False).first()
            if mou is None:
                mou = MoU(is_demo=False)
                created += 1
            elif all(getattr(mou, name) == value for name, value in defaults.items()):
                continue  # unchanged: no save, so no empty entry in its history
            for name, value in defaults.items():
                setattr(mou, name, value)
            mou.full_clean(exclude=["document"])
            with translation.override(settings.LANGUAGE_CODE):
                mou._change_reason = _("Loaded from the programme's source records")
            mou.save()
        self.stdout.write(
            self.style.SUCCESS(
                _("Programme records: %(goals)d goal(s), %(cohorts)d cohorts, %(events)d events, %(mous)d MoU(s).")
                % {
                    "goals": len(programme.GOALS),
                    "cohorts": len(programme.COHORTS),
                    "events": len(programme.EVENTS),
                    "mous": len(programme.MOUS),
                }
            )
        )
        self.stdout.write(_("New records: %(new)d.") % {"new": created})
