import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_register_size(client, register):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Gerakan Menuju 100 Smart City" in content
    assert (response.context["province_count"], response.context["regency_count"]) == (38, 514)


def test_pages_load_css_from_our_own_static_files(client, db):
    content = client.get(reverse("home")).content.decode()
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in content
    assert "//cdn" not in content and "https://" not in content


def test_favicon_ico_leads_to_the_portal_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(r"/static/img/favicon(\.[0-9a-f]+)?\.svg", response.headers["Location"])


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_pages_are_indonesian_even_for_an_english_browser(client, db):
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in content
    assert "Beranda" in content


def test_an_unknown_language_cookie_falls_back_to_indonesian(client, db):
    client.cookies["django_language"] = "xx"
    assert '<html lang="id">' in client.get(reverse("home")).content.decode()


def test_a_refused_page_explains_itself_in_the_portal_layout(client, partner):
    client.force_login(partner)
    response = client.get(reverse("mou:mou-list"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Tidak diizinkan" in content
    assert "portal.css" in content


def test_the_api_follows_accept_language(client, register):
    english = client.get("/api/v1/regencies/?provnce=16", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "The request is not valid; see the fields."
    indonesian = client.get("/api/v1/regencies/?provnce=16")
    assert indonesian.json()["detail"] == "Permintaan tidak valid; lihat kolom-kolomnya."


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/smartcity/apitoken/", "/admin/accounts/apitoken/"),
        ("/admin/smartcity/apitoken/add/", "/admin/accounts/apitoken/add/"),
        ("/admin/smartcity/progressreport/?status=done", "/admin/reports/progressreport/?status=done"),
    ],
)
def test_admin_addresses_of_models_that_moved_apps_redirect_to_their_new_ones(client, ministry_admin, old, new):
    client.force_login(ministry_admin)
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new
    assert client.get(new).status_code == 200


def test_the_header_offers_the_dashboard_and_reports_to_staff_only(client, reviewer, partner):
    client.force_login(reviewer)
    header = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboard")}"' in header and f'href="{reverse("report-list")}"' in header
    client.force_login(partner)
    header = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboard")}"' not in header and f'href="{reverse("report-list")}"' not in header


def test_behind_the_tls_proxy_sign_in_works_and_links_are_https(officer):
    """The proxy terminates TLS and forwards plain HTTP with ``X-Forwarded-Proto: https``."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="localhost")
    page = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(
        reverse("login"),
        {"username": officer.username, "password": "a-long-test-password", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://localhost",
    )
    assert response.status_code == 302, response.content.decode()[:300]
    listed = client.get("/api/v1/regencies/?province=16&page_size=1").json()
    assert listed["next"].startswith("https://localhost/api/v1/regencies/")


def test_a_server_error_is_mailed_to_the_admins_and_the_page_promises_nothing_more(client, settings, monkeypatch):
    from django.core import mail

    from smartcity import health

    settings.ADMINS = [("Tim Operasional", "ops@example.go.id")]
    monkeypatch.setitem(health.PROBES, "/healthz", lambda request: 1 / 0)
    client.raise_request_exception = False
    response = client.get("/healthz")
    assert response.status_code == 500
    assert "the error has been logged" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["ops@example.go.id"] and "ZeroDivisionError" in message.body
