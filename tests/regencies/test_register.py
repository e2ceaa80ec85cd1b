import pytest
from django.core.management import call_command

from regencies.choices import RegencyKind
from regencies.models import Province, Regency
from regencies.register import kemendagri_register, sync_register
from tests.factories import ProvinceFactory, RegencyFactory, RegencyMembershipFactory

pytestmark = pytest.mark.django_db


def test_it_loads_the_whole_kemendagri_register(register):
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert Regency.objects.filter(kind=RegencyKind.KABUPATEN).count() == 416
    assert Regency.objects.filter(kind=RegencyKind.KOTA).count() == 98
    assert not Regency.objects.filter(is_active=False).exists()


def test_muara_enim_is_16_03_in_sumatera_selatan(register):
    muara_enim = Regency.objects.select_related("province").get(code="16.03")
    assert muara_enim.name == "Kabupaten Muara Enim"
    assert muara_enim.kind == RegencyKind.KABUPATEN
    assert muara_enim.slug == "kabupaten-muara-enim"
    assert (muara_enim.province.code, muara_enim.province.name) == ("16", "Sumatera Selatan")


def test_every_regency_code_starts_with_its_province_code(register):
    for code, province_code in Regency.objects.values_list("code", "province__code"):
        assert code.split(".")[0] == province_code


def test_running_load_regions_twice_changes_nothing(register, capsys):
    before = list(Regency.objects.order_by("code").values())
    call_command("load_regions")
    assert "tidak ada yang berubah" in capsys.readouterr().out
    assert list(Regency.objects.order_by("code").values()) == before
    report = sync_register(*kemendagri_register())
    assert report.is_empty


def test_it_restores_a_changed_name_and_reports_it(register, capsys):
    Regency.objects.filter(code="16.03").update(name="Kabupaten Lama", slug="kabupaten-lama")
    call_command("load_regions")
    out = capsys.readouterr().out
    assert "kabupaten/kota diubah: 1 (16.03)" in out
    regency = Regency.objects.get(code="16.03")
    assert (regency.name, regency.slug) == ("Kabupaten Muara Enim", "kabupaten-muara-enim")


def test_a_referenced_regency_survives_a_reload_that_drops_it(register, capsys):
    # 00.01 stands for a regency an older edition listed and the current one does not.
    dropped = RegencyFactory(code="00.01", province=ProvinceFactory(code="00"), slug="kabupaten-lama")
    RegencyMembershipFactory(regency=dropped)
    call_command("load_regions")
    out = capsys.readouterr().out
    dropped.refresh_from_db()
    assert not dropped.is_active
    assert not dropped.province.is_active
    assert "kabupaten/kota disimpan tetapi ditandai tidak aktif (masih dirujuk): 1 (00.01)" in out
    assert Regency.objects.active().count() == 514


def test_an_unreferenced_regency_that_leaves_the_register_is_deleted(register, capsys):
    RegencyFactory(code="00.02", province=ProvinceFactory(code="00"))
    call_command("load_regions")
    out = capsys.readouterr().out
    assert not Regency.objects.filter(code="00.02").exists()
    assert not Province.objects.filter(code="00").exists()
    assert "kabupaten/kota dihapus: 1 (00.02)" in out
    assert "provinsi dihapus: 1 (00)" in out


def test_a_regency_that_returns_to_the_register_is_reactivated(register):
    Regency.objects.filter(code="16.03").update(is_active=False)
    report = sync_register(*kemendagri_register())
    assert report.reactivated["regency"] == ["16.03"]
    assert Regency.objects.get(code="16.03").is_active


def test_a_new_regency_named_like_a_retired_one_gets_a_distinct_slug(register):
    provinces, regencies = kemendagri_register()
    retired = RegencyFactory(code="00.03", province=ProvinceFactory(code="00"), slug="kota-baru", name="Kota Baru")
    RegencyMembershipFactory(regency=retired)
    newcomer = regencies[0]._replace(code="11.99", name="Kota Baru", kind=RegencyKind.KOTA)
    sync_register(provinces, [*regencies, newcomer])
    assert Regency.objects.get(code="11.99").slug == "kota-baru-11-99"
    assert Regency.objects.get(code="00.03").slug == "kota-baru"
