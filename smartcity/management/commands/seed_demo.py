import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from regencies.models import Regency, RegencyMembership
from smartcity import roles

# username, full name, role, regency codes, staff/superuser
DEMO_USERS = [
    ("demo-admin", ("Demo", "Admin Kementerian"), roles.MINISTRY_ADMIN, [], True),
    ("demo-reviewer", ("Demo", "Reviewer Kementerian"), roles.MINISTRY_REVIEWER, [], False),
    ("demo-officer", ("Demo", "Petugas Muara Enim"), roles.REGENCY_OFFICER, ["16.03"], False),
    ("demo-officer-makassar", ("Demo", "Petugas Makassar"), roles.REGENCY_OFFICER, ["73.71"], False),
    ("demo-partner", ("Demo", "Mitra"), roles.PARTNER, [], False),
]


class Command(BaseCommand):
    help = (
        "Create the demo dataset: one demo account per role, marked as demo, with fresh passwords printed here. "
        "Needs the register (load_regions). Refuses to run with DEBUG off unless --allow-production is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="Run even though DEBUG is off.")

    @transaction.atomic
    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Demo accounts are for development: set DEBUG=true or pass --allow-production.")
        codes = {code for *_, regency_codes, _ in DEMO_USERS for code in regency_codes}
        regencies = Regency.objects.in_bulk(codes, field_name="code")
        if missing := codes - set(regencies):
            raise CommandError(f"Regencies {sorted(missing)} are not in the register: run load_regions first.")

        demo_group, _ = Group.objects.get_or_create(name=roles.DEMO_ACCOUNTS)
        role_groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
        User = get_user_model()
        self.stdout.write(self.style.WARNING("DEMO ACCOUNTS (demo data, not real people); passwords are new each run:"))
        for username, (first, last), role, regency_codes, staff in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@demo.invalid"
            user.is_staff = user.is_superuser = staff
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
            user.groups.set([role_groups[role], demo_group])
            for code in regency_codes:
                RegencyMembership.objects.get_or_create(user=user, regency=regencies[code])
            where = f" ({', '.join(regency_codes)})" if regency_codes else ""
            self.stdout.write(f"  {role + where:<32} {username:<24} {password}")
