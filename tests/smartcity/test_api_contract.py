"""The API's contract: the OpenAPI document that ``/api/v1/schema/`` serves on PostgreSQL (as in production) is the
stored one, byte for byte.

Version 1 stays as it is for its partners, so any change to it is deliberate: regenerate the file on PostgreSQL
with ``DATABASE_URL=postgres://… manage.py spectacular --file tests/smartcity/openapi-v1.yaml`` and say in the
commit what changed and why (a breaking change gets ``/api/v2/`` instead)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

STORED = Path(__file__).with_name("openapi-v1.yaml")


def test_the_schema_is_the_stored_contract(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the stored contract is PostgreSQL's: integer bounds in the schema come from the database")
    served = tmp_path / "schema.yaml"
    with translation.override("id"):  # the language a request without a preference gets
        call_command("spectacular", "--file", str(served))
    assert served.read_text() == STORED.read_text()
