"""The API's contract: the OpenAPI document that ``/api/v1/schema/`` serves is the stored one, byte for byte.

Version 1 stays as it is for its partners, so any change to it is deliberate: regenerate the file with
``manage.py spectacular --file tests/smartcity/openapi-v1.yaml`` and say in the commit what changed and why (a
breaking change gets ``/api/v2/`` instead)."""

from pathlib import Path

from django.core.management import call_command

STORED = Path(__file__).with_name("openapi-v1.yaml")


def test_the_schema_is_the_stored_contract(tmp_path):
    served = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(served))
    assert served.read_text() == STORED.read_text()
