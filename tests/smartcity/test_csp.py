"""The Content-Security-Policy: no template holds what the policy refuses, and every kind of page carries the policy,
strict (no inline script or style, nothing from another host, no framing)."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from masterplans.models import MasterPlan
from tests.smartcity.helpers import PROJECT_ROOT

# What a browser refuses under the policy, written in a template (its comments aside).
REFUSED = {
    "a style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "an inline script": re.compile(r"<script\b[^>]*>\s*[^<\s]", re.IGNORECASE),
    "an event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: address": re.compile(r"javascript:", re.IGNORECASE),
}
COMMENTS = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)
# Sources a directive may name: the portal itself, nothing, data: images, ReDoc's blob: worker, a nonce or a hash.
OWN_SOURCES = re.compile(r"'self'|'none'|data:|blob:|'nonce-[A-Za-z0-9+/=]+'|'sha256-[A-Za-z0-9+/=]+'")


def portal_templates():
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(PROJECT_ROOT) and ".venv" not in Path(app.path).parts
    ]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def test_the_templates_are_found():
    names = {path.relative_to(PROJECT_ROOT).as_posix() for path in portal_templates()}
    assert {"templates/base.html", "smartcity/dashboards/templates/dashboards/overview.html"} <= names
    assert "smartcity/reports/templates/reports/report_detail.html" in names


@pytest.mark.parametrize("path", portal_templates(), ids=lambda path: path.relative_to(PROJECT_ROOT).as_posix())
def test_no_template_holds_inline_style_or_script(path):
    text = COMMENTS.sub("", path.read_text(encoding="utf-8"))
    found = {what: pattern.search(text).group(0) for what, pattern in REFUSED.items() if pattern.search(text)}
    assert not found, f"{path.name} holds {found}"


def policy(response):
    """The response's Content-Security-Policy as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


def assert_strict(directives):
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    for name in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name] and "'unsafe-eval'" not in directives[name]
    assert directives["script-src"] == ["'self'"]
    for name, sources in directives.items():
        assert all(OWN_SOURCES.fullmatch(source) for source in sources), f"{name} names another host: {sources}"


def plan_page():
    return MasterPlan.objects.get(regency__code="16.71").get_absolute_url()


PAGES = [
    # (who, address, status)
    (None, lambda: reverse("home"), 200),
    (None, lambda: reverse("overview"), 200),
    (None, plan_page, 200),
    (None, lambda: reverse("login"), 200),
    (None, lambda: reverse("api:docs"), 200),
    (None, lambda: reverse("api:docs") + "?script=", 200),
    (None, lambda: reverse("api:redoc"), 200),
    (None, lambda: "/no-such-page/", 404),
    ("staff", lambda: reverse("home"), 200),
    ("staff", lambda: reverse("dashboard"), 200),
    ("staff", lambda: reverse("dashboard-province", args=["16"]), 200),
    ("staff", lambda: reverse("report-list"), 200),
    ("staff", plan_page, 200),
    ("staff", lambda: reverse("masterplans:review-queue"), 200),
]


@pytest.mark.parametrize(("who", "address", "status"), PAGES)
def test_every_kind_of_page_carries_the_strict_policy(dataset, client, reviewer, who, address, status):
    if who:
        client.force_login(reviewer)
    response = client.get(address())
    assert response.status_code == status
    assert_strict(policy(response))


def test_only_the_redoc_page_allows_styles_by_nonce_and_a_blob_worker(dataset, client):
    home, redoc = policy(client.get(reverse("home"))), policy(client.get(reverse("api:redoc")))
    assert home["style-src"] == ["'self'"] and "worker-src" not in home
    assert redoc["style-src"][0] == "'self'" and redoc["style-src"][1].startswith("'nonce-")
    assert redoc["worker-src"] == ["'self'", "blob:"]


def test_a_refused_form_shows_the_portal_page_without_inline_style(dataset):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "officer", "password": "x"})
    assert response.status_code == 403
    assert_strict(policy(response))
    content = response.content.decode()
    assert "portal.css" in content and "<style" not in content
