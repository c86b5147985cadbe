"""A field's limit is declared once, on the model, and reaches the API's schema (and from there
the front end's types)."""

from __future__ import annotations

from zongzhi.api import api
from zongzhi.people.models import Resident
from zongzhi.people.validation import LIMITS
from zongzhi.places.models import PlaceBase


def test_the_limits_of_the_forms_come_from_the_models() -> None:
    schemas = api.get_openapi_schema()["components"]["schemas"]
    resident = schemas["ResidentIn"]["properties"]
    assert {name: resident[name]["maxLength"] for name in LIMITS} == LIMITS
    assert resident["name"]["maxLength"] == Resident._meta.get_field("name").max_length
    assert resident["current_address"]["maxLength"] == Resident._meta.get_field("current_address").max_length
    place = schemas["PlaceIn"]["properties"]
    assert place["address"]["maxLength"] == PlaceBase._meta.get_field("address").max_length
