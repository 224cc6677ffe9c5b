"""Console queries on the Neo4j store: a READ transaction with a server-side time limit and a row cap.

The database is the judge, in three ways, after :func:`graphkb.query_common.check_read_only`:

* the session is in READ access mode, so Neo4j refuses every write (``Neo.ClientError.Statement.AccessMode``);
* ``EXPLAIN`` first, in the same transaction: Neo4j's own plan must be a read (``query_type == "r"``),
  on this database only, and free of the operators READ mode still allows but a console must not:
  ``LoadCSV`` (reads files and URLs), procedure calls outside the allow-list (``dbms.listConfig``),
  ``Show…``/``Terminate…`` commands and administration commands (``SHOW USERS`` runs on ``system``);
* the transaction's timeout is enforced by the server, which terminates a runaway query.
"""

from __future__ import annotations

import time
from typing import Any

import neo4j
from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship

from .errors import StoreUnavailable, ValidationError
from .query_common import READ_PROCEDURES, QueryResult, QueryTimeout

__all__ = ["run_neo4j"]

# Internal search helpers of the store: noise in a researcher's table.
_HIDDEN_NODE_PROPERTIES = frozenset({"search_text", "search_labels", "sort_de", "sort_en"})
# Node labels a console result may show: the knowledge graph and its public history.
_VISIBLE_LABELS = frozenset({"Entity", "Revision"})


def run_neo4j(
    store: Any, cypher: str, params: dict[str, Any], *, timeout: float, row_limit: int, explain: bool = True
) -> QueryResult:
    """Run a checked query on ``store`` (a :class:`graphkb.store.neo4j.Neo4jStore`).

    ``explain=False`` skips the plan check, leaving READ mode alone to refuse writes (for tests that prove it).
    """
    start = time.perf_counter()
    try:
        with store._driver.session(database=store.database, default_access_mode=neo4j.READ_ACCESS) as session:
            with session.begin_transaction(timeout=timeout) as tx:
                if explain:
                    _check_plan(tx, cypher, params, store.database)
                result = tx.run(cypher, params)
                columns = list(result.keys())
                records = []
                for record in result:
                    if len(records) > row_limit:
                        break
                    records.append(record.values())
                truncated = len(records) > row_limit
                records = records[:row_limit]
                converter = _Converter()
                rows = [[converter.value(v) for v in values] for values in records]
                converter.resolve_ends(tx)
                tx.rollback()  # nothing to keep; also drops the unread rest of a capped result
    except Neo4jError as exc:
        raise _translate(exc) from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
    except DriverError as exc:
        raise StoreUnavailable(f"Neo4j driver error: {exc}") from exc
    return QueryResult(
        columns=columns,
        rows=converter.finish_rows(rows),
        truncated=truncated,
        elapsed_ms=(time.perf_counter() - start) * 1000,
        graph=converter.graph(),
        engine="neo4j",
        notes=[f"{converter.hidden} nodes outside the knowledge graph (accounts, bookkeeping) are shown as null"]
        if converter.hidden
        else [],
    )


def _check_plan(tx: neo4j.Transaction, cypher: str, params: dict[str, Any], database: str) -> None:
    summary = tx.run("EXPLAIN " + cypher, params).consume()
    pending = [summary.plan] if summary.plan else []
    while pending:
        step = pending.pop()
        operator, _, on_database = str(step.get("operatorType", "")).partition("@")
        details = str((step.get("args") or {}).get("Details", ""))
        if on_database and on_database != database:
            raise ValidationError(f"the console reads database {database!r} only, not {on_database!r}", "q")
        if operator == "LoadCSV":
            raise ValidationError("the console is read-only: LOAD CSV is refused", "q")
        if operator.startswith(("Show", "Terminate", "Administration", "SystemProcedure")):
            raise ValidationError(f"the console is read-only: {operator} is refused", "q")
        if operator == "ProcedureCall":
            procedure = details.split("(", 1)[0].strip()
            if procedure not in READ_PROCEDURES:
                raise ValidationError(f"the console is read-only: procedure {procedure} is refused", "q")
        pending.extend(step.get("children") or [])
    if summary.query_type not in ("r", None):
        raise ValidationError(f"the console is read-only: Neo4j plans this query as {summary.query_type!r}", "q")


def _translate(exc: Neo4jError) -> Exception:
    code = exc.code or ""
    message = exc.message or str(exc)
    if "TransactionTimedOut" in code or code == "Neo.TransientError.Transaction.Terminated":
        return QueryTimeout("the query ran into the time limit and was stopped")
    if code == "Neo.ClientError.Statement.AccessMode":
        return ValidationError("the console is read-only: Neo4j refused a write", "q")
    if code.startswith("Neo.ClientError.Database.DatabaseNotFound"):
        return StoreUnavailable(message)
    if code.startswith("Neo.ClientError.Security"):
        return ValidationError(f"refused by Neo4j: {message}", "q")
    if code.startswith("Neo.TransientError"):
        return StoreUnavailable(f"Neo4j is busy: {message}")
    # syntax errors, unknown functions, type and arithmetic errors, memory limits: the query's fault
    return ValidationError(message.split("\n")[0] if code.endswith("SyntaxError") else message, "q")


