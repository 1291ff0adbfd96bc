"""JSON Schemas for Ed-Fi 5.2 API resources, derived from the data standard's own XSD.

The Ed-Fi-Data-Standard repository (tests/reports/edfi-5.2/SOURCE.md) carries the XML schema,
not the ODS/API's JSON: this module reads ``Ed-Fi-Core.xsd`` and turns an entity into the JSON
Schema of its API resource by the ODS/API's naming conventions: camelCase names (a leading
acronym lowered whole: ``IDEAPart`` -> ``ideaPart``), a reference flattened to the fields of its
identity (``programReference: {educationOrganizationId, programName,
programTypeDescriptor}``), a descriptor as a ``uri://namespace/XDescriptor#code`` string named
``...Descriptor``, a collection named without the entity's prefix and pluralised (a
``RestraintEventReason`` of ``RestraintEvent`` -> ``reasons``). Required elements stay
required, lengths and integer types are kept, and nothing else is allowed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

XS = "{http://www.w3.org/2001/XMLSchema}"
XSD = Path(__file__).parent / "edfi-5.2" / "Ed-Fi-Core.xsd"
DESCRIPTOR_URI = r"^uri://[^#\s]+/[A-Za-z]+Descriptor#.+$"
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
BUILTIN = {
    "xs:date": DATE,
    "xs:boolean": {"type": "boolean"},
    "xs:int": {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1},
    "xs:long": {"type": "integer"},
    "xs:integer": {"type": "integer"},
    "xs:decimal": {"type": "number"},
    "xs:string": {"type": "string"},
    "xs:time": {"type": "string"},
    "xs:dateTime": {"type": "string"},
    "xs:duration": {"type": "string"},
    "xs:gYear": {"type": "integer"},
    "xs:token": {"type": "string"},
}


@cache
def _types() -> dict[str, ET.Element]:
    root = ET.parse(XSD).getroot()
    return {el.get("name"): el for el in root if el.get("name")}


def camel(name: str) -> str:
    match = re.match(r"^[A-Z]+(?=[A-Z][a-z0-9])", name)
    if match and len(match.group(0)) > 1:
        return match.group(0).lower() + name[len(match.group(0)) :]
    return name[:1].lower() + name[1:]


def plural(name: str) -> str:
    if name.endswith("y") and not name.endswith(("ay", "ey", "oy")):
        return name[:-1] + "ies"
    if name.endswith(("s", "x", "ch", "sh")):
        return name + "es"
    return name + "s"


def _elements(type_name: str) -> list[ET.Element]:
    """The elements of a complex type, its base types' first (GeneralStudentProgramAssociation)."""
    node = _types()[type_name]
    found: list[ET.Element] = []
    ext = node.find(f"{XS}complexContent/{XS}extension")
    if ext is not None:
        base = ext.get("base")
        if base in _types() and base not in ("ComplexObjectType", "ReferenceType"):
            found += _elements(base)
        node = ext
    seq = node.find(f"{XS}sequence")
    return found + (list(seq.findall(f"{XS}element")) if seq is not None else [])


def _simple(type_name: str) -> dict:
    if type_name in BUILTIN:
        return dict(BUILTIN[type_name])
    node = _types()[type_name]
    restriction = node.find(f"{XS}restriction")
    schema = _simple(restriction.get("base"))
    for facet, key in (
        ("maxLength", "maxLength"),
        ("minLength", "minLength"),
        ("minInclusive", "minimum"),
        ("maxInclusive", "maximum"),
    ):
        el = restriction.find(f"{XS}{facet}")
        if el is not None:
            value = el.get("value")
            schema[key] = int(value) if value.lstrip("-").isdigit() else float(value)
    return schema


def _is_descriptor(type_name: str) -> bool:
    return type_name.endswith("DescriptorReferenceType")


def _is_reference(type_name: str) -> bool:
    return type_name.endswith("ReferenceType") and not _is_descriptor(type_name)


def _identity_fields(ref_type: str) -> tuple[dict, list[str]]:
    """A reference flattened to its identity's fields (nested references flattened too)."""
    identity = next(e for e in _elements(ref_type) if e.get("name").endswith("Identity"))
    props: dict = {}
    required: list[str] = []
    for el in _elements(identity.get("type")):
        name, type_name = el.get("name"), el.get("type")
        if _is_reference(type_name):
            inner, inner_required = _identity_fields(type_name)
            props.update(inner)
            required += inner_required
            continue
        key, schema = _property(name, type_name)
        props[key] = schema
        required.append(key)
    return props, required


def _property(name: str, type_name: str) -> tuple[str, dict]:
    if _is_descriptor(type_name):
        descriptor = type_name.removesuffix("ReferenceType")
        return camel(name) + "Descriptor", {
            "type": "string",
            "maxLength": 306,
            "pattern": DESCRIPTOR_URI.replace("[A-Za-z]+Descriptor", re.escape(descriptor)),
        }
    if _is_reference(type_name):
        props, required = _identity_fields(type_name)
        return camel(name), {
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": False,
        }
    if type_name in BUILTIN or _types()[type_name].tag == f"{XS}simpleType":
        return camel(name), _simple(type_name)
    return camel(name), _object(type_name)


def _object(type_name: str) -> dict:
    props: dict = {}
    required: list[str] = []
    for el in _elements(type_name):
        name, typ = el.get("name"), el.get("type")
        many = el.get("maxOccurs") == "unbounded"
        optional = el.get("minOccurs") == "0"
        if many:
            short = (
                name[len(type_name) :] if name.startswith(type_name) and name != type_name else name
            )
            if _is_descriptor(typ) or _is_reference(typ):
                key, item = _property(name, typ)
                item = {
                    "type": "object",
                    "properties": {key: item},
                    "required": [key],
                    "additionalProperties": False,
                }
            else:
                item = _object(typ)
            key = plural(camel(short))
            props[key] = {"type": "array", "items": item, **({} if optional else {"minItems": 1})}
        else:
            key, schema = _property(name, typ)
            props[key] = schema
        if not optional:
            required.append(key)
    return {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


@cache
def resource_schema(entity: str) -> dict:
    """The JSON Schema of one Ed-Fi 5.2 resource (``RestraintEvent``, ...)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": entity,
        **_object(entity),
    }
