from django.urls import reverse

from masterplans.models import Dimension


def test_ministry_admins_edit_the_taxonomy(client, ministry_admin):
    dimension = Dimension.objects.get(code="branding")
    client.force_login(ministry_admin)
    url = reverse("admin:masterplans_dimension_change", args=[dimension.pk])
    form = client.get(url)
    assert form.status_code == 200
    subs = list(dimension.sub_dimensions.all())
    data = {
        "code": "branding",
        "name_id": "Smart Branding (citra daerah)",
        "name_en": "Smart Branding",
        "order": "2",
        "sub_dimensions-TOTAL_FORMS": str(len(subs)),
        "sub_dimensions-INITIAL_FORMS": str(len(subs)),
        "sub_dimensions-MIN_NUM_FORMS": "0",
        "sub_dimensions-MAX_NUM_FORMS": "1000",
    }
    for index, sub in enumerate(subs):
        data.update(
            {
                f"sub_dimensions-{index}-id": str(sub.pk),
                f"sub_dimensions-{index}-dimension": str(dimension.pk),
                f"sub_dimensions-{index}-code": sub.code,
                f"sub_dimensions-{index}-name_id": sub.name_id,
                f"sub_dimensions-{index}-name_en": sub.name_en,
                f"sub_dimensions-{index}-order": str(sub.order),
            }
        )
    assert client.post(url, data).status_code == 302
    dimension.refresh_from_db()
    assert dimension.name_id == "Smart Branding (citra daerah)"


def test_plans_are_read_only_in_the_admin(client, ministry_admin, complete_draft):
    client.force_login(ministry_admin)
    assert client.get(reverse("admin:masterplans_masterplan_changelist")).status_code == 200
    page = client.get(reverse("admin:masterplans_masterplan_change", args=[complete_draft.pk]))
    assert page.status_code == 200
    assert 'name="title"' not in page.text  # shown, not editable: plans change only through the workflow
    assert client.get(reverse("admin:masterplans_masterplan_add")).status_code == 403


def test_reviewers_cannot_edit_the_taxonomy(client, reviewer):
    reviewer.is_staff = True
    reviewer.save()
    client.force_login(reviewer)
    dimension = Dimension.objects.first()
    assert client.post(reverse("admin:masterplans_dimension_change", args=[dimension.pk]), {}).status_code == 403
