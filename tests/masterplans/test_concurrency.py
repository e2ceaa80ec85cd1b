"""Two reviewers decide at once, each on a database connection of their own (PostgreSQL row locks)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation

from masterplans import services
from masterplans.choices import PlanAction, PlanStatus
from masterplans.models import MasterPlan, PlanEvent
from smartcity import roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_concurrent_approvals_exactly_one_succeeds(complete_draft, officer, reviewer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks to test")
    second_reviewer = UserFactory(username="reviewer2", role=roles.MINISTRY_REVIEWER)
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)

    outcomes, started = [], threading.Barrier(3)

    def decide(user, comment):
        try:
            started.wait()
            with translation.override("en"):  # the active language is per thread
                services.approve(complete_draft.pk, user, comment)
            outcomes.append("approved")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    # The test holds the plan's row lock while both reviewers start, so both are inside approve() at once,
    # waiting; then it lets go.
    threads = [
        threading.Thread(target=decide, args=(user, f"Disetujui oleh {user.username}"))
        for user in (reviewer, second_reviewer)
    ]
    with transaction.atomic():
        MasterPlan.objects.select_for_update().get(pk=complete_draft.pk)
        for thread in threads:
            thread.start()
        started.wait()
        waiting = _waiting_for_locks()
    for thread in threads:
        thread.join(timeout=30)

    assert waiting == 2  # both reviewers were inside approve() together
    assert sorted(outcomes) == sorted(["approved", "This plan is approved, so this cannot be done now."])
    assert PlanEvent.objects.filter(plan=complete_draft, action=PlanAction.APPROVED).count() == 1
    complete_draft.refresh_from_db()
    assert complete_draft.status == PlanStatus.APPROVED


def _waiting_for_locks():
    """How many other sessions of this database wait for a lock (polled briefly: they need a moment to get there)."""
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # statistics are otherwise frozen per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            (count,) = cursor.fetchone()
            if count == 2:
                return count
            time.sleep(0.1)
    return count
