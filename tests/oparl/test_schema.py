"""Every OParl object reached from the system, walking its links, is valid against the OParl 1.1 schema
(``tests/oparl/schema``): each list page, each object in it, each object at its own address, each embedded one."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from committees.services.tombstones import named_membership_gone
from quartier.models import Quartier
from tests.oparl.world import build

SCHEMA_DIR = Path(__file__).parent / "schema"
TYPE = "https://schema.oparl.org/1.1/"
FORMATS = FormatChecker()


@FORMATS.checks("url")
def _url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.datetime.fromisoformat(value).tzinfo is not None


SCHEMAS = {path.stem: json.loads(path.read_text()) for path in SCHEMA_DIR.glob("*.json")}
REGISTRY = Registry().with_resources(
    (f"{name}.json", Resource.from_contents(schema)) for name, schema in SCHEMAS.items()
)


def validate(obj: dict[str, Any], url: str) -> None:
    name = "Deleted" if obj.get("deleted") else obj["type"].removeprefix(TYPE)
    validator = Draft202012Validator(SCHEMAS[name], registry=REGISTRY, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(obj), key=lambda error: list(error.path))
    assert not errors, f"{url}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors)


def api_urls(value: Any) -> list[str]:
    """Every address into the API that ``value`` holds (ids of embedded objects too), but no file's download."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in {"accessUrl", "downloadUrl"}:
                continue
            found.extend(api_urls(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(api_urls(inner))
    elif isinstance(value, str) and value.startswith(settings.SITE_URL.rstrip("/") + "/oparl/v1/"):
        found.append(value)
    return found


def walk(client: Client) -> dict[str, dict[str, Any]]:
    """Follow every link from the system; return each answer by its address. Each is checked on the way."""
    start = settings.SITE_URL.rstrip("/") + "/oparl/v1/"
    seen: dict[str, dict[str, Any]] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url.removeprefix(settings.SITE_URL.rstrip("/")))
        assert response.status_code == 200, f"{url}: {response.status_code} {response.content[:200]!r}"
        assert response["Access-Control-Allow-Origin"] == "*"
        payload = response.json()
        seen[url] = payload
        if "data" in payload:
            validate_list(payload, url)
        else:
            validate(payload, url)
            assert payload["id"] == url
            check_embedded(payload, url)
        queue.extend(api_urls(payload))
    return seen


def validate_list(payload: dict[str, Any], url: str) -> None:
    validator = Draft202012Validator(SCHEMAS["List"], registry=REGISTRY, format_checker=FORMATS)
    errors = list(validator.iter_errors(payload))
    assert not errors, f"{url}: {errors[0].message}"
    for obj in payload["data"]:
        validate(obj, url)
        check_embedded(obj, url)


def check_embedded(obj: dict[str, Any], url: str) -> None:
    for key, value in obj.items():
        for inner in value if isinstance(value, list) else [value]:
            if isinstance(inner, dict) and "type" in inner:
                validate(inner, f"{url} ({key})")
                check_embedded(inner, url)


@pytest.mark.django_db
def test_every_object_reached_from_the_system_is_valid_oparl(
    client: Client, area: Quartier, other_area: Quartier, settings: Any
) -> None:
    settings.SITE_URL = "https://quartier.example.org"
    world = build(area, other_area)
    seen = walk(client)
    types = {obj["type"].removeprefix(TYPE) for obj in seen.values() if "type" in obj}
    types |= {obj["type"].removeprefix(TYPE) for page in seen.values() for obj in page.get("data", []) if "type" in obj}
    assert types >= {
        "System",
        "Body",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
        "LegislativeTerm",
        "Location",
    }
    assert f"https://quartier.example.org/oparl/v1/body/{area.pk}/meeting/{world.approved.pk}/" in seen


@pytest.mark.django_db
def test_deleted_objects_are_valid_tombstones(client: Client, area: Quartier, other_area: Quartier) -> None:
    world = build(area, other_area)
    world.coming.delete()
    world.named.named_publicly = False
    world.named.save()
    named_membership_gone(membership=world.named, area_id=area.pk)
    seen = walk(client)
    gone = [obj for page in seen.values() for obj in page.get("data", []) if obj.get("deleted")]
    assert {obj["type"].removeprefix(TYPE) for obj in gone} == {"Meeting", "Membership", "Person"}
