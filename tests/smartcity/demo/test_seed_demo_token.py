import io
import re

from django.core.management import call_command
from rest_framework.test import APIClient

from smartcity.accounts.models import ApiToken


def seed(settings, tmp_path):
    settings.DEBUG, settings.MEDIA_ROOT = True, tmp_path / "media"
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return re.search(r"API token of demo-partner\s+(sc100_\S+)", out.getvalue()).group(1)


def test_the_demo_partner_gets_a_working_read_only_token_each_run(programme, settings, tmp_path):
    first = seed(settings, tmp_path)
    second = seed(settings, tmp_path)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    response = client.get("/api/v1/regencies/16.03/")
    assert response.status_code == 200
    assert response.json()["mous"][0]["cohort"] == 2018
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert client.get("/api/v1/regencies/16.03/").status_code == 401  # the previous run's token is revoked
    assert ApiToken.objects.usable().filter(user__username="demo-partner").count() == 1
