"""Settings for the Smart City Programme Portal, read from the environment only (see ``.env.example``)."""

import datetime
import importlib.util
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from smartcity import config, logs

BASE_DIR = Path(__file__).resolve().parent.parent
config.read_env_file(BASE_DIR / ".env")

DEBUG = config.boolean("DEBUG", default=False)

SECRET_KEY = config.string("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY: required when DEBUG is off (set DEBUG=true only for development)"
        )
    SECRET_KEY = "development-only-secret-key-never-use-in-production"

ALLOWED_HOSTS = config.string_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "django_structlog",
    "django_prometheus",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "regencies",
    "mou",
    "masterplans",
    "smartcity",
    # The programme layer, one app per capability; then development tooling (commands only).
    "smartcity.accounts",
    "smartcity.evaluation",
    "smartcity.reports",
    "smartcity.dashboards",
    "smartcity.operations",
    "smartcity.demo",
    "smartcity.bench",
]
# manage.py lintmigrations (make test): the linter is a development requirement, absent from production installs.
if importlib.util.find_spec("django_migration_linter"):
    INSTALLED_APPS.append("django_migration_linter")
# It refuses a migration the previous release's code could not run against (a dropped or renamed column, a NOT NULL
# column without a db_default...), from the SQL it makes on DATABASE_URL's database. Only our apps, by label; no
# cache, whose entries would outlive a change of database.
MIGRATION_LINTER_OPTIONS = {
    "include_apps": [
        "regencies",
        "mou",
        "masterplans",
        "smartcity",
        "accounts",
        "evaluation",
        "reports",
        "dashboards",
        "operations",
        "demo",
        "bench",
    ],
    "no_cache": True,
    # These shipped before the linter, and each is flagged only by SQLite's table rebuilds (a constraint added to a
    # table created just before; fields added with a db_default): PostgreSQL passes them. Every later migration must
    # pass. The linter matches names only, so "0001_initial" stands for every app's first migration.
    "ignore_name": [
        "0001_initial",  # regencies, mou, masterplans
        "0006_progress_reports",  # smartcity
        "0002_report_task_and_worker",  # reports
    ],
}

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "smartcity.health.HealthCheckMiddleware",
    "smartcity.operations.metrics.MetricsMiddleware",
    "smartcity.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartcity.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "smartcity.accounts.middleware.IdleSessionMiddleware",
    "smartcity.accounts.middleware.TwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lock-out page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smartcity.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smartcity.context_processors.portal",
                "smartcity.accounts.context_processors.sign_in",
            ],
        },
    },
]

# Forms render through TEMPLATES (templates/widgets/: the private file input), fields as templates/forms/field.html.
FORM_RENDERER = "smartcity.renderers.PortalFormRenderer"

WSGI_APPLICATION = "smartcity.wsgi.application"
ASGI_APPLICATION = "smartcity.asgi.application"

