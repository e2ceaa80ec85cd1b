import pytest

from tests.smartcity.helpers import run_django

PRINT_SETTINGS = "from django.conf import settings\nprint(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"


def test_it_starts_with_the_embedded_defaults_in_development():
    result = run_django(PRINT_SETTINGS, DEBUG="true", SECRET_KEY=None, DATABASE_URL=None, CELERY_BROKER_URL=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True django.db.backends.sqlite3"


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_django(PRINT_SETTINGS, DEBUG="false", SECRET_KEY=None)
    assert result.returncode != 0
    assert "Environment variable SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql-ish://somewhere/db"),
        ("DATABASE_URL", "postgres://127.0.0.1:5432"),
        ("CELERY_BROKER_URL", "http://127.0.0.1:6379"),
        ("CELERY_RESULT_BACKEND", "ftp://nowhere"),
        ("EMAIL_URL", "pigeon://coop"),
        ("ALLOWED_HOSTS", "portal.example.go.id,,"),
        ("MEDIA_ROOT", "/etc/hostname"),
        ("API_RATE_TOKEN", "fast"),
        ("API_RATE_ANONYMOUS", "100/fortnight"),
        ("ADMINS", "Ops Team, ops@example.go.id"),
        ("LOG_FORMAT", "xml"),
        ("LOG_LEVEL", "chatty"),
        ("TRUSTED_PROXIES", "one"),
        ("BACKUP_KEEP", "-1"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(name, value):
    result = run_django(PRINT_SETTINGS, **{name: value})
    assert result.returncode != 0
    assert f"Environment variable {name}:" in result.stderr


def test_settings_follow_the_environment():
    result = run_django(
        "from django.conf import settings\n"
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.ALLOWED_HOSTS, settings.EMAIL_HOST, settings.TIME_ZONE,"
        " settings.LANGUAGE_CODE)",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
        ALLOWED_HOSTS="portal.example.go.id, 10.0.0.5",
        EMAIL_URL="smtp+tls://user:pass@mail.example.go.id:587",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['portal.example.go.id', '10.0.0.5'] mail.example.go.id Asia/Jakarta id"


def test_tasks_run_in_process_without_a_broker():
    result = run_django(
        "from smartcity.tasks import ping\nprint(ping.delay().get())",
        CELERY_BROKER_URL=None,
        CELERY_RESULT_BACKEND=None,
    )
    assert result.returncode == 0, result.stderr
    assert "'pong': True" in result.stdout


PRODUCTION_MINIMUM = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-of-more-than-fifty-characters-0123456789",
    "ALLOWED_HOSTS": "portal.example.go.id",
    # Nothing else: the suite's own relaxations and services are unset.
    **dict.fromkeys(["SECURE_SSL_REDIRECT", "SECURE_COOKIES", "DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"]),
}


def test_the_deployment_check_is_clean_with_only_a_secret_key_and_hosts():
    result = run_django(
        "from django.core.management import call_command\ncall_command('check', deploy=True, fail_level='WARNING')",
        **PRODUCTION_MINIMUM,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_https_settings_can_each_be_turned_down_from_the_environment():
    result = run_django(
        "from django.conf import settings\n"
        "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_PRELOAD,"
        " getattr(settings, 'SECURE_PROXY_SSL_HEADER', None), settings.CSRF_TRUSTED_ORIGINS)",
        **{
            **PRODUCTION_MINIMUM,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_HSTS_PRELOAD": "false",
            "SECURE_PROXY_SSL_HEADER": "false",
            "CSRF_TRUSTED_ORIGINS": "https://portal.example.go.id:8443",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 0 False None ['https://portal.example.go.id:8443']"


def test_admins_come_from_the_environment():
    result = run_django(
        "from django.conf import settings\nprint(settings.ADMINS)",
        ADMINS="Tim Operasional <ops@example.go.id>, duty@example.go.id",
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == "[('Tim Operasional', 'ops@example.go.id'), ('duty@example.go.id', 'duty@example.go.id')]"
    )
