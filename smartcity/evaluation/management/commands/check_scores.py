from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from smartcity.evaluation.models import Score
from smartcity.evaluation.scores import stored_differences


class Command(BaseCommand):
    help = "Compute every stored evaluation score again from the stored confirmed values and its weighting."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only the scores of this round's year.")

    def handle(self, *args, year=None, **options):
        scores = Score.objects.all()
        if year is not None:
            scores = scores.filter(assessment__round__year=year)
        checked = scores.count()
        differences = stored_differences(scores)
        for score, changed in differences:
            details = ", ".join(f"{name} {stored} ≠ {fresh}" for name, (stored, fresh) in changed.items())
            self.stderr.write(f"{score.assessment}: {details}")
        if differences:
            raise CommandError(
                _("%(count)d of %(checked)d stored score(s) differ from the same score computed again.")
                % {"count": len(differences), "checked": checked}
            )
        self.stdout.write(
            self.style.SUCCESS(_("All %(checked)d stored score(s) computed again identically.") % {"checked": checked})
        )
