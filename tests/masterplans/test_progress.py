import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from masterplans import services
from masterplans.models import MasterPlan, ProgressUpdate
from masterplans.progress import default_quarter, owes_update, owing, reportable_quarters, rollup
from masterplans.schedule import Quarter
from tests.factories import complete_plan, pdf_bytes


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(buffer, "PNG")
    return buffer.getvalue()


def progress_url(plan, programme, year=2023, quarter=4):
    return reverse("masterplans:progress-update", args=[plan.pk, programme.pk, year, quarter])


def report(programme, percent, spent, year=2023, quarter=4, status="on_track"):
    return ProgressUpdate.objects.create(
        programme=programme, year=year, quarter=quarter, physical_percent=percent, spent=spent, status=status
    )


def test_the_roll_up_is_budget_weighted_and_ignores_programmes_without_an_update(approved):
    first, second, third, *rest = approved.programmes.order_by("budget")  # budgets 1, 2, 3, ... billion
    report(first, 100, 1_000_000_000)
    report(third, 20, 300_000_000)
    figures = rollup(approved, Quarter(2023, 4))
    # (100% x 1 + 20% x 3) / (1 + 3) = 40%; money: 1.3 of 4 billion = 32.5%.
    assert figures["physical"] == Decimal("40.0")
    assert figures["financial"] == Decimal("32.5")
    assert figures["reported"] == 2


def test_a_quarter_with_no_update_has_no_progress_figure_rather_than_zero(approved):
    figures = rollup(approved, Quarter(2023, 4))
    assert figures["physical"] is None
    assert figures["financial"] is None
    assert figures["reported"] == 0


def test_the_progress_page_shows_missing_programmes_and_the_due_date(client, officer, approved):
    programme = approved.programmes.first()
    report(programme, 50, 10)
    client.force_login(officer)
    page = client.get(reverse("masterplans:plan-progress", args=[approved.pk]), {"quarter": "2023 Q4"})
    assert page.status_code == 200
    assert page.text.count("Missing: no update for this quarter") == 5
    assert "1 programme reported, 5 missing" in page.text
    assert page.context["missing"] == 5
    assert "15 January 2024" in page.text  # Q4 2023 + 15 days, a Monday, no holiday
    assert "(moved past weekends and the national holidays and cuti bersama of 2024 set by the SKB" in page.text
    assert "))" not in page.text


def test_programmes_not_running_in_that_year_are_not_missing(client, officer, approved):
    approved.programmes.filter(dimension__code="environment").update(start_year=2022)
    client.force_login(officer)
    page = client.get(reverse("masterplans:plan-progress", args=[approved.pk]), {"quarter": "2021 Q2"})
    assert page.context["missing"] == 5
    assert "Not planned to run in this year" in page.text


def test_the_progress_page_opens_on_the_latest_quarter_that_has_ended():
    quarters = [Quarter(2026, 4), Quarter(2026, 3)]
    assert default_quarter(quarters, today=datetime.date(2026, 11, 27)) == Quarter(2026, 3)
    assert default_quarter([Quarter(2026, 4)], today=datetime.date(2026, 11, 27)) == Quarter(2026, 4)


def test_an_unknown_quarter_answers_400(client, officer, approved):
    client.force_login(officer)
    page = client.get(reverse("masterplans:plan-progress", args=[approved.pk]), {"quarter": "2031 Q1"})
    assert page.status_code == 400


def test_the_reportable_quarters_stop_at_today_and_at_the_end_of_the_period(approved):
    quarters = reportable_quarters(approved, today=datetime.date(2026, 11, 27))
    assert (quarters[0], quarters[-1], len(quarters)) == (Quarter(2023, 4), Quarter(2019, 1), 20)
    approved.end_year = 2028
    assert reportable_quarters(approved, today=datetime.date(2026, 11, 27))[0] == Quarter(2026, 4)


def test_an_officer_reports_a_quarter_and_a_correction_keeps_the_history(client, officer, approved):
    programme = approved.programmes.first()
    client.force_login(officer)
    data = {"physical_percent": "35.5", "spent": "250000000", "status": "on_track", "note": "Tahap 1 selesai."}
    data["evidence"] = SimpleUploadedFile("foto.png", png_bytes(), "image/png")
    response = client.post(progress_url(approved, programme), data)
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(programme=programme, year=2023, quarter=4)
    assert update.physical_percent == Decimal("35.5")
    assert update.evidence.name.endswith(".png")
    assert update.reported_by == officer

    client.post(progress_url(approved, programme), {**data, "physical_percent": "40", "evidence": ""})
    update.refresh_from_db()
    assert update.physical_percent == Decimal("40")
    assert ProgressUpdate.objects.filter(programme=programme).count() == 1  # one update per programme per quarter
    assert [h.physical_percent for h in update.history.order_by("history_date")] == [Decimal("35.5"), Decimal("40")]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"physical_percent": "100.5"}, "physical_percent", "less than or equal to 100"),
        ({"physical_percent": "-1"}, "physical_percent", "greater than or equal to 0"),
        ({"physical_percent": "separuh"}, "physical_percent", "Enter a percentage"),
        ({"spent": "-10"}, "spent", "greater than or equal to 0"),
        ({"spent": "Rp 5 juta"}, "spent", "whole rupiah"),
        ({"status": "lost"}, "status", "not one of the available choices"),
    ],
)
def test_bad_progress_input_is_refused_with_a_message(client, officer, approved, overrides, field, message):
    client.force_login(officer)
    data = {"physical_percent": "10", "spent": "0", "status": "on_track", **overrides}
    response = client.post(progress_url(approved, approved.programmes.first()), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bukti.pdf", b"%PDF-1.4 broken", "damaged"),
        ("bukti.exe", b"MZ\x90\x00", "PDF document or a PNG or JPEG photo"),
    ],
)
def test_bad_evidence_is_refused(client, officer, approved, name, content, message):
    client.force_login(officer)
    data = {"physical_percent": "10", "spent": "0", "status": "on_track"}
    data["evidence"] = SimpleUploadedFile(name, content)
    response = client.post(progress_url(approved, approved.programmes.first()), data)
    assert message in " ".join(response.context["form"].errors["evidence"])
    assert not ProgressUpdate.objects.exists()


