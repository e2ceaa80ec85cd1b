"""Cohorts and goals kept by ministry admins on the MoU pages, without the admin site; the MoU form points there
when the signing year has no cohort."""

import pytest
from django.urls import reverse

from mou.models import Cohort, Goal
from tests.mou.test_views import new_mou_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def admin_client(client, english, ministry_admin):
    client.force_login(ministry_admin)
    return client


def cohort_data(**overrides):
    return {"year": "2021", "target": "50", "label": "", "source": "Public news coverage", **overrides}


def test_a_ministry_admin_adds_a_cohort_from_the_cohort_list(admin_client, programme):
    page = admin_client.get(reverse("mou:cohort-list")).content.decode()
    assert f'href="{reverse("mou:cohort-create")}"' in page
    response = admin_client.post(reverse("mou:cohort-create"), cohort_data(), follow=True)
    cohort = Cohort.objects.get(year=2021)
    assert (cohort.target, cohort.label, cohort.source) == (50, "Angkatan 2021", "Public news coverage")
    assert response.redirect_chain[-1][0] == cohort.get_absolute_url()
    assert "The cohort Angkatan 2021 was added." in response.content.decode()


def test_the_cohort_form_takes_the_year_from_the_link(admin_client, programme):
    page = admin_client.get(reverse("mou:cohort-create") + "?year=2024").content.decode()
    assert 'value="2024"' in page
    assert admin_client.get(reverse("mou:cohort-create") + "?year=abcd").status_code == 200


@pytest.mark.parametrize("persona", ["officer", "partner", "reviewer"])
def test_only_ministry_admins_add_or_change_cohorts_and_goals(client, programme, persona, request):
    client.force_login(request.getfixturevalue(persona))
    goal = Goal.objects.get()
    for url in [
        reverse("mou:cohort-create"),
        reverse("mou:cohort-update", args=[2018]),
        reverse("mou:goal-create"),
        reverse("mou:goal-update", args=[goal.pk]),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, cohort_data()).status_code == 403, url
    assert not Cohort.objects.filter(year=2021).exists()
    if persona == "reviewer":  # who may see the cohorts but not keep them is offered no link
        assert reverse("mou:cohort-create") not in client.get(reverse("mou:cohort-list")).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"year": "2018"}, "year", "A cohort for this year already exists."),
        ({"target": "0"}, "target", "Ensure this value is greater than or equal to 1."),
        ({"year": "dua ribu"}, "year", "Enter the year in four digits, such as 2025."),
        ({"year": "2.021"}, "year", "Enter the year in four digits, such as 2025."),
        ({"year": "2016"}, "year", "Ensure this value is greater than or equal to 2017."),
        ({"target": "lima puluh"}, "target", "Enter a whole number"),
        ({"target": ""}, "target", "This field is required."),
    ],
)
def test_bad_cohort_input_gets_a_message_on_its_field(admin_client, programme, overrides, field, message):
    response = admin_client.post(reverse("mou:cohort-create"), cohort_data(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert Cohort.objects.count() == 3


def test_a_target_grouped_with_dots_is_read_as_thousands(admin_client, programme):
    admin_client.post(reverse("mou:cohort-create"), cohort_data(target="1.000"))
    assert Cohort.objects.get(year=2021).target == 1000


def test_an_admin_corrects_a_cohort_but_not_the_year_of_one_with_mous(admin_client, programme):
    url = reverse("mou:cohort-update", args=[2018])
    assert f'href="{url}"' in admin_client.get(reverse("mou:cohort-detail", args=[2018])).content.decode()
    response = admin_client.post(url, cohort_data(year="2020", target="55", label="Angkatan 2018"))
    assert response.status_code == 302
    cohort = Cohort.objects.get(label="Angkatan 2018")
    assert (cohort.year, cohort.target) == (2018, 55)  # Muara Enim's MoU keeps its cohort year


def test_an_admin_adds_and_moves_a_goal(admin_client, programme):
    response = admin_client.post(
        reverse("mou:goal-create"), {"name": "241 anggota", "target": "241", "deadline_year": "2023", "is_active": "on"}
    )
    assert response.status_code == 302
    goal = Goal.objects.get(name="241 anggota")
    assert (goal.target, goal.deadline_year, goal.is_active) == (241, 2023, True)
    page = admin_client.get(reverse("mou:cohort-list")).content.decode()
    assert "241 anggota" in page and reverse("mou:goal-update", args=[goal.pk]) in page
    response = admin_client.post(reverse("mou:goal-update", args=[goal.pk]), {"name": "241 anggota", "target": "0"})
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()


def test_the_mou_form_says_when_the_signing_year_has_no_cohort_and_links_to_add_it(admin_client, programme):
    response = admin_client.post(reverse("mou:mou-create"), new_mou_data(signed_on="2024-05-02"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is no cohort for 2024 yet" in page
    assert response.context["form"].errors["cohort"] == [
        "There is no cohort for 2024 yet, so an MoU signed in 2024 cannot be recorded. "
        "A ministry admin must add the 2024 cohort first."
    ]
    assert f'href="{reverse("mou:cohort-create")}?year=2024"' in page
    assert "does not match" not in page


def test_staff_who_may_not_add_a_cohort_are_told_to_ask_an_admin(client, english, reviewer, programme):
    client.force_login(reviewer)  # reviewers record MoUs but do not keep cohorts
    page = client.get(reverse("mou:mou-create")).content.decode()
    assert "ministry admins add it on the Cohorts page" in page  # the cohort field says so before any error
    page = client.post(reverse("mou:mou-create"), new_mou_data(signed_on="2024-05-02")).content.decode()
    assert "Ask a ministry admin to add it." in page
    assert "cohorts/new/" not in page


def test_the_cohort_form_has_a_fixed_number_of_queries(admin_client, programme, django_assert_num_queries):
    with django_assert_num_queries(6):
        assert admin_client.get(reverse("mou:cohort-create")).status_code == 200
    with django_assert_num_queries(8):  # the cohort, and whether it has MoUs
        assert admin_client.get(reverse("mou:cohort-update", args=[2018])).status_code == 200