DATABASES = {"default": config.database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = 60 if DATABASES["default"]["ENGINE"].endswith("postgresql") else 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# A person is signed out after this long without a request; the session cookie lasts no longer either.
SESSION_IDLE_MINUTES = config.integer("SESSION_IDLE_MINUTES", default=60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# How long a password reset link works (Django's default is three days).
PASSWORD_RESET_TIMEOUT = config.integer("PASSWORD_RESET_HOURS", default=24) * 3600

# Sign-in protection (django-axes, attempts kept in the database): after SIGN_IN_FAILURE_LIMIT failures for one
# account, from any address, or from one address, for any account, sign-in is refused for SIGN_IN_LOCKOUT_MINUTES
# from the last counted failure, or until a ministry admin lifts it from the person's page. Attempts while locked out
# are not counted, so the time shown is when it ends. The address is the API throttling's (TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = config.integer("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=config.integer("SIGN_IN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "smartcity.accounts.services.client_address"
AXES_LOCKOUT_CALLABLE = "smartcity.accounts.views.locked_out"
# Two-factor sign-in (django-otp): an authenticator app's six-digit code, or a one-time recovery code, after the
# password. Required for these roles (superusers too, when any is listed), offered to everyone; make run's demo
# accounts are exempt while DEBUG is on. Wrong codes wait 1, 2, 4... seconds more each time (django-otp's throttle).
TWO_FACTOR_ROLES = config.string_list("TWO_FACTOR_ROLES", default=["admin", "reviewer"])
TWO_FACTOR_ROLES = [] if TWO_FACTOR_ROLES == ["none"] else TWO_FACTOR_ROLES
if not set(TWO_FACTOR_ROLES) <= {"admin", "reviewer", "officer", "partner"}:
    raise ImproperlyConfigured(
        f"Environment variable TWO_FACTOR_ROLES: expected roles among admin, reviewer, officer and partner "
        f"(or none), "
        f"got {TWO_FACTOR_ROLES!r}"
    )
OTP_TOTP_ISSUER = "Smart City Portal"

# Bahasa Indonesia first, English second. Source strings are English; Indonesian ships in locale/.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = config.directory("STATIC_ROOT", default=BASE_DIR / "staticfiles")  # collectstatic writes here
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = config.directory("MEDIA_ROOT", default=BASE_DIR / "media")
# manage.py backup: where its archives go and how many of the newest it keeps there (0 keeps all).
BACKUP_DIR = config.directory("BACKUP_DIR", default=BASE_DIR / "backups")
BACKUP_KEEP = config.integer("BACKUP_KEEP", default=14, minimum=0)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

_email = config.email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = config.string("DEFAULT_FROM_EMAIL", default="portal@smartcity.invalid")
# Who is mailed each server error (with DEBUG off): the operations team.
ADMINS = config.addresses("ADMINS")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails point here.
PORTAL_URL = config.string("PORTAL_URL", default="http://127.0.0.1:8000")
# An invitation's link works this many days after it is sent (again).
INVITATION_DAYS = config.integer("INVITATION_DAYS", default=7)

# Cached figures and API throttle counts. Every web process must share it in production (Redis): a process-local
# cache would keep figures another process has made old.
CACHE_URL = config.redis_url("CACHE_URL")
CACHES = {"default": config.cache("CACHE_URL")}  # /healthz reports whether it answers
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Celery: with no broker configured, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = config.redis_url("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = config.redis_url("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Jobs record their outcome on their own rows, so no result is stored unless a task asks for it (the health ping):
# sending a job then touches only the broker, and a request answers at once when Redis is down.
CELERY_TASK_IGNORE_RESULT = True
# Schedules live in the database (django-celery-beat), where admins see and edit them; a migration makes them:
# reminders daily and the monthly reports on the 1st at 07:00 WIB, and the sweeper of stuck reports.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Redis hands an unacknowledged message to another worker after this many seconds. Report jobs acknowledge only
# when done (acks_late), so a job must always end well before it: its hard time limit is checked against it.
CELERY_VISIBILITY_TIMEOUT = config.integer("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Give up quickly when the broker is down, so a page can say so at once.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
REPORT_TIME_LIMIT = config.integer("REPORT_TIME_LIMIT", default=600)
REPORT_SOFT_TIME_LIMIT = max(1, REPORT_TIME_LIMIT - max(1, REPORT_TIME_LIMIT // 10))
if REPORT_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        f"Environment variable REPORT_TIME_LIMIT: must be below CELERY_VISIBILITY_TIMEOUT ({CELERY_VISIBILITY_TIMEOUT})"
    )
# A report job delivered this many times (its worker died each time) is marked failed instead of run again.
REPORT_MAX_ATTEMPTS = 3
# The sweeper marks a report failed when it has been running this long: by then its worker is gone for good.
REPORT_STUCK_AFTER = CELERY_VISIBILITY_TIMEOUT + REPORT_TIME_LIMIT

# The partner API (/api/v1/): session or bearer-token sign-in, strict filters, JSON errors, throttled per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "smartcity.accounts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["smartcity.accounts.api.permissions.ReadOrScopedWrite"],
    "DEFAULT_PAGINATION_CLASS": "regencies.api.base.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["regencies.api.base.StrictFilterBackend", "regencies.api.base.StrictOrderingFilter"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "regencies.api.base.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["regencies.api.base.TokenRateThrottle", "regencies.api.base.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": config.rate("API_RATE_TOKEN", default="5000/hour"),
        "anonymous": config.rate("API_RATE_ANONYMOUS", default="1000/hour"),
    },
    # The caller's address for throttling: X-Forwarded-For is believed only as far as the proxies the operator
    # names (TRUSTED_PROXIES, nginx on the same host: 1); with none, the peer's address, whatever a client writes.
    "NUM_PROXIES": config.integer("TRUSTED_PROXIES", default=0, minimum=0),
    "EXCEPTION_HANDLER": "regencies.api.base.handle_exception",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Smart City Programme Portal API",
    "DESCRIPTION": "Read the Gerakan Menuju 100 Smart City: members, MoUs, master plans, programmes and progress.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "regencies.api.base.complete_schema"],
    # Several models have a "status"; each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "MoUStatusEnum": "mou.choices.MoUStatus",
        "PlanStatusEnum": "masterplans.choices.PlanStatus",
        "ProgressStatusEnum": "masterplans.choices.ProgressStatus",
        "ReportStatusEnum": "smartcity.reports.choices.ReportStatus",
    },
}

# History reasons ("Imported from <file name>", a staff member's reason for ending an MoU) have no fixed length.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# /healthz gives up on the broker after this many seconds rather than hanging a load balancer's probe.
HEALTH_CHECK_TIMEOUT = 2

# HTTPS, secure by default once DEBUG is off (manage.py check --deploy is clean with only SECRET_KEY and
# ALLOWED_HOSTS set); each part can be turned down from the environment. The TLS proxy in front must set
# X-Forwarded-Proto on every request (overwriting what a client sent), and nothing else may reach gunicorn.
SESSION_COOKIE_SECURE = config.boolean("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = config.boolean("SECURE_SSL_REDIRECT", default=not DEBUG)
# An hour at first: raise it (to a year, 31536000) once HTTPS is known to work, since browsers keep it that long.
SECURE_HSTS_SECONDS = config.integer("SECURE_HSTS_SECONDS", default=0 if DEBUG else 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Only the header's directive: a domain joins the browsers' preload list when someone submits it there.
SECURE_HSTS_PRELOAD = config.boolean("SECURE_HSTS_PRELOAD", default=True)
if config.boolean("SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = config.boolean("USE_X_FORWARDED_HOST", default=False)
# Sign-in forms posted from the portal's own addresses over HTTPS; more (another port, a second name) if needed.
CSRF_TRUSTED_ORIGINS = config.string_list(
    "CSRF_TRUSTED_ORIGINS",
    default=[f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*" and not host.startswith("[")],
)

# Content-Security-Policy on every response (django-csp): scripts, styles, images, fonts and requests from the portal
# itself only, no inline script or style (no style="..." attribute or on...= handler either), no plugins, no framing,
# forms posted only here. data: images are the icons inside the API docs' stylesheets. The ReDoc page alone adds
# what ReDoc needs (smartcity/api/views.py). Always enforced: the browser tests fail on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Logs: JSON lines (LOG_FORMAT=json, the default with DEBUG off) or plain ones, each with its request or task id.
LOG_FORMAT = config.choice("LOG_FORMAT", ("json", "plain"), default="plain" if DEBUG else "json")
LOGGING = logs.configure(json=LOG_FORMAT == "json", level=config.choice("LOG_LEVEL", LOG_LEVELS, default="INFO"))
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # an address is personal data; the proxy's access log has it
# Celery's worker would replace the logging set up above with its own plain format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Prometheus metrics at /metrics, for a scraper sending "Authorization: Bearer <METRICS_TOKEN>"; off without it.
# Several processes (gunicorn's workers, the Celery worker) add up their counts in PROMETHEUS_MULTIPROC_DIR.
METRICS_TOKEN = config.string("METRICS_TOKEN")

# Errors reported to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set; never personal data.
SENTRY_DSN = config.string("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=config.string("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        traces_sample_rate=0,
    )
