"""The JSON API's routes declared once: each declaration registers the Flask route, reads its query
parameters and becomes an operation of the OpenAPI 3.1 document served at ``/api/v1/openapi.json``.

So the document cannot drift from the implementation: a parameter a view reads is a parameter the
document lists, with the same bounds, and a route without a declaration does not exist.

>>> Param("limit", "int", default=20, minimum=1, maximum=500).schema(None)
{'type': 'integer', 'minimum': 1, 'maximum': 500, 'default': 20}
>>> openapi_path("/entities/<entity_id>/neighbours")
'/entities/{entity_id}/neighbours'
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, request

from graphkb.errors import ValidationError
from graphkb.schema import Ontology
from graphkb.store.base import SORT_KEYS

from .auth import require_role
from .params import MAX_INT, MAX_QUERY, canonical_id, int_arg, text_arg, type_arg, types_arg

__all__ = ["Param", "Operation", "ApiSpec", "openapi_path", "evidence_levels", "ERROR", "JSON"]

JSON = "application/json"
ERROR = {"$ref": "#/components/schemas/Error"}
_PATH_ARG = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def evidence_levels(ontology: Ontology) -> list[str]:
    """The values of the ``evidence_level`` qualifier, in the ontology's order (weakest first)."""
    for rtype in ontology.relation_types.values():
        spec = rtype.qualifiers.get("evidence_level")
        if spec is not None:
            return list(spec.values)
    return []


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path template."""
    return _PATH_ARG.sub(r"{\1}", rule)


@dataclass(frozen=True)
class Param:
    """A query parameter: how it is read (and refused, naming itself) and how the document shows it.

    ``kind`` is ``int``, ``text`` (cleaned, at most ``max_length``), ``raw`` (as sent: Cypher),
    ``json`` (a JSON object), ``id`` (an entity id, as in paths), ``choice`` (one of ``choices``),
    ``type``/``types`` (entity types of the ontology), ``relations`` (relation types), ``levels``
    (evidence levels) or ``sort``. ``arg`` is the view's keyword when it differs.
    """

    name: str
    kind: str
    default: Any = None
    minimum: int = 0
    maximum: int = MAX_INT
    max_length: int = MAX_QUERY
    choices: tuple[str, ...] = ()
    required: bool = False
    description: str = ""
    arg: str | None = None

    def read(self, args: Mapping[str, str], ontology: Ontology) -> Any:
        if self.required and not (args.get(self.name) or "").strip():
            raise ValidationError("is required", self.name)
        if self.kind == "int":
            return int_arg(args, self.name, self.default, minimum=self.minimum, maximum=self.maximum)
        if self.kind == "text":
            return text_arg(args, self.name, max_length=self.max_length) or self.default
        if self.kind == "id":
            raw = text_arg(args, self.name, max_length=self.max_length)
            if not raw:
                return self.default
            canonical = canonical_id(raw)
            if canonical is None:
                raise ValidationError("is not an entity id", self.name)
            return canonical
        if self.kind == "choice":
            raw = args.get(self.name) or ""
            if not raw:
                return self.default
            if raw not in self.choices:
                raise ValidationError(f"must be one of {', '.join(self.choices)}", self.name)
            return raw
        if self.kind == "type":
            return type_arg(args, ontology, self.name)
        if self.kind == "types":
            return types_arg(args, ontology, self.name)
        if self.kind == "relations":
            names = [n for raw in args.getlist(self.name) for n in raw.split(",") if n]  # type: ignore[attr-defined]
            return ontology.check_relation_types(list(dict.fromkeys(names)), self.name)
        if self.kind == "raw":
            raw = args.get(self.name) or ""
            if len(raw) > self.max_length:
                raise ValidationError(f"longer than {self.max_length} characters", self.name)
            return raw or self.default
        if self.kind == "levels":
            allowed = evidence_levels(ontology)
            names = [n for raw in args.getlist(self.name) for n in raw.split(",") if n]  # type: ignore[attr-defined]
            for n in names:
                if n not in allowed:
                    raise ValidationError(f"must be among {', '.join(allowed)}", self.name)
            return list(dict.fromkeys(names))
        if self.kind == "json":
            raw = args.get(self.name) or ""
            if not raw:
                return self.default
            if len(raw) > self.max_length:
                raise ValidationError(f"longer than {self.max_length} characters", self.name)
            try:
                value = json.loads(raw)
            except ValueError:
                raise ValidationError("is not valid JSON", self.name) from None
            if not isinstance(value, dict):
                raise ValidationError("must be a JSON object", self.name)
            return value
        if self.kind == "sort":
            raw = args.get(self.name) or self.default
            if raw not in SORT_KEYS:
                raise ValidationError(f"must be one of {', '.join(SORT_KEYS)}", self.name)
            return raw
        raise ValueError(f"unknown parameter kind {self.kind!r}")

    def schema(self, ontology: Ontology | None) -> dict[str, Any]:
        if self.kind == "int":
            schema: dict[str, Any] = {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        elif self.kind in ("text", "id", "raw"):
            schema = {"type": "string", "maxLength": self.max_length}
        elif self.kind == "json":
            schema = {
                "type": "string",
                "maxLength": self.max_length,
                "contentMediaType": "application/json",
                "description": "a JSON object",
            }
        elif self.kind == "levels":
            schema = {"type": "array", "items": {"type": "string", "enum": evidence_levels(ontology)}}
        elif self.kind == "choice":
            schema = {"type": "string", "enum": list(self.choices)}
        elif self.kind == "sort":
            schema = {"type": "string", "enum": list(SORT_KEYS)}
        else:
            names = list(ontology.entity_types if self.kind in ("type", "types") else ontology.relation_types)
            schema = (
                {"type": "string", "enum": names}
                if self.kind == "type"
                else {"type": "array", "items": {"type": "string", "enum": names}}
            )
        if self.default not in (None, "", ()):
            schema["default"] = self.default
        return schema

    def document(self, ontology: Ontology) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "name": self.name,
            "in": "query",
            "required": self.required,
            "schema": self.schema(ontology),
        }
        if self.kind in ("types", "relations", "levels"):
            doc.update(style="form", explode=True)
        if self.description:
            doc["description"] = self.description
        return doc


@dataclass
class Operation:
    """One method on one path of the API, as the document shows it."""

    method: str
    rule: str
    endpoint: str
    summary: str
    params: tuple[Param, ...] = ()
    body: dict[str, Any] | None = None
    responses: dict[int, Any] = field(default_factory=dict)
    role: str | None = None
    tag: str = "read"
    description: str = ""

    def document(self, ontology: Ontology) -> dict[str, Any]:
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
            for name in _PATH_ARG.findall(self.rule)
        ]
        parameters += [p.document(ontology) for p in self.params]
        responses: dict[str, Any] = {}
        for status, content in sorted(self.responses.items()):
            responses[str(status)] = _response(status, content)
        for status, text in _ERRORS.items():
            if status == 400 and not (self.params or self.body or parameters):
                continue
            if status in (401, 403) and not self.role:
                continue
            responses.setdefault(str(status), {"description": text, "content": {JSON: {"schema": ERROR}}})
        responses = dict(sorted(responses.items()))  # by status: 200, 201, 400, 401 ...
        responses["default"] = {"description": "Any other error, same shape", "content": {JSON: {"schema": ERROR}}}
        op: dict[str, Any] = {
            "operationId": self.endpoint,
            "summary": self.summary,
            "tags": [self.tag],
            "parameters": parameters,
            "responses": responses,
        }
        if self.description:
            op["description"] = self.description
        if self.body is not None:
            op["requestBody"] = {"required": True, "content": {JSON: {"schema": self.body}}}
        if self.role:
            op["security"] = [{"bearerToken": []}, {"session": []}]
            op["x-required-role"] = self.role
        return op


_ERRORS = {
    400: "Bad input; `field` names the parameter or body field",
    401: "No or an invalid token (or session)",
    403: "The account's role is too low",
    404: "No such entity (or route)",
}


def _response(status: int, content: Any) -> dict[str, Any]:
    """``content``: a JSON schema, or a dict of media type → schema (downloads), with a description."""
    if isinstance(content, tuple):
        description, body = content
    else:
        description, body = ("OK", content)
    if isinstance(body, dict) and body and all("/" in key for key in body):
        return {"description": description, "content": {media: {"schema": s} for media, s in body.items()}}
    return {"description": description, "content": {JSON: {"schema": body}}}


class ApiSpec:
    """The API's blueprint with the operations declared on it, and the document made from them."""

    def __init__(self, blueprint: Blueprint, *, title: str, version: str, components: dict[str, Any]):
        self.blueprint = blueprint
        self.title = title
        self.version = version
        self.components = components
        self.operations: list[Operation] = []

    def operation(
        self,
        method: str,
        rule: str,
        *,
        summary: str,
        params: tuple[Param, ...] = (),
        body: dict[str, Any] | None = None,
        responses: dict[int, Any],
        role: str | None = None,
        tag: str = "read",
        description: str = "",
    ) -> Callable[[Callable], Callable]:
        """Register ``view`` for ``method`` on ``rule``; it gets its query parameters as keywords.

        With ``role`` the view is wrapped in :func:`webui.auth.require_role` (checked before
        the parameters are read, so a reader learns nothing but 403).
        """

        def decorate(view: Callable) -> Callable:
            from .db import get_store

            @functools.wraps(view)
            def with_params(**path_args: Any) -> Any:
                ontology = get_store().ontology if params else None
                values = {p.arg or p.name: p.read(request.args, ontology) for p in params}
                return view(**path_args, **values)

            wrapped = require_role(role)(with_params) if role else with_params
            self.blueprint.add_url_rule(rule, endpoint=view.__name__, view_func=wrapped, methods=[method])
            self.operations.append(
                Operation(method, rule, view.__name__, summary, params, body, responses, role, tag, description)
            )
            return wrapped

        return decorate

    def document(self, ontology: Ontology, *, prefix: str) -> dict[str, Any]:
        """The OpenAPI 3.1 document, with the ontology's type names as enums."""
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            paths.setdefault(prefix + openapi_path(op.rule), {})[op.method.lower()] = op.document(ontology)
        components = _with_ontology(self.components, ontology)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "servers": [{"url": "/"}],
            "paths": paths,
            "components": {
                "schemas": components,
                "securitySchemes": {
                    "bearerToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API token from your account page (`gkb_...`)",
                    },
                    "session": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": "session",
                        "description": "The web session; writes then need the X-CSRFToken header",
                    },
                },
            },
        }


def _with_ontology(components: dict[str, Any], ontology: Ontology) -> dict[str, Any]:
    """The component schemas with ``"x-enum": "entity_types" | "relation_types"`` made real enums."""

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            kind = node.get("x-enum")
            out = {k: fill(v) for k, v in node.items() if k != "x-enum"}
            if kind == "entity_types":
                out["enum"] = list(ontology.entity_types)
            elif kind == "relation_types":
                out["enum"] = list(ontology.relation_types)
            return out
        if isinstance(node, list):
            return [fill(v) for v in node]
        return node

    return fill(components)