def _revision_id(props: dict[str, Any]) -> str:
    return f"{props.get('entity_id')}/revisions/{props.get('number')}"


class _Converter:
    """Driver values → JSON-able values; nodes and relationships also collected for the graph view."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}  # element id -> node dict
        self.edges: dict[str, dict[str, Any]] = {}  # element id -> relationship dict
        self.ends: dict[str, str | None] = {}  # element id of an end node -> entity id
        self.end_nodes: dict[str, dict[str, Any]] = {}  # entity id -> graph node of an end not returned itself
        self.hidden = 0  # nodes outside the knowledge graph, returned as null

    def value(self, v: Any) -> Any:
        if isinstance(v, Node):
            return self.node(v)
        if isinstance(v, Relationship):
            return self.relationship(v)
        if isinstance(v, Path):
            nodes = [self.node(n) for n in v.nodes]
            if None in nodes:
                return None
            return {
                "nodes": nodes,
                "relationships": [self.relationship(r) for r in v.relationships],
            }
        if isinstance(v, list | tuple):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {str(k): self.value(x) for k, x in v.items()}
        if v is None or isinstance(v, bool | int | float | str):
            return v
        return str(v)  # dates, times, durations, points: their ISO-like text

    def node(self, n: Node) -> dict[str, Any] | None:
        if not (set(n.labels) & _VISIBLE_LABELS):
            # accounts and bookkeeping share the database: shown as null, never their properties
            self.hidden += 1
            return None
        if n.element_id not in self.nodes:
            props = {k: self.value(x) for k, x in n.items() if k not in _HIDDEN_NODE_PROPERTIES}
            self.nodes[n.element_id] = {
                "id": props["id"] if "Entity" in n.labels else _revision_id(props),
                "type": props.get("type", "Revision" if "Revision" in n.labels else ""),
                "labels": sorted(n.labels),
                "properties": props,
            }
        return self.nodes[n.element_id]

    def relationship(self, r: Relationship) -> dict[str, Any]:
        if r.element_id not in self.edges:
            start = r.start_node.element_id if r.start_node is not None else ""
            end = r.end_node.element_id if r.end_node is not None else ""
            self.ends.setdefault(start, None)
            self.ends.setdefault(end, None)
            props = {k: self.value(x) for k, x in r.items()}
            self.edges[r.element_id] = {
                "id": props.get("id", r.element_id),
                "type": r.type,
                "start": start,
                "end": end,
                "properties": props,
            }
        return self.edges[r.element_id]

    def resolve_ends(self, tx: neo4j.Transaction) -> None:
        """Relationships arrive with their ends' element ids only: look up the entity ids in one query."""
        for element_id, node in self.nodes.items():
            self.ends[element_id] = node["id"]
        missing = [e for e, entity in self.ends.items() if entity is None and e]
        if missing:
            for record in tx.run(
                "MATCH (n) WHERE elementId(n) IN $ids RETURN elementId(n) AS e, labels(n) AS labels, "
                "n {.id, .type, .label_de, .label_en, .entity_id, .number} AS node",
                ids=missing,
            ):
                node = record["node"]
                if "Entity" in record["labels"]:
                    self.ends[record["e"]] = node["id"]
                    self.end_nodes[node["id"]] = {k: node[k] or "" for k in ("id", "type", "label_de", "label_en")}
                elif "Revision" in record["labels"]:
                    self.ends[record["e"]] = _revision_id(node)
        for edge in self.edges.values():
            for side in ("start", "end"):
                if self.ends.get(edge[side]) is None:
                    raise ValidationError(
                        "the console reads the knowledge graph only; the result holds other nodes", "q"
                    )
                edge[side] = self.ends[edge[side]]

    @staticmethod
    def finish_rows(rows: list[list[Any]]) -> list[list[Any]]:
        return rows  # the dicts are shared with self.edges, so resolve_ends fixed them in place

    def graph(self) -> dict[str, list[dict[str, Any]]]:
        nodes = {
            n["id"]: {
                "id": n["id"],
                "type": n["type"],
                "label_de": n["properties"].get("label_de", ""),
                "label_en": n["properties"].get("label_en", ""),
            }
            for n in self.nodes.values()
            if "Entity" in n["labels"]
        }
        for entity_id, node in self.end_nodes.items():
            nodes.setdefault(entity_id, node)
        edges = [
            {"id": e["id"], "type": e["type"], "source": e["start"], "target": e["end"]}
            for e in self.edges.values()
            if e["start"] in nodes and e["end"] in nodes
        ]
        return {"nodes": list(nodes.values()), "edges": edges}
