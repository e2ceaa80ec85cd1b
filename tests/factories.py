"""Factories for test data. Regions made here use province codes 00-09, which the real register does not use."""

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from pypdf import PdfWriter

from masterplans.choices import FundingSource, Horizon
from masterplans.models import Dimension, MasterPlan, Programme
from mou.models import Cohort, MoU
from regencies.choices import RegencyKind
from regencies.models import Province, Regency, RegencyMembership


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 10:02d}")
    name = factory.LazyAttribute(lambda o: f"Provinsi Uji {o.code}")


class RegencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regency

    province = factory.SubFactory(ProvinceFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.province.code}.{n % 100:02d}")
    kind = RegencyKind.KABUPATEN
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.kind.title()} Uji {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"uji-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class RegencyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegencyMembership

    user = factory.SubFactory(UserFactory)
    regency = factory.SubFactory(RegencyFactory)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ["year"]

    year = 2018
    target = 50
    label = factory.LazyAttribute(lambda o: f"Angkatan {o.year}")


class MoUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoU

    regency = factory.SubFactory(RegencyFactory)
    cohort = factory.SubFactory(CohortFactory)
    signed_on = factory.LazyAttribute(lambda o: datetime.date(o.cohort.year, 5, 8))
    ministry_number = factory.Sequence(lambda n: f"{n:03d}/KOMINFO/2018")
    regency_signatory_name = "Bupati Uji"


def pdf_bytes(pages=1):
    """A real, minimal PDF document."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def mous_for(regencies, cohort, **kwargs):
    """One MoU per regency, in a single INSERT, for tests that need many."""
    signed_on = datetime.date(cohort.year, 5, 8)
    return MoU.objects.bulk_create([MoU(regency=r, cohort=cohort, signed_on=signed_on, **kwargs) for r in regencies])


class MasterPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan of the MoU's regency, 2019-2023."""

    class Meta:
        model = MasterPlan

    mou = factory.SubFactory(MoUFactory)
    regency = factory.SelfAttribute("mou.regency")
    title = factory.LazyAttribute(lambda o: f"Masterplan Smart City {o.regency.name}")
    start_year = 2019
    end_year = 2023
    version = 1


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    plan = factory.SubFactory(MasterPlanFactory)
    dimension = factory.LazyFunction(lambda: Dimension.objects.order_by("order").first())
    name = factory.Sequence(lambda n: f"Program {n}")
    horizon = Horizon.SHORT
    start_year = factory.SelfAttribute("plan.start_year")
    end_year = factory.SelfAttribute("plan.end_year")
    budget = 1_000_000_000
    funding_source = FundingSource.APBD
    agency = "Dinas Komunikasi dan Informatika"


def complete_plan(plan, programmes_per_dimension=1):
    """Give ``plan`` what submission needs: a main document and a programme in every dimension, one a quick win."""
    plan.main_document.save("plan.pdf", ContentFile(pdf_bytes()), save=True)
    programmes = [
        Programme(
            plan=plan,
            dimension=dimension,
            name=f"{dimension.name_en} {n + 1}",
            horizon=Horizon.QUICK_WIN if index == 0 and n == 0 else Horizon.MEDIUM,
            is_quick_win=index == 0 and n == 0,
            start_year=plan.start_year,
            end_year=plan.end_year,
            budget=(index + 1) * 1_000_000_000,
            funding_source=FundingSource.APBD,
            agency="Diskominfo",
        )
        for index, dimension in enumerate(Dimension.objects.order_by("order"))
        for n in range(programmes_per_dimension)
    ]
    return Programme.objects.bulk_create(programmes)
