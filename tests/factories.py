"""Factories for test data. Regions made here use province codes 00-09, which the real register does not use."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
