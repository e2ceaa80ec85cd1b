"""Bulk invitations from a CSV: the preview that saves nothing, the confirmation that invites every valid row or
none, the files that are refused, and who may use the page."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartcity.accounts.choices import SecurityAction
from smartcity.accounts.models import Invitation, SecurityEvent
from smartcity.accounts.views import BULK_SESSION_KEY
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process", "register")]

PAGE = reverse("accounts:invite-bulk")
CONFIRM = reverse("accounts:invite-bulk-confirm")
HEADER = "email,name,role,regency_codes,organisation\n"
GOOD = (
    "andi@makassarkota.go.id,Andi Pratama,officer,73.71,\n"
    "sari@muaraenimkab.go.id,Sari Wulandari,Regency officer,16.03;73.71,\n"
    "dewi@unhas.ac.id,Dewi Lestari,Mitra,,Universitas Hasanuddin\n"
)


@pytest.fixture
def admin_client(client, ministry_admin):
    client.force_login(ministry_admin)
    client.cookies["django_language"] = "en"
    return client


def upload(client, text, name="people.csv"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(PAGE, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def confirm(client, callbacks):
    token = client.session[BULK_SESSION_KEY]["token"]
    with callbacks(execute=True):
        return client.post(CONFIRM, {"token": token})


def test_the_preview_lists_every_row_with_its_problems_and_saves_nothing(admin_client, reviewer):
    text = (
        HEADER
        + GOOD
        + (
            "not-an-email,X,officer,73.71,\n"
            "ANDI@makassarkota.go.id,Andi again,officer,73.71,\n"
            f"{reviewer.email},Already here,reviewer,,\n"
            "boss@kemendagri.go.id,Boss,admin,,\n"
            "who@kemendagri.go.id,Who,mayor,,\n"
            "far@example.go.id,Far,officer,99.99,\n"
            "nowhere@example.go.id,Nowhere,officer,,\n"
            "=cmd|' /C calc'!A0,Evil,reviewer,,\n"
        )
    )
    response = upload(admin_client, text)
    assert response.status_code == 200
    page = response.content.decode()
    preview = response.context["preview"]
    assert [row.valid for row in preview.rows] == [True, True, True] + [False] * 8
    assert "Kota Makassar" in page and "Universitas Hasanuddin" in page
    for problem in (
        "is not a valid email address",
        "this address is also in row 2",
        "An account with this address exists already.",
        "ministry admins are not invited in bulk",
        "unknown role “mayor”",
        "no regency/city in the register has the code 99.99",
        "An officer acts for at least one regency/city",
        "starts like a spreadsheet formula",
    ):
        assert problem in page, problem
    assert "Invite 3 people" in page
    assert not Invitation.objects.exists() and not SecurityEvent.objects.exists() and not mail.outbox


def test_confirming_invites_the_valid_rows_each_with_its_email(admin_client, django_capture_on_commit_callbacks):
    upload(
        admin_client,
        "\ufeff"
        + HEADER.replace(",", ";")
        + GOOD.replace(",", ";").replace("16.03;73.71", '"16.03 73.71"')
        + "bad;;officer;;\n",
    )
    response = confirm(admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:invitation-list")
    invitations = {invitation.email: invitation for invitation in Invitation.objects.prefetch_related("regencies")}
    assert sorted(invitations) == ["andi@makassarkota.go.id", "dewi@unhas.ac.id", "sari@muaraenimkab.go.id"]
    assert sorted(r.code for r in invitations["sari@muaraenimkab.go.id"].regencies.all()) == ["16.03", "73.71"]
    assert invitations["dewi@unhas.ac.id"].role == "partner"
    assert invitations["dewi@unhas.ac.id"].organisation == "Universitas Hasanuddin"
    assert sorted(message.to[0] for message in mail.outbox) == sorted(invitations)
    assert SecurityEvent.objects.filter(action=SecurityAction.INVITED).count() == 3
    assert BULK_SESSION_KEY not in admin_client.session


def test_a_row_made_invalid_after_the_preview_saves_nothing_and_shows_the_preview_again(
    admin_client, django_capture_on_commit_callbacks
):
    upload(admin_client, HEADER + GOOD)
    UserFactory(username="sari", email="sari@muaraenimkab.go.id")
    response = confirm(admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "nobody was invited" in response.content.decode()
    assert [row.valid for row in response.context["preview"].rows] == [True, False, True]
    assert not Invitation.objects.exists() and not mail.outbox
    response = confirm(admin_client, django_capture_on_commit_callbacks)  # the new preview can be confirmed
    assert response.status_code == 302 and Invitation.objects.count() == 2 and len(mail.outbox) == 2


def test_a_confirmation_without_its_preview_is_refused(admin_client):
    upload(admin_client, HEADER + GOOD)
    response = admin_client.post(CONFIRM, {"token": "forged"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8 text"),
        (b"email,role\n\x00a@b.id,officer\n", "NUL characters"),
        (b"", "The submitted file is empty."),
        (b"\n\n", "The file is empty"),
        (b"name,regency_codes\nAndi,73.71\n", "missing column(s): email, role"),
        (b"email,role,password\na@b.id,officer,x\n", "unknown column(s): password"),
        (b"email,role,email\n", "repeated column(s): email"),
        (b"email,role\n", "no person to invite"),
        (b'email,role\n"' + b"a" * 200_000 + b'",officer\n', "not readable as CSV"),
        (("email,role\n" + "a@b.id,reviewer\n" * 1001).encode(), "at most 1000"),
        (b"email,role\n" + b"x" * (1024 * 1024), "larger than 1 MB"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_form_error(admin_client, content, message):
    response = upload(admin_client, content)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert BULK_SESSION_KEY not in admin_client.session


def test_the_template_can_be_uploaded_as_it_is(admin_client):
    template = admin_client.get(reverse("accounts:invite-bulk-template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    response = upload(admin_client, template.content)
    assert all(row.valid for row in response.context["preview"].rows)
    assert len(response.context["preview"].rows) == 4


def test_the_pages_are_for_ministry_admins(client, request):
    urls = [PAGE, reverse("accounts:invite-bulk-template")]
    for url in [*urls, CONFIRM]:
        response = client.post(url) if url == CONFIRM else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for persona in ("partner", "officer", "reviewer"):
        client.force_login(request.getfixturevalue(persona))
        for url in urls:
            assert client.get(url).status_code == 403, (persona, url)
        assert client.post(CONFIRM).status_code == 403, persona
        assert upload(client, HEADER + GOOD).status_code == 403, persona
    client.force_login(request.getfixturevalue("ministry_admin"))
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert not Invitation.objects.exists()


def test_the_preview_takes_as_many_queries_for_many_rows_as_for_few(admin_client, django_assert_num_queries):
    def rows(count):
        return HEADER + "".join(f"person{n}@makassarkota.go.id,P {n},officer,73.71 16.03,\n" for n in range(count))

    upload(admin_client, rows(1))  # the session and the permission caches are warm from here on
    with CaptureQueriesContext(connection) as few:
        upload(admin_client, rows(2))
    assert len(few.captured_queries) < 20
    with django_assert_num_queries(len(few.captured_queries)):
        upload(admin_client, rows(200))
