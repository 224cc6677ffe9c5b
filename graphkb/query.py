"""Read-only Cypher for researchers: the console's engine, its examples and the structured query builder.

One call, both stores::

    result = run_query(store, "MATCH (p:Practice)-[r:LEADS_TO]->(o:Outcome) RETURN p.id, o.id", timeout=5)
    result.columns, result.rows, result.truncated, result.graph, result.elapsed_ms

Layers of refusal, so a write never runs and a runaway query never hangs a worker:

1. :func:`graphkb.query_common.check_read_only` reads the query's tokens and refuses write clauses,
   administration commands, ``LOAD CSV``, procedures outside a small read allow-list, and the names
   of the account nodes that share the Neo4j database (``User``, ``password_hash`` …), naming what
   it refused;
2. on **Neo4j** (:mod:`graphkb.query_neo4j`) the database decides: a READ-mode transaction refuses
   every write, Neo4j's own ``EXPLAIN`` plan is checked for LOAD CSV, procedure calls and commands,
   and the transaction timeout stops the query on the server; at most ``row_limit + 1`` rows are read;
3. on the **embedded store** (:mod:`graphkb.query_embedded`) grand-cypher runs over the networkx
   projection in a forked child that is killed at the time limit; it has no write clauses at all,
   and what it cannot parse is refused with "not supported on the embedded store: …".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ValidationError
from .query_common import MAX_QUERY_LENGTH, READ_PROCEDURES, QueryResult, QueryTimeout, check_read_only
from .schema import Ontology

__all__ = [
    "run_query",
    "QueryResult",
    "QueryTimeout",
    "EXAMPLES",
    "example",
    "build_pattern_query",
    "READ_PROCEDURES",
    "MAX_QUERY_LENGTH",
    "MAX_ROW_LIMIT",
    "MAX_TIMEOUT",
]

MAX_ROW_LIMIT = 100_000
MAX_TIMEOUT = 300.0

# Examples run on both stores: grand-cypher's subset, double-quoted strings, no deleted entities
# (Neo4j keeps them with deleted = true; the projection leaves them out).
EXAMPLES: list[dict[str, str]] = [
    {
        "id": "practices-outcomes",
        "title_de": "Welche Praktiken führen zu welchen Wirkungen – und mit welchem Evidenzgrad?",
        "title_en": "Which practices lead to which outcomes – and on what evidence level?",
        "cypher": (
            "MATCH (p:Practice)-[r:LEADS_TO]->(o:Outcome)\n"
            "WHERE p.deleted <> true AND o.deleted <> true\n"
            "RETURN p.id AS practice, p.label_de AS practice_de, o.id AS outcome, o.label_de AS outcome_de,"
            " r.evidence_level AS evidence_level\n"
            "ORDER BY practice, outcome"
        ),
    },
    {
        "id": "graz-advisers",
        "title_de": "Wer hat Graz beraten?",
        "title_en": "Who advised Graz?",
        "cypher": (
            'MATCH (c:City {id: "graz"})-[r:ADVISED_BY]->(a)\n'
            "WHERE a.deleted <> true\n"
            "RETURN a.id AS adviser, a.label_de AS label_de, a.type AS type, r.since AS since, r.until AS until\n"
            "ORDER BY adviser"
        ),
    },
    {
        "id": "delegation-lessons",
        "title_de": "Was hat die Delegation gelernt – und von wem?",
        "title_en": "What did the delegation learn – and from whom?",
        "cypher": (
            "MATCH (l:Lesson)-[r:LEARNED_FROM]->(x)\n"
            "WHERE l.deleted <> true AND x.deleted <> true\n"
            "RETURN l.id AS lesson, l.label_de AS lesson_de, l.label_en AS lesson_en, x.label_de AS learned_from\n"
            "ORDER BY lesson"
        ),
    },
    {
        "id": "outcomes-by-practices",
        "title_de": "Welche Wirkungen werden von den meisten Praktiken erreicht?",
        "title_en": "Which outcomes are reached by the most practices?",
        "cypher": (
            "MATCH (p:Practice)-[r:LEADS_TO]->(o:Outcome)\n"
            "WHERE p.deleted <> true AND o.deleted <> true\n"
            "RETURN o.id AS outcome, o.label_de AS outcome_de, COUNT(p) AS practices\n"
            "ORDER BY practices DESC, outcome\n"
            "LIMIT 10"
        ),
    },
    {
        "id": "studied-links",
        "title_de": "Wirkungsbelege aus Evaluationen und Studien (als Graph)",
        "title_en": "Links backed by evaluations and studies (as a graph)",
        "cypher": (
            "MATCH (p)-[r:LEADS_TO]->(o:Outcome)\n"
            'WHERE r.evidence_level IN ["evaluation", "study"] AND p.deleted <> true AND o.deleted <> true\n'
            "RETURN p, r, o"
        ),
    },
]


def example(example_id: str) -> dict[str, str]:
    """The example named ``example_id``, or NotFound-like ValidationError."""
    for ex in EXAMPLES:
        if ex["id"] == example_id:
            return ex
    raise ValidationError(f"no example {example_id!r}", "example")


def run_query(
    store: Any,
    cypher: str,
    *,
    params: Mapping[str, Any] | None = None,
    timeout: float = 5.0,
    row_limit: int = 1000,
) -> QueryResult:
    """Run a read-only Cypher query on ``store`` with a time limit and a row cap.

    Parameters
    ----------
    store : Store
        A Neo4j store runs full Cypher natively; any other store runs grand-cypher's subset over
        its networkx projection.
    cypher : str
        The query; values belong in ``params`` (``$name``).
    timeout : float
        Seconds until the query is stopped (:class:`QueryTimeout`).
    row_limit : int
        At most this many rows are returned; ``truncated`` says whether there were more.

    Raises
    ------
    ValidationError
        A write, an administration command, a refused procedure, a syntax error, or (embedded
        store) a construct grand-cypher does not support.
    QueryTimeout
        The time limit was reached.
    """
    if not (0 < timeout <= MAX_TIMEOUT):
        raise ValidationError(f"between 0 and {MAX_TIMEOUT:g} seconds", "timeout")
    if not (0 < row_limit <= MAX_ROW_LIMIT):
        raise ValidationError(f"between 1 and {MAX_ROW_LIMIT}", "row_limit")
    params = dict(params or {})
    cypher = (cypher or "").strip()
    if cypher.endswith(";"):  # as pasted from cypher-shell or a script: one statement, its terminator
        cypher = cypher[:-1].rstrip()
    check_read_only(cypher)
    if _is_neo4j(store):
        from .query_neo4j import run_neo4j

        return run_neo4j(store, cypher, params, timeout=timeout, row_limit=row_limit)
    from .query_embedded import run_embedded

    return run_embedded(_projection(store), cypher, params, timeout=timeout, row_limit=row_limit)


def _is_neo4j(store: Any) -> bool:
    from .store.neo4j import Neo4jStore

    return isinstance(store, Neo4jStore)


def _projection(store: Any):
    from . import projection

    cached = getattr(projection, "projection_of", None)
    return cached(store) if cached is not None else projection.build_graph(store)


def build_pattern_query(
    ontology: Ontology,
    subject_type: str,
    relation: str,
    target_type: str,
    filters: Mapping[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Parameterised Cypher for ``(subject_type) -[relation]-> (target_type)`` with filters; runs on both stores.

    ``subject_type``/``target_type`` may be empty (any type the relation allows). ``filters`` may hold
    ``subject_label`` / ``target_label`` (label contains, either language, case-insensitive),
    ``qualifiers`` (``{name: value}``, equality; names must be the relation's qualifiers) and
    ``limit``. Names reach the Cypher only after the ontology approved them; values are parameters.

    >>> from graphkb.schema import default_ontology
    >>> cypher, params = build_pattern_query(default_ontology(), "Practice", "LEADS_TO", "Outcome",
    ...     {"target_label": "Teilhabe", "qualifiers": {"evidence_level": "study"}})
    >>> print(cypher)
    MATCH (s:Practice)-[r:LEADS_TO]->(t:Outcome)
    WHERE s.deleted <> true AND t.deleted <> true
      AND (toLower(t.label_de) CONTAINS $target_label OR toLower(t.label_en) CONTAINS $target_label)
      AND r.evidence_level = $q_evidence_level
    RETURN s AS subject, r AS statement, t AS target, r.evidence_level AS evidence_level
    ORDER BY s.id, t.id
    LIMIT 200
    >>> params
    {'target_label': 'teilhabe', 'q_evidence_level': 'study'}
    """
    filters = dict(filters or {})
    relation_type = ontology.relation_type(relation)  # NotFound/ValidationError for an unknown name
    for field_name, name, allowed in (
        ("subject_type", subject_type, relation_type.subjects),
        ("target_type", target_type, relation_type.targets),
    ):
        if name:
            ontology.entity_type(name)
            if name not in allowed:
                raise ValidationError(f"{relation} does not allow {name} here", field_name)
    subject = f"s:{subject_type}" if subject_type else "s:Entity"
    target = f"t:{target_type}" if target_type else "t:Entity"
    where = ["s.deleted <> true AND t.deleted <> true"]
    params: dict[str, Any] = {}
    for side, var in (("subject_label", "s"), ("target_label", "t")):
        text = str(filters.get(side) or "").strip()
        if text:
            if len(text) > 200:
                raise ValidationError("at most 200 characters", side)
            params[side] = text.lower()
            where.append(f"(toLower({var}.label_de) CONTAINS ${side} OR toLower({var}.label_en) CONTAINS ${side})")
    qualifiers = dict(filters.get("qualifiers") or {})
    for name, value in qualifiers.items():
        if name not in relation_type.qualifiers:
            raise ValidationError(f"{relation} has no qualifier {name!r}", "qualifiers")
        if value in (None, ""):
            continue
        params[f"q_{name}"] = _typed(relation_type.qualifiers[name].type, value, name)
        where.append(f"r.{name} = $q_{name}")
    try:
        limit = int(filters.get("limit") or 200)
    except (TypeError, ValueError):
        raise ValidationError("a whole number", "limit") from None
    if not 1 <= limit <= 10_000:
        raise ValidationError("between 1 and 10000", "limit")
    shown = [q for q in relation_type.qualifiers if q == "evidence_level" or q in qualifiers]
    returns = ["s AS subject", "r AS statement", "t AS target"] + [f"r.{q} AS {q}" for q in shown]
    condition = "\n  AND ".join(where)
    cypher = (
        f"MATCH ({subject})-[r:{relation}]->({target})\n"
        f"WHERE {condition}\n"
        f"RETURN {', '.join(returns)}\n"
        f"ORDER BY s.id, t.id\n"
        f"LIMIT {limit}"
    )
    return cypher, params


def _typed(property_type: str, value: Any, name: str) -> Any:
    """A filter value as the store holds it: numbers as numbers, the rest as text."""
    if property_type in ("integer", "number"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError("must be a number", name) from None
        return int(number) if property_type == "integer" and number.is_integer() else number
    if property_type == "boolean":
        return str(value).lower() in ("true", "1", "yes", "ja")
    return str(value)
