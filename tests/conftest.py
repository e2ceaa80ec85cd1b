import io

import pytest
from django.core.management import call_command

from regencies.models import Regency
from regencies.register import kemendagri_register, sync_register
from smartcity import roles
from tests.factories import RegencyMembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts without cached figures or throttle counts: a rolled-back test bumps no data version."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def register(db):
    """The real Kemendagri register (38 provinces, 514 regencies/cities), loaded as load_regions does."""
    sync_register(*kemendagri_register())


@pytest.fixture
def programme(register):
    """The real programme records: the goal of 100, cohorts 2017-2019, their events, Muara Enim's MoU."""
    call_command("load_programme", stdout=io.StringIO())


@pytest.fixture
def demo(programme, settings, tmp_path):
    """The demo dataset on top of the real records, as make run loads it (its plans' PDFs in a temporary folder)."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def ministry_admin(db):
    return UserFactory(username="admin", role=roles.MINISTRY_ADMIN, is_staff=True)


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", role=roles.MINISTRY_REVIEWER)


@pytest.fixture
def officer(register):
    """An officer of Kabupaten Muara Enim (16.03)."""
    user = UserFactory(username="officer", role=roles.REGENCY_OFFICER)
    RegencyMembershipFactory(user=user, regency=Regency.objects.get(code="16.03"))
    return user


@pytest.fixture
def partner(db):
    return UserFactory(username="partner", role=roles.PARTNER)


@pytest.fixture
def broker_down():
    """A real broker address where nothing listens, for sending tasks (``broker_write_url``: ``broker_url`` loses to
    the ``CELERY_BROKER_URL`` variable); the app's pooled connections are dropped before and after."""
    from kombu import pools

    from smartcity.celery import app

    saved = app.conf.get("broker_write_url"), app.conf.task_always_eager

    def forget_connections():
        pools.reset()  # kombu's shared pools: closed and forgotten, so the next task sent connects afresh
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_write_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    forget_connections()
    yield
    app.conf.broker_write_url, app.conf.task_always_eager = saved
    forget_connections()


@pytest.fixture
def broker_and_backend_down(broker_down):
    """The broker and the result backend both unreachable, as when the one Redis they share in production is down
    (the result backend defaults to the broker's URL)."""
    from smartcity.celery import app

    def forget_backend():
        app._backend_cache = None
        vars(app._local).pop("backend", None)

    saved = app.conf.result_backend
    app.conf.result_backend = "redis://127.0.0.1:1/1"
    forget_backend()
    yield
    app.conf.result_backend = saved
    forget_backend()


@pytest.fixture
def tasks_in_process(settings, tmp_path):
    """Run Celery tasks here when their transaction commits (CI has a broker, and a worker would run them
    elsewhere), with uploaded and generated files in a temporary folder."""
    from smartcity.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def password_sign_in(settings):
    """Tests sign in with the password alone: those about two-factor sign-in require it again (TWO_FACTOR_ROLES)."""
    settings.TWO_FACTOR_ROLES = []
