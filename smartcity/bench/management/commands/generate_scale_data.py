import time

from django.core.management.base import BaseCommand, CommandError

from mou.models import MoU
from regencies.models import Regency
from smartcity.bench.scale_data import SOURCE_NOTE, ScaleData


def scale(value):
    number = float(value)
    if not 0 < number <= 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Make a national-scale demo dataset for benchmarks: at --scale 1 every regency a member, two plan versions "
        "each, 60 programmes per approved plan and ten years of quarterly progress (about 1.2 million rows). "
        "Deterministic for a --seed; run it on a database with the register (load_regions) and no scale data yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=scale, default=1.0, help="share of the 514 regencies, above 0, up to 1")
        parser.add_argument("--seed", type=int, default=100, help="random seed (the same seed, the same data)")

    def handle(self, scale, seed, **options):
        if not Regency.objects.exists():
            raise CommandError("The register is empty: run load_regions (and load_programme) first.")
        if MoU.objects.filter(source=SOURCE_NOTE).exists():
            raise CommandError("This database has scale data already: use a fresh database for another scale.")
        started = time.perf_counter()
        counts = ScaleData(scale, seed).generate()
        seconds = time.perf_counter() - started
        made = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(f"DEMO scale data (scale {scale:g}, seed {seed}): {made} in {seconds:.1f} s.")
