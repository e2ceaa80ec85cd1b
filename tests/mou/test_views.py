import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mou.choices import MoUStatus
from mou.models import Cohort, MoU
from mou.services import end_mou
from mou.validators import MAX_DOCUMENT_SIZE
from regencies.models import Regency
from tests.factories import mous_for, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def staff_client(client, english, ministry_admin):
    client.force_login(ministry_admin)
    return client


def muara_enim_mou():
    return MoU.objects.get(regency__code="16.03")


def new_mou_data(**overrides):
    data = {
        "regency": Regency.objects.get(code="73.71").pk,
        "cohort": Cohort.objects.get(year=2017).pk,
        "signed_on": "2017-05-22",
        "ministry_number": "123/KOMINFO/05/2017",
        "regency_number": "045/PEMKOT/2017",
        "regency_signatory_name": "Ir. H. Mohammad Ramdhan Pomanto",
        "regency_signatory_title": "Wali Kota Makassar",
    }
    return {**data, **overrides}


def staff_urls():
    mou = muara_enim_mou()
    return [
        reverse("mou:mou-list"),
        reverse("mou:mou-create"),
        reverse("mou:mou-detail", args=[mou.pk]),
        reverse("mou:mou-update", args=[mou.pk]),
        reverse("mou:mou-end", args=[mou.pk]),
        reverse("mou:mou-import"),
        reverse("mou:mou-export", args=["csv"]),
        reverse("mou:cohort-list"),
        reverse("mou:cohort-detail", args=[2018]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_staff_pages(client, programme):
    for url in staff_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["officer", "partner"])
def test_officers_and_partners_are_refused_staff_pages(client, programme, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in staff_urls():
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("mou:mou-create"), new_mou_data()).status_code == 403
    assert not MoU.objects.filter(regency__code="73.71").exists()


@pytest.mark.parametrize("persona", ["ministry_admin", "reviewer"])
def test_ministry_admins_and_reviewers_open_staff_pages(client, programme, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in staff_urls():
        assert client.get(url).status_code == 200, url


def test_staff_record_an_mou_with_its_scan_and_see_its_history(
    staff_client, programme, ministry_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")
    response = staff_client.post(reverse("mou:mou-create"), new_mou_data(document=document), follow=True)
    mou = MoU.objects.get(regency__code="73.71")
    assert response.redirect_chain[-1][0] == mou.get_absolute_url()
    assert "The MoU of Kota Makassar" in response.content.decode()
    assert mou.document.name.startswith("mou/documents/") and mou.document.name.endswith(".pdf")
    assert "scan" not in mou.document.name
    assert (tmp_path / mou.document.name).read_bytes()[:5] == b"%PDF-"
    record = mou.history.get()
    assert (record.history_type, record.history_user) == ("+", ministry_admin)
    assert "admin" in response.content.decode()


def test_staff_edit_and_the_history_shows_what_changed(staff_client, programme, ministry_admin):
    mou = muara_enim_mou()
    data = {
        "cohort": mou.cohort.pk,
        "event": mou.event.pk,
        "signed_on": "2018-05-08",
        "ministry_number": "B-123/KOMINFO/DJAI/HK.03.01/05/2018",
        "regency_signatory_name": mou.regency_signatory_name,
        "regency_signatory_title": mou.regency_signatory_title,
        "note": mou.note,
        "source": mou.source,
    }
    response = staff_client.post(reverse("mou:mou-update", args=[mou.pk]), data, follow=True)
    assert response.status_code == 200
    mou.refresh_from_db()
    assert mou.ministry_number == "B-123/KOMINFO/DJAI/HK.03.01/05/2018"
    assert mou.regency.code == "16.03"
    content = response.content.decode()
    assert "document number</strong>: — &rarr; B-123/KOMINFO/DJAI/HK.03.01/05/2018" in content
    assert mou.history.first().history_user == ministry_admin


def test_the_regency_of_a_recorded_mou_cannot_be_switched(staff_client, programme):
    mou = muara_enim_mou()
    data = {"regency": Regency.objects.get(code="73.71").pk, "cohort": mou.cohort.pk, "signed_on": "2018-05-08"}
    staff_client.post(reverse("mou:mou-update", args=[mou.pk]), data)
    mou.refresh_from_db()
    assert mou.regency.code == "16.03"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"regency": "16.03", "cohort": 2018, "signed_on": "2018-05-08"}, "regency", "already has an active MoU"),
        ({"signed_on": "2031-01-01"}, "signed_on", "cannot be in the future"),
        ({"signed_on": "2018-05-08"}, "cohort", "does not match"),
        ({"signed_on": "2018-02-30"}, "signed_on", "valid date"),
        ({"document": ("scan.pdf", b"MZ\x90\x00 not a pdf at all")}, "document", "not a PDF"),
        ({"document": ("scan.pdf", b"%PDF-1.7\n garbage without pages")}, "document", "damaged or has no pages"),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_saves_nothing(staff_client, programme, overrides, field, message):
    data = new_mou_data()
    for name, value in overrides.items():
        if name == "regency":
            value = Regency.objects.get(code=value).pk
        elif name == "cohort":
            value = Cohort.objects.get(year=value).pk
        elif name == "document":
            value = SimpleUploadedFile(value[0], value[1], content_type="application/pdf")
        data[name] = value
    before = MoU.objects.count(), MoU.history.count()
    response = staff_client.post(reverse("mou:mou-create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert (MoU.objects.count(), MoU.history.count()) == before


def test_an_oversized_scan_is_refused(staff_client, programme):
    big = SimpleUploadedFile("scan.pdf", pdf_bytes() + b"\0" * MAX_DOCUMENT_SIZE, content_type="application/pdf")
    response = staff_client.post(reverse("mou:mou-create"), new_mou_data(document=big))
    assert "larger than 20" in " ".join(response.context["form"].errors["document"])
    assert not MoU.objects.filter(regency__code="73.71").exists()


def test_staff_end_an_mou_with_a_reason_kept_in_history(staff_client, programme):
    mou = muara_enim_mou()
    url = reverse("mou:mou-end", args=[mou.pk])
    response = staff_client.post(url, {"status": "terminated", "ended_on": "2024-01-31", "reason": "Regional merger"})
    assert response.status_code == 302
    mou.refresh_from_db()
    assert (mou.status, mou.ended_on) == (MoUStatus.TERMINATED, datetime.date(2024, 1, 31))
    detail = staff_client.get(mou.get_absolute_url()).content.decode()
    assert "Regional merger" in detail
    again = staff_client.post(url, {"status": "expired", "ended_on": "2024-02-01", "reason": "again"})
    assert "already ended" in again.content.decode()


def test_ending_before_signing_is_refused_on_the_field(staff_client, programme):
    mou = muara_enim_mou()
    response = staff_client.post(
        reverse("mou:mou-end", args=[mou.pk]), {"status": "expired", "ended_on": "2018-01-01", "reason": "x"}
    )
    assert "before it is signed" in " ".join(response.context["form"].errors["ended_on"])
    mou.refresh_from_db()
    assert mou.status == MoUStatus.ACTIVE


@pytest.fixture
def mou_with_document(programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mou = muara_enim_mou()
    mou.document = SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")
    mou.save()
    return mou


def test_staff_download_the_scan(client, reviewer, mou_with_document):
    client.force_login(reviewer)
    response = client.get(reverse("mou:mou-document", args=[mou_with_document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="mou-16.03-20180508.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


@pytest.mark.parametrize("persona", [None, "officer", "partner"])
def test_others_get_404_for_the_scan(client, mou_with_document, persona, request):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("mou:mou-document", args=[mou_with_document.pk])).status_code == 404


def test_the_scan_is_not_served_from_media_urls(client, reviewer, mou_with_document):
    client.force_login(reviewer)
    assert client.get(f"/media/{mou_with_document.document.name}").status_code == 404


def test_list_filters_and_sorts(staff_client, demo):
    url = reverse("mou:mou-list")
    response = staff_client.get(url, {"cohort": 2018, "demo": "real"})
    assert [m.regency.code for m in response.context["mous"]] == ["16.03"]
    response = staff_client.get(url, {"province": "16", "sort": "code"})
    codes = [m.regency.code for m in response.context["mous"]]
    assert codes == sorted(codes) and "16.03" in codes
    response = staff_client.get(url, {"q": "muzakir"})
    assert [m.regency.code for m in response.context["mous"]] == ["16.03"]
    response = staff_client.get(url, {"signed_from": "2019-01-01", "signed_to": "2019-12-31"})
    assert response.context["paginator"].count == 25
    response = staff_client.get(url, {"status": "expired"})
    assert response.context["paginator"].count == 0
    response = staff_client.get(url, {"sort": "-signed"})
    assert response.context["mous"][0].signed_on == datetime.date(2019, 5, 15)
    assert "DEMO" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cohort": "1999"}, "Unknown cohort: 1999."),
        ({"status": "asleep"}, "Unknown status: asleep."),
        ({"signed_from": "2019-02-30"}, "Enter a valid date."),
        ({"signed_from": "2019-06-01", "signed_to": "2019-01-01"}, "before its start"),
        ({"sort": "bogus"}, "Select a valid choice"),
        ({"cohrt": "2018"}, "Unknown filter parameter: cohrt."),
    ],
)
def test_bad_list_filters_answer_400(staff_client, programme, params, message):
    response = staff_client.get(reverse("mou:mou-list"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_cohort_page_lists_members_and_events(staff_client, demo):
    response = staff_client.get(reverse("mou:cohort-detail", args=[2018]))
    content = response.content.decode()
    assert len(response.context["mous"]) == 50
    assert "Hotel Redtop Convention Center" in content
    assert "Kabupaten Muara Enim" in content
    listing = staff_client.get(reverse("mou:cohort-list"))
    row = next(c for c in listing.context["cohorts"] if c.year == 2018)
    assert (row.real_members, row.demo_members, row.target) == (1, 49, 50)


def test_unknown_cohort_page_is_404(staff_client, programme):
    assert staff_client.get(reverse("mou:cohort-detail", args=[1999])).status_code == 404


@pytest.fixture(params=[10, 500])
def many_mous(request, programme):
    regencies = list(Regency.objects.exclude(code="16.03").order_by("code")[: request.param - 1])
    mous_for(regencies, Cohort.objects.get(year=2018), is_demo=True)
    return request.param


def test_mou_list_query_count_does_not_grow_with_data(staff_client, many_mous, django_assert_num_queries):
    assert MoU.objects.count() == many_mous
    with django_assert_num_queries(11):
        response = staff_client.get(reverse("mou:mou-list"), {"cohort": "2018", "sort": "code"})
    assert response.status_code == 200


def test_cohort_list_query_count_does_not_grow_with_data(staff_client, many_mous, django_assert_num_queries):
    with django_assert_num_queries(8):  # with the goals below the cohorts
        assert staff_client.get(reverse("mou:cohort-list")).status_code == 200


def test_cohort_counts_are_not_multiplied_by_its_events(staff_client, demo):
    cohort = Cohort.objects.get(year=2018)
    cohort.events.create(date=datetime.date(2018, 5, 9), title="Second signing day")
    listing = staff_client.get(reverse("mou:cohort-list"))
    row = next(c for c in listing.context["cohorts"] if c.year == 2018)
    assert (row.real_members, row.demo_members, row.event_count) == (1, 49, 2)


def test_an_unknown_mou_is_404_for_staff_and_a_sign_in_for_visitors(client, ministry_admin, programme):
    url = reverse("mou:mou-end", args=[999999])
    assert client.get(url).status_code == 302
    client.force_login(ministry_admin)
    assert client.get(url).status_code == 404
    assert client.get(reverse("mou:mou-detail", args=[999999])).status_code == 404


def test_editing_an_ended_mou_into_an_impossible_state_is_a_form_error(staff_client, programme):
    mou = muara_enim_mou()
    end_mou(mou.pk, status=MoUStatus.EXPIRED, ended_on=datetime.date(2020, 1, 1), reason="Expired")
    data = {"cohort": mou.cohort.pk, "signed_on": "2021-05-08"}
    response = staff_client.post(reverse("mou:mou-update", args=[mou.pk]), data)
    assert response.status_code == 200
    assert "before it is signed" in " ".join(response.context["form"].non_field_errors())
    mou.refresh_from_db()
    assert mou.signed_on == datetime.date(2018, 5, 8)


def test_the_mou_of_a_regency_that_left_the_register_can_still_be_edited(staff_client, programme):
    mou = muara_enim_mou()
    Regency.objects.filter(pk=mou.regency_id).update(is_active=False)
    data = {"cohort": mou.cohort.pk, "event": mou.event.pk, "signed_on": "2018-05-08", "ministry_number": "B-1"}
    response = staff_client.post(reverse("mou:mou-update", args=[mou.pk]), data)
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.ministry_number == "B-1"


def test_a_scan_missing_from_storage_is_404_not_500(client, reviewer, mou_with_document, tmp_path):
    (tmp_path / mou_with_document.document.name).unlink()
    client.force_login(reviewer)
    assert client.get(reverse("mou:mou-document", args=[mou_with_document.pk])).status_code == 404


def test_history_shows_labels_not_code_names(staff_client, programme):
    mou = muara_enim_mou()
    end_mou(mou.pk, status=MoUStatus.TERMINATED, ended_on=datetime.date(2024, 1, 31), reason="Merger")
    content = staff_client.get(mou.get_absolute_url()).content.decode()
    assert "<strong>status</strong>: Active &rarr; Terminated" in content
    assert "<strong>ended on</strong>" in content
    assert "ended_on" not in content


def test_the_admin_keeps_the_mou_rules(client, english, ministry_admin, programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(ministry_admin)
    mou = muara_enim_mou()
    url = reverse("admin:mou_mou_change", args=[mou.pk])
    form = client.get(url).context["adminform"].form
    assert {"is_demo", "status", "ended_on", "regency"}.isdisjoint(form.fields)
    data = {
        "cohort": mou.cohort.pk,
        "event": mou.event.pk,
        "signed_on": "2018-05-08",
        "document": SimpleUploadedFile("scan.html", b"<html>not a pdf</html>", content_type="text/html"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "not a PDF" in str(response.context["adminform"].form.errors["document"])
    mou.refresh_from_db()
    assert not mou.document and not mou.is_demo


def test_a_ministry_admin_cannot_make_anyone_a_superuser(client, ministry_admin, officer):
    client.force_login(ministry_admin)
    url = reverse("admin:auth_user_change", args=[ministry_admin.pk])
    response = client.post(url, {"username": "admin", "is_superuser": "on", "is_staff": "on"})
    assert response.status_code in (200, 403)
    ministry_admin.refresh_from_db()
    assert not ministry_admin.is_superuser
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_the_sort_choices_follow_each_pages_language(client, ministry_admin, programme):
    """django-filter formats descending labels once, in the language of the moment; ours stay translatable."""
    client.force_login(ministry_admin)
    indonesian = client.get(reverse("mou:mou-list")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("mou:mou-list")).content.decode()
    assert "(descending)" not in indonesian and "(descending)" not in english  # django-filter's own, untranslated
    assert "Cohort, newest first" in english and "Signing date, oldest first" in english
    assert 'lang="id"' in indonesian  # its labels are the Indonesian catalogue's once translated


def test_every_sort_choice_has_a_label_of_its_own(client, ministry_admin, programme):
    client.force_login(ministry_admin)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("mou:mou-list"))
    labels = dict(response.context["filterset"].form.fields["sort"].choices)
    assert labels == {
        "": "Newest first",
        "signed": "Signing date, oldest first",
        "-signed": "Signing date, newest first",
        "code": "Code, ascending",
        "-code": "Code, descending",
        "name": "Name, A to Z",
        "-name": "Name, Z to A",
        "cohort": "Cohort, oldest first",
        "-cohort": "Cohort, newest first",
    }


def test_a_chosen_scan_is_asked_for_again_after_an_error(staff_client, programme):
    document = SimpleUploadedFile("scan-makassar.pdf", pdf_bytes(), content_type="application/pdf")
    response = staff_client.post(reverse("mou:mou-create"), new_mou_data(document=document, signed_on=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert "You chose scan-makassar.pdf: choose it again." in page
    assert 'aria-describedby="id_document_again id_document_helptext"' in page and 'id="id_document_again"' in page
    assert "choose it again" not in staff_client.get(reverse("mou:mou-create")).content.decode()


def test_the_edit_form_links_the_current_scan_by_name_to_its_download(client, reviewer, mou_with_document):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("mou:mou-update", args=[mou_with_document.pk])).content.decode()
    url = reverse("mou:mou-document", args=[mou_with_document.pk])
    assert f'Current file: <a href="{url}">mou-16.03-20180508.pdf</a>' in page
    assert "mou/documents/" not in page and "/media/" not in page
    assert "Remove this file" in page
    response = client.get(url)
    assert response.status_code == 200
    assert 'filename="mou-16.03-20180508.pdf"' in response["Content-Disposition"]


def test_file_fields_are_not_labelled_as_a_filter(client, ministry_admin, mou_with_document):
    """Our filter form's "Clear" has a context of its own, so Django's "Clear" on file fields is not ours."""
    client.force_login(ministry_admin)
    page = client.get(reverse("mou:mou-update", args=[mou_with_document.pk])).content.decode()
    assert "Hapus saringan" not in page
