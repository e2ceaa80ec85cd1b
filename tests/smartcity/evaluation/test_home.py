"""The home page says what the evaluation asks of each person: an officer the self-assessment due, an assessor the
submitted ones assigned to them; nothing once it is done."""

import pytest

from smartcity.evaluation import services
from tests.smartcity.evaluation.test_services import officer_of, submitted

pytestmark = pytest.mark.django_db


def home_tasks(client, user):
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 200
    return page.context["panels"].get("evaluation", []), page.content.decode()


def test_an_officer_sees_the_self_assessment_due_and_the_assessor_the_one_to_confirm(
    client, evaluation_round, admin_user, assessor
):
    assessment = evaluation_round.assessments.order_by("pk").first()
    officer = officer_of(assessment)
    services.assign(admin_user, assessment.pk, assessor)

    tasks, html = home_tasks(client, officer)
    assert [task.pk for task in tasks] == [assessment.pk] and not tasks[0].to_confirm
    assert assessment.get_absolute_url() in html and "jatuh tempo pada" in html
    assert home_tasks(client, assessor)[0] == []

    submitted(assessment)

    assert home_tasks(client, officer)[0] == []
    tasks, html = home_tasks(client, assessor)
    assert [task.pk for task in tasks] == [assessment.pk] and tasks[0].to_confirm
    assert "Konfirmasikan" in html
