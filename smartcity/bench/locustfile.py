"""The load test of ``manage.py bench``: mixed traffic for locust, as on a morning when everyone is on the portal.

Anonymous visitors read the public overview, the register and published plans; partners read the API with their
token; officers open their home page, their regency, their plan and its progress; reviewers open their queue, the
dashboards and plans. Who they are comes from ``LOAD_ACTORS`` (JSON, made by ``benchmarks.load_actors``). Any answer
but 200 is a failure: a redirect to the sign-in page would otherwise pass for a page."""

import json
import os
import random

from locust import HttpUser, between, task

ACTORS = json.loads(os.environ.get("LOAD_ACTORS", "{}"))


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)  # seconds a person reads a page (or a partner's script pauses) before the next

    def page(self, path, name=None, **kwargs):
        with self.client.get(path, name=name or path, allow_redirects=False, catch_response=True, **kwargs) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} for {path}")

    def plan(self):
        return random.choice(ACTORS["officers"])["plan"]


class AnonymousVisitor(PortalUser):
    weight = 4

    @task(4)
    def overview(self):
        self.page("/programme/")

    @task(2)
    def home(self):
        self.page("/")

    @task(2)
    def register(self):
        self.page(f"/regencies/?province={random.choice(ACTORS['provinces'])}", name="/regencies/?province=[code]")

    @task(1)
    def published_plan(self):
        self.page(f"/plans/{self.plan()}/", name="/plans/[id]/")


class Partner(PortalUser):
    weight = 3

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {ACTORS['token']}"
        self.client.headers["Accept"] = "application/json"

    @task(3)
    def regencies(self):
        self.page("/api/v1/regencies/")

    @task(3)
    def programmes(self):
        self.page("/api/v1/programmes/?page_size=100")

    @task(2)
    def stats(self):
        self.page("/api/v1/stats/")

    @task(1)
    def plans(self):
        self.page(f"/api/v1/plans/?regency={random.choice(ACTORS['regencies'])}", name="/api/v1/plans/?regency=[code]")

    @task(1)
    def progress(self):
        self.page(f"/api/v1/progress-updates/?plan={self.plan()}", name="/api/v1/progress-updates/?plan=[id]")


class Officer(PortalUser):
    weight = 2

    def on_start(self):
        officer = random.choice(ACTORS["officers"])
        self.own_plan = officer["plan"]
        self.client.cookies.set("sessionid", officer["session"])

    @task(2)
    def home(self):
        self.page("/", name="/ (officer)")

    @task(2)
    def my_regency(self):
        self.page("/plans/my-regency/")

    @task(2)
    def own_plan_page(self):
        self.page(f"/plans/{self.own_plan}/", name="/plans/[id]/ (officer)")

    @task(1)
    def progress(self):
        self.page(f"/plans/{self.own_plan}/progress/", name="/plans/[id]/progress/")


class Reviewer(PortalUser):
    weight = 1

    def on_start(self):
        self.client.cookies.set("sessionid", random.choice(ACTORS["reviewers"]))

    @task(3)
    def queue(self):
        self.page("/plans/review/")

    @task(2)
    def dashboard(self):
        self.page("/dashboard/")

    @task(1)
    def province(self):
        self.page(f"/dashboard/provinces/{random.choice(ACTORS['provinces'])}/", name="/dashboard/provinces/[code]/")

    @task(1)
    def plan_page(self):
        self.page(f"/plans/{self.plan()}/", name="/plans/[id]/ (reviewer)")