def test_a_pdf_is_accepted_as_evidence(client, officer, approved):
    client.force_login(officer)
    data = {"physical_percent": "10", "spent": "0", "status": "on_track"}
    data["evidence"] = SimpleUploadedFile("bukti.pdf", pdf_bytes())
    client.post(progress_url(approved, approved.programmes.first()), data)
    assert ProgressUpdate.objects.get().evidence.name.endswith(".pdf")


def test_progress_for_a_future_quarter_or_outside_the_period_is_refused(client, officer, reviewer, muara_enim):
    today = timezone.localdate()
    plan = services.create_draft(
        officer, MasterPlan(regency=muara_enim, title="Rencana", start_year=today.year - 2, end_year=today.year + 3)
    )
    complete_plan(plan)
    services.submit(plan.pk, officer)
    services.take_up(plan.pk, reviewer)
    services.approve(plan.pk, reviewer, "OK")
    programme = plan.programmes.first()
    client.force_login(officer)
    data = {"physical_percent": "10", "spent": "0", "status": "on_track"}
    following = Quarter.containing(today).next()
    future = client.post(progress_url(plan, programme, following.year, following.quarter), data)
    assert "has not started yet" in " ".join(future.context["form"].non_field_errors())
    outside = client.post(progress_url(plan, programme, today.year - 3, 4), data)
    assert "outside the plan's period" in " ".join(outside.context["form"].non_field_errors())
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(("year", "quarter"), [(2026, 5), (2026, 0), (0, 1), (9999, 4), (99999, 1)])
def test_a_quarter_that_cannot_exist_answers_404(client, officer, approved, year, quarter):
    client.force_login(officer)
    address = progress_url(approved, approved.programmes.first(), year, quarter)
    assert client.get(address).status_code == 404
    assert client.post(address, {"physical_percent": "1"}).status_code == 404


def test_a_new_version_reports_from_the_quarter_of_its_approval(approved, officer, reviewer):
    report(approved.programmes.first(), 50, 10)
    new = services.start_new_version(approved.pk, officer)
    services.submit(new.pk, officer)
    services.take_up(new.pk, reviewer)
    new = services.approve(new.pk, reviewer, "OK")
    new.end_year = 2028
    quarters = reportable_quarters(new, today=datetime.date(2026, 11, 27))
    assert quarters[-1] == Quarter.containing(timezone.localdate())  # approved today
    assert ProgressUpdate.objects.filter(programme__plan=approved).count() == 1  # kept on the version in force then


def test_programmes_without_budget_roll_up_as_a_plain_mean(approved):
    first, second, *rest = approved.programmes.all()
    approved.programmes.update(budget=0)
    report(first, 40, 0)
    report(second, 60, 0)
    assert rollup(approved, Quarter(2023, 4))["physical"] == Decimal("50.0")


def test_progress_is_reported_on_approved_plans_only(client, officer, complete_draft):
    client.force_login(officer)
    data = {"physical_percent": "10", "spent": "0", "status": "on_track"}
    response = client.post(progress_url(complete_draft, complete_draft.programmes.first()), data, follow=True)
    assert "approved plan only" in response.text
    assert not ProgressUpdate.objects.exists()


def test_reviewers_see_progress_but_do_not_report_it(client, reviewer, approved):
    client.force_login(reviewer)
    assert client.get(reverse("masterplans:plan-progress", args=[approved.pk])).status_code == 200
    data = {"physical_percent": "10", "spent": "0", "status": "on_track"}
    assert client.post(progress_url(approved, approved.programmes.first()), data).status_code == 403


def test_python_and_sql_agree_on_which_plans_owe_a_quarter(approved):
    """A plan owes a quarter's updates (and is late without them) only if approved before their due day: 2024 Q1
    fell due on Tuesday 16 April 2024, as 15 April was cuti bersama of Idul Fitri."""
    quarter = Quarter(2024, 1)

    def at(day, *time):
        return timezone.make_aware(datetime.datetime.combine(datetime.date(2024, 4, day), datetime.time(*time)))

    for decided_at, owes in [
        (None, True),  # no approval time: made outside the workflow, it owes every quarter
        (at(15, 23, 59, 59), True),
        (at(16, 0, 0), False),
        (at(16, 10), False),
        (at(17, 10), False),
    ]:
        MasterPlan.objects.filter(pk=approved.pk).update(decided_at=decided_at)
        approved.refresh_from_db()
        assert owes_update(approved, quarter) is owes, decided_at
        assert MasterPlan.objects.filter(owing(quarter), pk=approved.pk).exists() is owes, decided_at
