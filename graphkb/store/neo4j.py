"""The Neo4j store: the graph as researchers expect to query it, through the official driver.

Data model (what a Cypher query sees):

* every entity is a node ``(:Entity:<Type> {id, type, label_de, label_en, description_de, …})``;
  its ontology properties are node properties of their own name (``c.population``), aliases are
  lists (``aliases_de``), the Markdown body is ``body``;
* every statement is a relationship of its relation type between two entity nodes,
  ``(p:Practice)-[:LEADS_TO {id, position, evidence_level, …}]->(o:Outcome)``: qualifiers are
  properties of their own name; citations are three parallel lists ``citation_sources``,
  ``citation_quotes``, ``citation_locators`` (Neo4j properties cannot hold maps, and reifying
  statements as nodes would break ``(p)-[:LEADS_TO]->(o)``);
* every revision is a ``(:Revision {entity_id, number, seq, author, timestamp, summary, action,
  snapshot})`` node, linked ``(:Entity)-[:HAS_REVISION]->(:Revision)``; users are ``(:User)``
  nodes, API token records ``(:ApiToken)`` nodes; one ``(:GraphMeta {key: 'graph'})`` node holds
  the graph version and revision sequence.

Every query is parameterised: labels and relationship types go in as parameters too
(``CREATE (n:Entity:$($type))``, Cypher 5.26). Only the schema statements run at open, which
Cypher does not parameterise, interpolate names, and only names the ontology validated.

Every write is one managed transaction: it locks the entity's node first, then checks the base
revision, so concurrent writers are serialised per entity and a stale base is a conflict. The
driver retries transient failures (deadlocks, leader switches) by re-running the whole function.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote, urlsplit

import neo4j
import orjson
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from ..errors import Conflict, EditConflict, NotFound, ReferencedError, StoreUnavailable, ValidationError
from ..model import (
    ApiToken,
    Citation,
    Edge,
    Entity,
    EntitySummary,
    Incoming,
    Page,
    Revision,
    Statement,
    Stats,
    Subgraph,
    User,
)
from ..schema import Ontology
from ..text import fold, slugify
from .base import BaseStore, EdgeRow, NodeRow, Progress, author_name, chunks, new_statement_id, paging
from .base import now as _now

__all__ = ["Neo4jStore", "parse_url", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1

# Node properties the store owns; ontology properties may not use these names.
NODE_FIELDS = frozenset(
    "id type label_de label_en sort_de sort_en description_de description_en aliases_de aliases_en body revision "
    "deleted deleted_reason created_at updated_at updated_by search_labels search_text refs".split()
)
# Relationship properties the store owns; qualifiers may not use these names.
REL_FIELDS = frozenset("id position citation_sources citation_quotes citation_locators".split())

_REV_FIELDS = "{.entity_id, .number, .parent, .author, .timestamp, .summary, .action, .entity_type, .label, .size}"
_LIVE_TYPES = "UNWIND $ids AS x MATCH (n:Entity {id: x}) WHERE NOT n.deleted RETURN n.id AS id, n.type AS type"


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def parse_url(url: str) -> dict[str, Any]:
    """``neo4j://user:password@host:7687/database`` → driver URI, auth and database.

    User, password and database fall back to NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE;
    without a password the driver connects without authentication (a server with auth off).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"):
        raise ValidationError(f"not a Neo4j URL: {url!r}", "GRAPHKB_STORE")
    if not parts.hostname:
        raise ValidationError(f"no host in {url!r}", "GRAPHKB_STORE")
    user = unquote(parts.username or "") or os.environ.get("NEO4J_USER") or "neo4j"
    password = unquote(parts.password or "") or os.environ.get("NEO4J_PASSWORD") or ""
    database = parts.path.strip("/") or os.environ.get("NEO4J_DATABASE") or "neo4j"
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    uri = f"{parts.scheme}://{host}:{parts.port or 7687}"
    return {"uri": uri, "auth": (user, password) if password else None, "database": database}


def _summary_list(var: str) -> str:
    """Cypher for an entity summary as a list: lists decode faster than maps in the driver."""
    fields = ("id", "type", "label_de", "label_en", "description_de", "description_en", "deleted")
    return "[" + ", ".join(f"{var}.{f}" for f in fields) + "]"


def _summary_of(row: list[Any]) -> EntitySummary:
    return EntitySummary(
        id=row[0],
        type=row[1],
        labels={"de": row[2] or "", "en": row[3] or ""},
        descriptions={"de": row[4] or "", "en": row[5] or ""},
        deleted=bool(row[6]),
    )


def _escape_lucene(term: str) -> str:
    return "".join("\\" + ch if ch in '+-&|!(){}[]^"~*?:\\/' else ch for ch in term)


class Neo4jStore(BaseStore):
    def __init__(
        self,
        url: str,
        *,
        ontology: Ontology,
        retry_seconds: float | None = None,
        connection_timeout: float = 5.0,
    ):
        self.ontology = ontology
        self._check_ontology_names()
        settings = parse_url(url)
        self.url = url
        self.database = settings["database"]
        # A short retry window: when Neo4j is down, a visitor gets a 503 in seconds, not minutes.
        retry = float(os.environ.get("GRAPHKB_NEO4J_RETRY_SECONDS", 5)) if retry_seconds is None else retry_seconds
        self._driver = neo4j.GraphDatabase.driver(
            settings["uri"],
            auth=settings["auth"],
            max_transaction_retry_time=retry,
            connection_timeout=connection_timeout,
            connection_acquisition_timeout=max(connection_timeout, 10.0),
            user_agent="graphkb",
            # the server's hints (e.g. "property `deleted` does not exist yet" on an empty graph)
            # are for people writing queries, not for an app's log
            notifications_min_severity="OFF",
        )
        self._uri = settings["uri"]
        self._stats_cache: tuple[int, Stats] | None = None
        try:
            self._ensure_schema()
        except BaseException:
            self._driver.close()
            raise

    def __repr__(self) -> str:
        return f"Neo4jStore({self._uri!r}, database={self.database!r})"  # never the password

    # -- connection, transactions and schema ---------------------------------------------------

    def _run(self, mode: str, work: Callable[[neo4j.ManagedTransaction], Any]) -> Any:
        """Run ``work`` in a managed transaction; driver failures become store errors."""
        try:
            with self._driver.session(database=self.database) as session:
                if mode == "write":
                    return session.execute_write(work)
                return session.execute_read(work)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j refused the credentials: {exc.message}") from exc
        except ConstraintError as exc:
            # validation runs first; this is the database's own net (e.g. a dump that repeats a
            # revision), reported as the caller's error, with nothing written
            raise ValidationError(f"the change breaks an integrity rule of the store ({exc.message})") from exc
        except TransientError as exc:
            # still failing after the driver's retries (deadlocks, memory pressure): try later
            raise StoreUnavailable(f"Neo4j is busy: {exc.message}") from exc
        except Neo4jError as exc:
            if exc.code and exc.code.startswith("Neo.ClientError.Database.DatabaseNotFound"):
                raise StoreUnavailable(f"Neo4j has no database {self.database!r}") from exc
            raise
        except DriverError as exc:
            raise StoreUnavailable(f"Neo4j driver error: {exc}") from exc

    def _read(self, work: Callable[[neo4j.ManagedTransaction], Any]) -> Any:
        return self._run("read", work)

    def _write(self, work: Callable[[neo4j.ManagedTransaction], Any]) -> Any:
        """A write transaction that also bumps the graph version."""

        def with_version(tx: neo4j.ManagedTransaction) -> Any:
            result = work(tx)
            tx.run("MATCH (m:GraphMeta {key: 'graph'}) SET m.version = m.version + 1").consume()
            return result

        return self._run("write", with_version)

    def _query(self, cypher: str, **params: Any) -> list[neo4j.Record]:
        """The records of one read query, in a managed read transaction."""
        return self._read(lambda tx: list(tx.run(cypher, params)))

    def _schema_statements(self) -> list[tuple[str, str]]:
        """(name, statement) for every constraint and index; names only from the ontology."""
        statements = [
            ("entity_id", "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE"),
            (
                "revision_key",
                "CREATE CONSTRAINT revision_key IF NOT EXISTS "
                "FOR (r:Revision) REQUIRE (r.entity_id, r.number) IS UNIQUE",
            ),
            (
                "revision_seq",
                "CREATE CONSTRAINT revision_seq IF NOT EXISTS FOR (r:Revision) REQUIRE r.seq IS UNIQUE",
            ),
            ("user_name", "CREATE CONSTRAINT user_name IF NOT EXISTS FOR (u:User) REQUIRE u.name IS UNIQUE"),
            (
                "api_token_id",
                "CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE",
            ),
            ("api_token_user", "CREATE INDEX api_token_user IF NOT EXISTS FOR (t:ApiToken) ON (t.token_user)"),
            ("meta_key", "CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:GraphMeta) REQUIRE m.key IS UNIQUE"),
            ("entity_type", "CREATE INDEX entity_type IF NOT EXISTS FOR (n:Entity) ON (n.type)"),
            ("entity_sort_de", "CREATE INDEX entity_sort_de IF NOT EXISTS FOR (n:Entity) ON (n.sort_de)"),
            ("entity_sort_en", "CREATE INDEX entity_sort_en IF NOT EXISTS FOR (n:Entity) ON (n.sort_en)"),
            ("entity_updated", "CREATE INDEX entity_updated IF NOT EXISTS FOR (n:Entity) ON (n.updated_at)"),
            # substring search over folded labels and aliases: a text index answers CONTAINS
            ("entity_labels", "CREATE TEXT INDEX entity_labels IF NOT EXISTS FOR (n:Entity) ON (n.search_labels)"),
            # words and word prefixes of the folded descriptions, like the embedded store's word index
            (
                "entity_text",
                "CREATE FULLTEXT INDEX entity_text IF NOT EXISTS FOR (n:Entity) ON EACH [n.search_text] "
                "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}",
            ),
            # no indexes on Revision.author or .entity_type: recent changes walk the seq index newest
            # first and filter, which stays cheap while the filter matches often; the indexes cost
            # every write (a tenth of a bulk import) to speed up only a filter that matches rarely
        ]
        for name in sorted(self.ontology.entity_types):
            # a label index per type keeps MATCH (p:Practice) a label scan; Entity covers the rest
            statements.append(
                (f"type_{name}_id", f"CREATE INDEX `type_{name}_id` IF NOT EXISTS FOR (n:`{name}`) ON (n.id)")
            )
        return statements

    def _ensure_schema(self) -> None:
        wanted = self._schema_statements()
        try:
            existing = {
                r["name"] for r in self._driver.execute_query("SHOW INDEXES YIELD name", database_=self.database)[0]
            } | {
                r["name"] for r in self._driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=self.database)[0]
            }
            missing = [stmt for name, stmt in wanted if name not in existing]
            for stmt in missing:
                self._driver.execute_query(stmt, database_=self.database)
            if missing:
                self._driver.execute_query("CALL db.awaitIndexes(300)", database_=self.database)
            self._driver.execute_query(
                "MERGE (m:GraphMeta {key: 'graph'}) "
                "ON CREATE SET m.version = 0, m.revision_seq = 0, m.schema_version = $v, m.changes_from = 0 "
                # a graph from before revisions recorded their graph version: changes from now on
                "ON MATCH SET m.changes_from = coalesce(m.changes_from, m.version)",
                v=SCHEMA_VERSION,
                database_=self.database,
            )
        except (ServiceUnavailable, SessionExpired, DriverError) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j refused the credentials: {exc.message}") from exc

    def _check_ontology_names(self) -> None:
        for etype in self.ontology.entity_types.values():
            clash = NODE_FIELDS & set(etype.properties)
            if clash:
                raise ValidationError(f"{etype.name} properties use names the Neo4j store keeps: {sorted(clash)}")
        for rtype in self.ontology.relation_types.values():
            clash = REL_FIELDS & set(rtype.qualifiers)
            if clash:
                raise ValidationError(f"{rtype.name} qualifiers use names the Neo4j store keeps: {sorted(clash)}")

    def close(self) -> None:
        self._driver.close()

    # -- mapping between the model and Neo4j properties ----------------------------------------

    @staticmethod
    def _statement(props: dict[str, Any], rel_type: str, target: str) -> Statement:
        qualifiers = {k: v for k, v in props.items() if k not in REL_FIELDS}
        citations = [
            Citation(s, q, loc)
            for s, q, loc in zip(
                props.get("citation_sources") or [],
                props.get("citation_quotes") or [],
                props.get("citation_locators") or [],
                strict=True,
            )
        ]
        return Statement(rel_type, target, dict(sorted(qualifiers.items())), citations, props.get("id"))

    def _entity(self, node: dict[str, Any], statements: list[dict[str, Any]]) -> Entity:
        statements = sorted(statements, key=lambda s: s["props"].get("position", 0))
        return Entity(
            id=node["id"],
            type=node["type"],
            labels={"de": node.get("label_de", ""), "en": node.get("label_en", "")},
            aliases={"de": list(node.get("aliases_de") or []), "en": list(node.get("aliases_en") or [])},
            descriptions={"de": node.get("description_de", ""), "en": node.get("description_en", "")},
            body=node.get("body", ""),
            properties={k: v for k, v in sorted(node.items()) if k not in NODE_FIELDS},
            statements=[self._statement(s["props"], s["type"], s["target"]) for s in statements],
            revision=node.get("revision", 0),
            deleted=bool(node.get("deleted")),
            deleted_reason=node.get("deleted_reason", ""),
            created_at=node.get("created_at", ""),
            updated_at=node.get("updated_at", ""),
            updated_by=node.get("updated_by", ""),
        )

    def _node_props(self, e: Entity) -> dict[str, Any]:
        props = dict(e.properties)
        sort_de, sort_en = fold(e.label("de")), fold(e.label("en"))
        aliases = " | ".join(a for lang in ("de", "en") for a in e.aliases.get(lang, []))
        props.update(
            id=e.id,
            type=e.type,
            label_de=e.labels["de"],
            label_en=e.labels["en"],
            sort_de=sort_de,
            sort_en=sort_en,
            description_de=e.descriptions["de"],
            description_en=e.descriptions["en"],
            aliases_de=list(e.aliases.get("de", [])),
            aliases_en=list(e.aliases.get("en", [])),
            body=e.body,
            revision=e.revision,
            deleted=e.deleted,
            deleted_reason=e.deleted_reason,
            created_at=e.created_at,
            updated_at=e.updated_at,
            updated_by=e.updated_by,
            search_labels=" | ".join((sort_de, sort_en if e.labels["en"] else "", fold(aliases))),
            search_text=fold(" | ".join(d for d in e.descriptions.values() if d)),
            refs=sorted(self._referenced_ids(e)),
        )
        return props

    @staticmethod
    def _rel_rows(e: Entity) -> list[dict[str, Any]]:
        rows = []
        for i, st in enumerate(e.statements):
            props = dict(st.qualifiers)
            props.update(
                id=st.id,
                position=i,
                citation_sources=[c.source for c in st.citations],
                citation_quotes=[c.quote for c in st.citations],
                citation_locators=[c.locator for c in st.citations],
            )
            rows.append({"s": e.id, "t": st.target, "type": st.type, "props": props})
        return rows

    @staticmethod
    def _revision(row: dict[str, Any], snapshot: str | None = None) -> Revision:
        return Revision(
            entity_id=row["entity_id"],
            number=row["number"],
            parent=row.get("parent"),
            author=row["author"],
            timestamp=row["timestamp"],
            summary=row.get("summary") or "",
            action=row["action"],
            snapshot=orjson.loads(snapshot) if snapshot is not None else None,
            entity_type=row.get("entity_type") or "",
            label=row.get("label") or "",
            size=row.get("size") or 0,
        )

    # -- reading -------------------------------------------------------------------------------

    _LOAD = (
        "OPTIONAL MATCH (n)-[r]->(t:Entity) "
        "RETURN properties(n) AS node, "
        "collect(CASE WHEN r IS NULL THEN NULL ELSE {type: type(r), target: t.id, props: properties(r)} END) AS sts"
    )

    def _load(self, tx: neo4j.ManagedTransaction, entity_id: str) -> Entity | None:
        record = tx.run("MATCH (n:Entity {id: $id}) " + self._LOAD, id=entity_id).single()
        if record is None:
            return None
        return self._entity(record["node"], record["sts"])

    def get(self, entity_id: str) -> Entity:
        """The entity as its current revision's snapshot.

        Neo4j reads are read-committed without read locks, and a commit is applied record by
        record: a node read while a writer commits can mix old and new properties and
        relationships (seen under 8 concurrent writers). A contributor who edits such a torn copy
        and saves it on the right base revision would silently undo the other edit. The revision
        snapshot is written once and never changed, so reading it is all or nothing; the node's
        properties and relationships are the query-friendly copy of the same state.
        """
        for _ in range(5):
            record = self._read(
                lambda tx: tx.run(
                    "MATCH (n:Entity {id: $id}) OPTIONAL MATCH (r:Revision {entity_id: $id, number: n.revision}) "
                    "RETURN r.snapshot AS snapshot, EXISTS { (n)-[:HAS_REVISION]->(:Revision) } AS versioned",
                    id=entity_id,
                ).single()
            )
            self._require(record, entity_id)
            if not record["versioned"]:
                break  # written by hand in Neo4j, without revisions: the node is all there is
            try:
                if record["snapshot"] is not None:
                    return Entity.from_dict(orjson.loads(record["snapshot"]))
            except orjson.JSONDecodeError:
                pass  # a snapshot caught while being written: read again
            time.sleep(0.002)  # the writer's commit is being applied: give it a moment
        # a graph edited by hand in Neo4j may lack revisions: fall back to the node itself
        return self._require(self._read(lambda tx: self._load(tx, entity_id)), entity_id)

    def get_many(self, ids: Iterable[str]) -> dict[str, EntitySummary]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        rows = self._query(
            f"UNWIND $ids AS x MATCH (n:Entity {{id: x}}) RETURN collect({_summary_list('n')}) AS rows", ids=ids
        )[0]["rows"]
        return {r[0]: _summary_of(r) for r in rows}

    def list(
        self,
        entity_type: str | None = None,
        *,
        offset: int = 0,
        limit: int = 50,
        sort: str = "label",
        lang: str = "de",
        text: str = "",
        include_deleted: bool = False,
    ) -> Page:
        offset, limit = self._list_args(entity_type, sort, offset, limit)
        where = []
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        if entity_type is not None:
            where.append("n.type = $type")
            params["type"] = entity_type
        if not include_deleted:
            where.append("NOT n.deleted")
        if text.strip():
            where.append("(n.sort_de CONTAINS $text OR n.sort_en CONTAINS $text)")
            params["text"] = fold(text.strip())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        column = {"label": "sort_en" if lang == "en" else "sort_de", "id": "id", "updated": "updated_at"}[
            sort.lstrip("-")
        ]
        direction = "DESC" if sort.startswith("-") else "ASC"

        # "IS NOT NULL" on the sort column lets the planner read its range index in order
        # instead of sorting every entity for one page
        ordered = " AND ".join([*where, f"n.{column} IS NOT NULL"])

        def work(tx: neo4j.ManagedTransaction) -> Page:
            total = tx.run(f"MATCH (n:Entity) {clause} RETURN count(n) AS c", params).single()["c"]
            rows = tx.run(
                f"MATCH (n:Entity) WHERE {ordered} WITH n ORDER BY n.{column} {direction}, n.id {direction} "
                f"SKIP $offset LIMIT $limit RETURN collect({_summary_list('n')}) AS rows",
                params,
            ).single()["rows"]
            return Page([_summary_of(r) for r in rows], total, offset, limit)

        return self._read(work)

    def search(self, query: str, *, types: Iterable[str] | None = None, limit: int = 20) -> list[EntitySummary]:
        """The embedded store's three tiers: label prefix, substring of labels and aliases, description words."""
        types = self.ontology.check_entity_types(types)
        _, limit = paging(0, limit)
        terms = fold(query).split()
        if not terms:
            return []
        phrase = " ".join(terms)
        type_filter = " AND n.type IN $types" if types else ""
        contains = [t for t in terms if len(t) >= 3]
        if len(phrase) >= 3 and (len(contains) != len(terms) or not contains):
            contains.append(phrase)  # short terms: the phrase as a substring
        contains.sort(key=len, reverse=True)  # the longest term is the most selective index lookup
        words = [_escape_lucene(t) + "*" for t in terms if len(t) >= 2]
        params = {"f": phrase, "types": types, "n": limit, "contains": contains, "q": " AND ".join(words)}

        # the three tiers in one round trip, each collected into one list (decoding is per record)
        tiers = [
            f"CALL () {{ MATCH (n:Entity) WHERE n.{column} STARTS WITH $f AND NOT n.deleted{type_filter} "
            f"WITH n ORDER BY n.{column} LIMIT $n RETURN collect([n.{column}] + {_summary_list('n')}) AS {column} }}"
            for column in ("sort_de", "sort_en")
        ]
        returns = ["sort_de", "sort_en"]
        if contains:
            tiers.append(
                "CALL () { MATCH (n:Entity) WHERE n.search_labels CONTAINS $contains[0] "
                f"AND all(t IN $contains WHERE n.search_labels CONTAINS t) AND NOT n.deleted{type_filter} "
                f"WITH n LIMIT $n RETURN collect({_summary_list('n')}) AS labels }}"
            )
            returns.append("labels")
        if words:
            tiers.append(
                "CALL () { CALL db.index.fulltext.queryNodes('entity_text', $q, {limit: $n * 4}) YIELD node AS n "
                f"WITH n WHERE NOT n.deleted{type_filter} WITH n LIMIT $n "
                f"RETURN collect({_summary_list('n')}) AS words }}"
            )
            returns.append("words")
        cypher = " ".join(tiers) + " RETURN " + ", ".join(returns)

        def work(tx: neo4j.ManagedTransaction) -> list[EntitySummary]:
            record = tx.run(cypher, params).single()
            found: dict[str, EntitySummary] = {}

            def take(rows: Iterable[list[Any]]) -> None:
                for row in rows:
                    if len(found) >= limit:
                        return
                    found.setdefault(row[0], _summary_of(row))

            # label prefixes first, an exact label before the labels it prefixes
            prefix = sorted(record["sort_de"] + record["sort_en"], key=lambda r: (r[0] != phrase, r[0]))
            take(r[1:] for r in prefix)
            if contains:
                take(sorted(record["labels"], key=lambda r: (len(r[2]), r[2])))
            if words:
                take(record["words"])
            return list(found.values())

        return self._read(work)

    def neighbours(
        self,
        entity_id: str,
        *,
        depth: int = 1,
        relation_types: Iterable[str] | None = None,
        entity_types: Iterable[str] | None = None,
        limit: int = 200,
    ) -> Subgraph:
        relation_types, entity_types, limit = self._neighbour_args(depth, relation_types, entity_types, limit)
        rel = " AND type(r) IN $rels" if relation_types else ""
        node_filter = " AND b.type IN $types" if entity_types else ""
        # One query per ring, in discovery order (frontier position, outgoing by statement
        # position, then incoming), capped at what still fits plus one to tell truncation.
        ring = (
            "UNWIND range(0, size($frontier) - 1) AS i MATCH (a:Entity {id: $frontier[i]}) "
            # expanding inside a subquery pins the plan to "seek a, then expand": with a short
            # $seen list the planner would otherwise scan every node and expand back
            f"CALL (a, i) {{ MATCH (a)-[r]-(b:Entity) WHERE NOT b.deleted AND NOT b.id IN $seen{rel}{node_filter} "
            "RETURN b, i * 2000000 + CASE WHEN startNode(r) = a THEN coalesce(r.position, 0) ELSE 1000000 END AS k0 } "
            "WITH b, min(k0) AS k ORDER BY k LIMIT $cap "
            # one record with lists, not a record per node: the driver's decoding is per record
            f"RETURN collect({_summary_list('b')}) AS bs"
        )

        def work(tx: neo4j.ManagedTransaction) -> Subgraph:
            start = tx.run(f"MATCH (n:Entity {{id: $id}}) RETURN {_summary_list('n')} AS n", id=entity_id).single()
            self._require(start, entity_id)
            nodes = {entity_id: _summary_of(start["n"])}
            frontier = [entity_id]
            truncated = False
            for _ in range(int(depth)):
                found = tx.run(
                    ring,
                    frontier=frontier,
                    seen=list(nodes),
                    rels=relation_types,
                    types=entity_types,
                    cap=limit - len(nodes) + 1,
                ).single()["bs"]
                next_frontier = []
                for row in found:
                    if len(nodes) >= limit:
                        truncated = True
                        break
                    nodes[row[0]] = _summary_of(row)
                    next_frontier.append(row[0])
                if truncated or not next_frontier:
                    break
                frontier = next_frontier
            order = {node_id: i for i, node_id in enumerate(nodes)}
            rows = tx.run(
                "UNWIND $ids AS x MATCH (a:Entity {id: x}) "
                f"CALL (a) {{ MATCH (a)-[r]->(b:Entity) WHERE b.id IN $ids{rel} RETURN r, b }} "
                "RETURN collect([r.id, a.id, type(r), b.id, r.position]) AS es",
                ids=list(nodes),
                rels=relation_types,
            ).single()["es"]
            rows.sort(key=lambda r: (order[r[1]], r[4] or 0))
            return Subgraph(list(nodes.values()), [Edge(r[0], r[1], r[2], r[3]) for r in rows], truncated)

        return self._read(work)

    def incoming(
        self, entity_id: str, *, relation_types: Iterable[str] | None = None, limit: int | None = None
    ) -> list[Incoming]:
        relation_types = self.ontology.check_relation_types(relation_types, "relations")
        rel = " AND type(r) IN $rels" if relation_types else ""
        return self._statements_of_others(
            entity_id,
            f"WITH e AS t MATCH (a:Entity)-[r]->(t) WHERE NOT a.deleted{rel}",
            {"rels": relation_types, "n": 100_000 if limit is None else paging(0, limit, maximum=100_000)[1]},
        )

    def cited_by(self, source_id: str, *, limit: int = 500) -> list[Incoming]:
        _, limit = paging(0, limit, maximum=5000)
        return self._statements_of_others(
            source_id,
            "MATCH (a:Entity)-[r]->(t:Entity) WHERE $id IN r.citation_sources AND NOT a.deleted",
            {"n": limit},
        )

    def _statements_of_others(self, entity_id: str, match: str, params: dict[str, Any]) -> list[Incoming]:
        def work(tx: neo4j.ManagedTransaction) -> list[Incoming]:
            rows = tx.run(
                f"MATCH (e:Entity {{id: $id}}) CALL (e) {{ {match} "
                "WITH a, r, t ORDER BY type(r), a.sort_de, r.position "
                f"LIMIT $n RETURN collect([{_summary_list('a')}, type(r), t.id, properties(r)]) AS rows }} "
                "RETURN rows",
                {**params, "id": entity_id},
            ).single()
            self._require(rows, entity_id)
            return [
                Incoming(subject=_summary_of(a), statement=self._statement(props, rel_type, target))
                for a, rel_type, target, props in rows["rows"]
            ]

        return self._read(work)

    def history(self, entity_id: str, *, offset: int = 0, limit: int = 50) -> list[Revision]:
        offset, limit = paging(offset, limit)

        def work(tx: neo4j.ManagedTransaction) -> list[Revision]:
            self._require(tx.run("MATCH (n:Entity {id: $id}) RETURN 1", id=entity_id).single(), entity_id)
            return [
                self._revision(r["row"])
                for r in tx.run(
                    f"MATCH (r:Revision {{entity_id: $id}}) RETURN r {_REV_FIELDS} AS row "
                    "ORDER BY r.number DESC SKIP $offset LIMIT $limit",
                    id=entity_id,
                    offset=offset,
                    limit=limit,
                )
            ]

        return self._read(work)

    def revision(self, entity_id: str, number: int) -> Revision:
        rows = self._query(
            f"MATCH (r:Revision {{entity_id: $id, number: $number}}) RETURN r {_REV_FIELDS} AS r, r.snapshot AS s",
            id=entity_id,
            number=int(number),
        )
        if not rows:
            raise NotFound(f"no revision {number} of {entity_id!r}")
        return self._revision(rows[0]["r"], rows[0]["s"])

    def recent_changes(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        entity_type: str | None = None,
        author: str | None = None,
    ) -> list[Revision]:
        offset, limit = paging(offset, limit)
        where = ["r.seq IS NOT NULL"]
        if entity_type:
            self.ontology.entity_type(entity_type)
            where.append("r.entity_type = $type")
        if author:
            where.append("r.author = $author")
        rows = self._query(
            f"MATCH (r:Revision) WHERE {' AND '.join(where)} RETURN r {_REV_FIELDS} AS row "
            "ORDER BY r.seq DESC SKIP $offset LIMIT $limit",
            type=entity_type,
            author=author,
            offset=offset,
            limit=limit,
        )
        return [self._revision(r["row"]) for r in rows]

    def stats(self) -> Stats:
        def work(tx: neo4j.ManagedTransaction) -> Stats:
            version = self._graph_version(tx)
            cached = self._stats_cache
            if cached is not None and cached[0] == version:
                return cached[1]  # counting 300k relationships is not for every page view
            by_type: dict[str, int] = {}
            deleted = 0
            for r in tx.run("MATCH (n:Entity) RETURN n.type AS type, n.deleted AS deleted, count(*) AS c"):
                if r["deleted"]:
                    deleted += r["c"]
                else:
                    by_type[r["type"]] = by_type.get(r["type"], 0) + r["c"]
            by_relation, citations = {}, 0
            for r in tx.run(
                "MATCH (a:Entity)-[r]->(:Entity) WHERE NOT a.deleted "
                "RETURN type(r) AS type, count(*) AS c, sum(size(r.citation_sources)) AS cites"
            ):
                by_relation[r["type"]] = r["c"]
                citations += r["cites"] or 0
            revisions = tx.run("MATCH (r:Revision) RETURN count(r) AS c").single()["c"]
            stats = Stats(
                entities=sum(by_type.values()),
                deleted=deleted,
                statements=sum(by_relation.values()),
                citations=citations,
                revisions=revisions,
                graph_version=version,
                by_type=by_type,
                by_relation=by_relation,
            )
            self._stats_cache = (version, stats)
            return stats

        return self._read(work)

    @staticmethod
    def _graph_version(tx: neo4j.ManagedTransaction) -> int:
        record = tx.run("MATCH (m:GraphMeta {key: 'graph'}) RETURN m.version AS v").single()
        return int(record["v"]) if record else 0

    def graph_version(self) -> int:
        return self._read(self._graph_version)

    def changes_since(self, version: int, *, limit: int = 1000) -> list[str] | None:
        version = int(version)

        def work(tx: neo4j.ManagedTransaction) -> list[str] | None:
            meta = tx.run(
                "MATCH (m:GraphMeta {key: 'graph'}) RETURN m.version AS v, m.changes_from AS since, "
                "m.revision_seq AS seq"
            ).single()
            if meta is None or not (meta["since"] or 0) <= version <= meta["v"]:
                return None
            changed: dict[str, None] = {}
            before = meta["seq"] + 1
            while version < meta["v"]:
                # newest first along the seq index, a page at a time, until an older revision
                rows = tx.run(
                    "MATCH (r:Revision) WHERE r.seq < $before RETURN r.seq AS seq, r.entity_id AS id, "
                    "r.graph_version AS at ORDER BY r.seq DESC LIMIT 200",
                    before=before,
                ).values()
                for seq, entity_id, written_at in rows:
                    if written_at is None or written_at <= version:
                        return list(changed)
                    changed[entity_id] = None
                    if len(changed) > limit:
                        return None
                    before = seq
                if len(rows) < 200:
                    break
            return list(changed)

        return self._read(work)

    def iter_entities(self, *, include_deleted: bool = True) -> Iterator[Entity]:
        live = "" if include_deleted else " AND NOT n.deleted"
        after = ""
        while True:
            batch = self._read(
                lambda tx, after=after: [
                    self._entity(r["node"], r["sts"])
                    for r in tx.run(
                        f"MATCH (n:Entity) WHERE n.id > $after{live} WITH n ORDER BY n.id LIMIT 500 " + self._LOAD,
                        after=after,
                    )
                ]
            )
            if not batch:
                return
            batch.sort(key=lambda e: e.id)
            yield from batch
            after = batch[-1].id

    def graph_rows(self) -> tuple[list[NodeRow], list[EdgeRow]]:
        # two scans in one read transaction (one snapshot), no Entity objects: what a projection needs
        def work(tx: neo4j.ManagedTransaction) -> tuple[list[NodeRow], list[EdgeRow]]:
            nodes: list[NodeRow] = []
            for n in tx.run(
                "MATCH (n:Entity) WHERE NOT n.deleted "
                "RETURN n {.*, body: null, search_text: null, search_labels: null} AS n"
            ).value():
                properties = {k: v for k, v in n.items() if k not in NODE_FIELDS and v is not None}
                nodes.append(
                    (n["id"], n["type"], n.get("label_de") or "", n.get("label_en") or "",
                     n.get("description_de") or "", n.get("description_en") or "", properties)
                )  # fmt: skip
            edges: list[EdgeRow] = []
            for subject, rtype, target, props in tx.run(
                "MATCH (a:Entity)-[r]->(b:Entity) WHERE NOT a.deleted AND NOT b.deleted "
                "RETURN a.id, type(r), b.id, properties(r)"
            ).values():
                st = self._statement(props, rtype, target)
                edges.append((st.id, subject, rtype, target, st.qualifiers, [c.to_dict() for c in st.citations]))
            return nodes, edges

        return self._read(work)

    def iter_revisions(self) -> Iterator[Revision]:
        last = -1
        while True:
            rows = self._query(
                f"MATCH (r:Revision) WHERE r.seq > $last RETURN r {_REV_FIELDS} AS r, r.snapshot AS s, r.seq AS seq "
                "ORDER BY seq LIMIT 1000",
                last=last,
            )
            if not rows:
                return
            for row in rows:
                yield self._revision(row["r"], row["s"])
            last = rows[-1]["seq"]

    # -- users ---------------------------------------------------------------------------------

    def get_user(self, name: str) -> User:
        rows = self._query("MATCH (u:User {name: $name}) RETURN properties(u) AS u", name=name)
        if not rows:
            raise NotFound(f"no user {name!r}")
        return User.from_dict(rows[0]["u"])

    def list_users(self) -> list[User]:
        return [User.from_dict(r["u"]) for r in self._query("MATCH (u:User) RETURN properties(u) AS u ORDER BY u.name")]

    def save_user(self, user: User) -> User:
        user = user.validated()
        if not user.created_at:
            user.created_at = _now()
        self._run(
            "write",
            lambda tx: tx.run(
                "MERGE (u:User {name: $name}) SET u = $props", name=user.name, props=user.to_dict()
            ).consume(),
        )
        return user

    # -- API tokens ----------------------------------------------------------------------------
    # (:ApiToken {id, created_at, token_user, token_label, secret_hash, password_fingerprint}): the
    # names other than id and created_at are the console's private names (graphkb.query_common),
    # so a console query reads nothing of a token, not even whose it is.

    _TOKEN_PROPS = "t {.id, .created_at, .secret_hash, .password_fingerprint, user: t.token_user, label: t.token_label}"

    def save_api_token(self, token: ApiToken) -> ApiToken:
        token = token.validated()
        props = token.to_dict()
        props["token_user"], props["token_label"] = props.pop("user"), props.pop("label")

        def work(tx: neo4j.ManagedTransaction) -> None:
            if tx.run("MATCH (u:User {name: $name}) RETURN 1", name=token.user).single() is None:
                raise NotFound(f"no user {token.user!r}")
            if tx.run("MATCH (t:ApiToken {id: $id}) RETURN 1", id=token.id).single() is not None:
                raise Conflict(f"a token {token.id!r} exists")
            tx.run("CREATE (t:ApiToken) SET t = $props", props=props).consume()

        self._run("write", work)
        return token

    def api_token(self, token_id: str) -> ApiToken:
        rows = self._query(f"MATCH (t:ApiToken {{id: $id}}) RETURN {self._TOKEN_PROPS} AS t", id=str(token_id))
        if not rows:
            raise NotFound(f"no token {str(token_id)[:20]!r}")
        return ApiToken.from_dict(rows[0]["t"])

    def list_api_tokens(self, user: str) -> list[ApiToken]:
        rows = self._query(
            f"MATCH (t:ApiToken {{token_user: $user}}) RETURN {self._TOKEN_PROPS} AS t ORDER BY t.created_at, t.id",
            user=user,
        )
        return [ApiToken.from_dict(r["t"]) for r in rows]

    def delete_api_tokens(self, user: str, token_id: str | None = None) -> int:
        only = "" if token_id is None else " AND t.id = $id"
        return self._run(
            "write",
            lambda tx: tx.run(
                f"MATCH (t:ApiToken) WHERE t.token_user = $user{only} DELETE t RETURN count(*) AS n",
                user=user,
                id=token_id,
            ).single()["n"],
        )

    # -- writing -------------------------------------------------------------------------------

    def _types_of(self, tx: neo4j.ManagedTransaction, entities: Iterable[Entity]) -> dict[str, str]:
        """Types of the live entities any of ``entities`` references: one query, not one per target."""
        ids: set[str] = set()
        for e in entities:
            for st in e.statements:
                ids.add(st.target)
                ids.update(c.source for c in st.citations)
                ids.update(v for v in st.qualifiers.values() if isinstance(v, str))
            ids.update(v for v in e.properties.values() if isinstance(v, str))
        ids.discard("")
        if not ids:
            return {}
        return {r["id"]: r["type"] for r in tx.run(_LIVE_TYPES, ids=sorted(ids))}

    def _lock_and_check(self, tx: neo4j.ManagedTransaction, entity_id: str, base_revision: int) -> dict[str, Any]:
        """Lock the entity's node, then compare its revision with the writer's base."""
        # Writing a property takes the node's write lock before anything is read, so a writer
        # waiting here sees the revision the writer before it committed.
        row = tx.run(
            "MATCH (n:Entity {id: $id}) SET n._lock = true REMOVE n._lock "
            "RETURN n.revision AS revision, n.deleted AS deleted, n.type AS type, n.created_at AS created_at",
            id=entity_id,
        ).single()
        self._require(row, entity_id)
        if base_revision is None or int(base_revision) != row["revision"]:
            raise EditConflict(entity_id, base_revision, self._revision_in(tx, entity_id, row["revision"]))
        return dict(row)

    def _revision_in(self, tx: neo4j.ManagedTransaction, entity_id: str, number: int) -> Revision:
        row = tx.run(
            f"MATCH (r:Revision {{entity_id: $id, number: $n}}) RETURN r {_REV_FIELDS} AS r, r.snapshot AS s",
            id=entity_id,
            n=number,
        ).single()
        return self._revision(row["r"], row["s"])

    def _lock_graph(self, tx: neo4j.ManagedTransaction) -> None:
        """Serialise creations, so two new entities never pick the same free id."""
        tx.run("MATCH (m:GraphMeta {key: 'graph'}) SET m._lock = true REMOVE m._lock").consume()

    def _free_id(self, tx: neo4j.ManagedTransaction, label: str, also_taken: set[str] | None = None) -> str:
        base = slugify(label) or "entity"
        taken = {
            r["id"]
            for r in tx.run(
                "MATCH (n:Entity) WHERE n.id = $base OR n.id STARTS WITH $prefix RETURN n.id AS id",
                base=base,
                prefix=base + "-",
            )
        } | (also_taken or set())
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _own_statement_ids(self, tx: neo4j.ManagedTransaction, entities: list[Entity], own: set[str]) -> None:
        """A statement id already used by another entity gets a new id: statements belong to one subject."""
        ids = [st.id for e in entities for st in e.statements if st.id not in own]
        if not ids:
            return
        # rare (reverts, copies): a relationship scan, instead of 30 per-type indexes on every write
        foreign = {
            (r["id"], r["s"])
            for r in tx.run(
                "MATCH (a:Entity)-[r]->(:Entity) WHERE r.id IN $ids RETURN r.id AS id, a.id AS s",
                ids=ids,
            )
        }
        if not foreign:
            return
        for e in entities:
            for st in e.statements:
                if any(sid == st.id and subject != e.id for sid, subject in foreign):
                    st.id = new_statement_id()

    def _insert_revision(
        self,
        tx: neo4j.ManagedTransaction,
        e: Entity,
        parent: int | None,
        author: str,
        timestamp: str,
        summary: str,
        action: str,
    ) -> Revision:
        snapshot = e.to_dict()
        encoded = _dumps(snapshot)
        rev = Revision(
            entity_id=e.id or "",
            number=e.revision,
            parent=parent,
            author=author,
            timestamp=timestamp,
            summary=summary,
            action=action,
            snapshot=snapshot,
            entity_type=e.type,
            label=e.labels["de"],
            size=len(encoded),
        )
        self._write_revisions(tx, [self._revision_row(rev, encoded)])
        return rev

    @staticmethod
    def _revision_row(rev: Revision, encoded: str) -> dict[str, Any]:
        row = rev.to_dict(with_snapshot=False)
        row["snapshot"] = encoded
        return row

    @staticmethod
    def _write_revisions(tx: neo4j.ManagedTransaction, rows: list[dict[str, Any]]) -> None:
        # the sequence counter is read and bumped under the meta node's lock: one order for all writers
        tx.run(
            # and the graph version this write commits as (_write bumps it last, under the same lock)
            "MATCH (m:GraphMeta {key: 'graph'}) SET m.revision_seq = m.revision_seq + size($rows) "
            "WITH m, m.revision_seq - size($rows) AS first "
            "UNWIND range(0, size($rows) - 1) AS i "
            "WITH m, first + i + 1 AS seq, $rows[i] AS row "
            "MATCH (n:Entity {id: row.entity_id}) "
            "CREATE (n)-[:HAS_REVISION]->(r:Revision) SET r = row, r.seq = seq, r.graph_version = m.version + 1",
            rows=rows,
        ).consume()

    @staticmethod
    def _create_nodes(tx: neo4j.ManagedTransaction, rows: list[dict[str, Any]]) -> None:
        tx.run("UNWIND $rows AS row CREATE (n:Entity:$(row.type)) SET n = row", rows=rows).consume()

    @staticmethod
    def _create_relationships(tx: neo4j.ManagedTransaction, rows: list[dict[str, Any]]) -> None:
        if rows:
            tx.run(
                "UNWIND $rows AS row MATCH (a:Entity {id: row.s}) MATCH (b:Entity {id: row.t}) "
                "CREATE (a)-[r:$(row.type)]->(b) SET r = row.props",
                rows=rows,
            ).consume()

    def create(self, entity: Entity, *, author: str, summary: str = "") -> Revision:
        summary = self.ontology.check_summary(summary) or "Created"
        author = author_name(author)

        def work(tx: neo4j.ManagedTransaction) -> Revision:
            self._lock_graph(tx)
            e = entity.copy()
            explicit = e.id is not None
            types = self._types_of(tx, [e])
            e = self._prepare(e, types.get)
            self._own_statement_ids(tx, [e], set())
            if explicit:
                if tx.run("MATCH (n:Entity {id: $id}) RETURN 1", id=e.id).single():
                    raise Conflict(f"an entity with id {e.id!r} exists already")
            else:
                e.id = self._free_id(tx, e.labels["de"])
            now = _now()
            e.revision, e.deleted, e.deleted_reason = 1, False, ""
            e.created_at = e.updated_at = now
            e.updated_by = author
            self._create_nodes(tx, [self._node_props(e)])
            self._create_relationships(tx, self._rel_rows(e))
            return self._insert_revision(tx, e, None, author, now, summary, "create")

        return self._write(work)

    def _write_update(self, entity: Entity, *, base_revision: int, author: str, summary: str, action: str) -> Revision:
        summary = self.ontology.check_summary(summary)
        author = author_name(author)
        if not entity.id:
            raise ValidationError("an entity to update needs its id", "id")

        def work(tx: neo4j.ManagedTransaction) -> Revision:
            current = self._lock_and_check(tx, entity.id, base_revision)
            if current["deleted"]:
                raise ValidationError("the entity is deleted; restore it first", "deleted")
            if entity.type != current["type"]:
                raise ValidationError(f"the type of an entity cannot change (is {current['type']})", "type")
            e = entity.copy()
            types = self._types_of(tx, [e])
            e = self._prepare(e, types.get)
            own = {r["id"] for r in tx.run("MATCH (n:Entity {id: $id})-[r]->(:Entity) RETURN r.id AS id", id=e.id)}
            self._own_statement_ids(tx, [e], own)
            now = _now()
            e.revision, e.deleted, e.deleted_reason = current["revision"] + 1, False, ""
            e.created_at, e.updated_at, e.updated_by = current["created_at"], now, author
            self._replace(tx, e)
            return self._insert_revision(tx, e, current["revision"], author, now, summary, action)

        return self._write(work)

    def _replace(self, tx: neo4j.ManagedTransaction, e: Entity) -> None:
        tx.run(
            "MATCH (n:Entity {id: $id}) SET n = $props WITH n MATCH (n)-[r]->(:Entity) DELETE r",
            id=e.id,
            props=self._node_props(e),
        ).consume()
        self._create_relationships(tx, self._rel_rows(e))

    @staticmethod
    def _set_state(tx: neo4j.ManagedTransaction, e: Entity) -> None:
        """Write a deletion or restoration: the flags and bookkeeping, nothing else changes."""
        tx.run(
            "MATCH (n:Entity {id: $id}) SET n.deleted = $deleted, n.deleted_reason = $reason, n.revision = $rev, "
            "n.updated_at = $at, n.updated_by = $by",
            id=e.id,
            deleted=e.deleted,
            reason=e.deleted_reason,
            rev=e.revision,
            at=e.updated_at,
            by=e.updated_by,
        ).consume()

    def delete(self, entity_id: str, *, base_revision: int, author: str, reason: str) -> Revision:
        reason = self.ontology.check_summary(reason)
        if not reason:
            raise ValidationError("a reason is required", "reason")
        author = author_name(author)

        def work(tx: neo4j.ManagedTransaction) -> Revision:
            current = self._lock_and_check(tx, entity_id, base_revision)
            if current["deleted"]:
                raise ValidationError("the entity is deleted already", "deleted")
            referrers = [
                r["x"]
                for r in tx.run(
                    "CALL { MATCH (a:Entity)-[:!HAS_REVISION]->(:Entity {id: $id}) RETURN a.id AS x "
                    "UNION MATCH (a:Entity)-[r]->(:Entity) WHERE $id IN r.citation_sources RETURN a.id AS x "
                    "UNION MATCH (a:Entity) WHERE $id IN a.refs RETURN a.id AS x } "
                    "MATCH (e:Entity {id: x}) WHERE NOT e.deleted AND x <> $id RETURN x ORDER BY x",
                    id=entity_id,
                )
            ]
            if referrers:
                raise ReferencedError(entity_id, referrers)
            e = self._load(tx, entity_id)
            now = _now()
            e.revision, e.deleted, e.deleted_reason = current["revision"] + 1, True, reason
            e.updated_at, e.updated_by = now, author
            self._set_state(tx, e)
            return self._insert_revision(tx, e, current["revision"], author, now, reason, "delete")

        return self._write(work)

    def restore(self, entity_id: str, *, base_revision: int, author: str, summary: str = "") -> Revision:
        summary = self.ontology.check_summary(summary) or "Restored"
        author = author_name(author)

        def work(tx: neo4j.ManagedTransaction) -> Revision:
            current = self._lock_and_check(tx, entity_id, base_revision)
            if not current["deleted"]:
                raise ValidationError("the entity is not deleted", "deleted")
            e = self._load(tx, entity_id)
            e.deleted, e.deleted_reason = False, ""
            types = self._types_of(tx, [e])
            self.ontology.validate_entity(e.copy(), types.get)
            now = _now()
            e.revision, e.updated_at, e.updated_by = current["revision"] + 1, now, author
            self._set_state(tx, e)
            return self._insert_revision(tx, e, current["revision"], author, now, summary, "restore")

        return self._write(work)

    def bulk_import(
        self,
        entities: Iterable[Entity],
        *,
        author: str,
        summary: str = "import",
        revisions: Iterable[Revision] | None = None,
        progress: Progress | None = None,
        batch_size: int = 2000,
    ) -> int:
        author = author_name(author)
        summary = self.ontology.check_summary(summary) or "Import"
        restoring = revisions is not None
        entities = list(entities)
        revisions = list(revisions) if restoring else None

        now = _now()

        def prepare(tx: neo4j.ManagedTransaction) -> tuple[dict[str, str], bool]:
            """Ids and what needs the database; the entities themselves are validated batch by batch."""
            taken: set[str] = set()
            for e in entities:
                if e.id is None:
                    if restoring:
                        raise ValidationError("every entity of a dump needs its id", "id")
                    e.id = self._free_id(tx, e.labels.get("de", ""), taken)
                elif e.id in taken:
                    raise ValidationError(f"id {e.id!r} occurs twice in the import", "id")
                taken.add(e.id)
            existing = [
                r["id"]
                for r in tx.run("UNWIND $ids AS x MATCH (n:Entity {id: x}) RETURN n.id AS id", ids=sorted(taken))
            ]
            if existing:
                raise Conflict(f"{len(existing)} of these ids exist already: {', '.join(existing[:5])}")
            for rev in revisions or []:
                if rev.entity_id not in taken:
                    raise ValidationError(f"revision of unknown entity {rev.entity_id!r}", "revisions")
            has_statements = tx.run("MATCH (:Entity)-[r]->(:Entity) RETURN r LIMIT 1").single() is not None
            return self._types_of(tx, entities), has_statements

        in_db, has_statements = self._read(prepare)
        validate = self._import_validator(
            entities, restoring=restoring, type_in_store=in_db.get, author=author, timestamp=now
        )

        # A transaction per batch: one transaction for 100k entities with their revisions outgrows
        # Neo4j's transaction memory (dbms.memory.transaction.total.max). If a batch fails, or one
        # turns out invalid, what the import wrote is removed again: it still ends all or nothing.
        def node_rows(start: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            chunk = entities[start : start + batch_size]
            validate(start, start + len(chunk))
            if not restoring and has_statements:
                self._read(lambda tx: self._own_statement_ids(tx, chunk, set()))
            revs = []
            if not restoring:
                for e in chunk:
                    encoded = _dumps(e)  # orjson encodes the dataclass: the snapshot's JSON
                    rev = Revision(e.id, 1, None, author, now, summary, "import", None, e.type, e.labels["de"])
                    row = self._revision_row(rev, encoded)
                    row["size"] = len(encoded)
                    revs.append(row)
            return [self._node_props(e) for e in chunk], revs

        def write_nodes(tx: neo4j.ManagedTransaction, rows: tuple[list, list]) -> None:
            if not rows[1]:
                self._create_nodes(tx, rows[0])
                return
            # each node with its revision in one statement: no lookup of the node just created
            tx.run(
                "MATCH (m:GraphMeta {key: 'graph'}) SET m.revision_seq = m.revision_seq + size($nodes) "
                "WITH m, m.revision_seq - size($nodes) AS first "
                "UNWIND range(0, size($nodes) - 1) AS i "
                "WITH m, first + i + 1 AS seq, $nodes[i] AS node, $revs[i] AS rev "
                "CREATE (n:Entity:$(node.type)) SET n = node "
                "CREATE (n)-[:HAS_REVISION]->(r:Revision) SET r = rev, r.seq = seq, r.graph_version = m.version + 1",
                nodes=rows[0],
                revs=rows[1],
            ).consume()

        # (entities the step creates, its rows, how it writes them, how much progress it is)
        steps = [
            # nodes first (statements may point at any entity of the import), then relationships
            *(
                (chunk, lambda i=i: node_rows(i), write_nodes, len(chunk) // 2)
                for i, chunk in ((i, entities[i : i + batch_size]) for i in range(0, len(entities), batch_size))
            ),
            *(
                ([], lambda c=c: [row for e in c for row in self._rel_rows(e)], self._create_relationships,
                 len(c) - len(c) // 2)
                for c in chunks(entities, batch_size)
            ),
            *(
                ([], lambda c=c: [self._revision_row(r, _dumps(r.snapshot)) for r in c], self._write_revisions, 0)
                for c in chunks(revisions or [], batch_size)
            ),
        ]  # fmt: skip
        written: list[str] = []  # only what this import committed is taken back, never a namesake
        # Rows for the next batch are built in a second thread while Neo4j writes this one: the
        # driver waits on its socket without the GIL, so client and server work overlap.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphkb-import") as pool:
            pending = pool.submit(steps[0][1]) if steps else None
            try:
                for k, (created, _, write, done) in enumerate(steps):
                    rows = pending.result()
                    pending = pool.submit(steps[k + 1][1]) if k + 1 < len(steps) else None
                    self._write(lambda tx, rows=rows, write=write: write(tx, rows))
                    written += [e.id for e in created]
                    if progress and done:
                        progress(done)
            except BaseException:
                if pending is not None:
                    pending.cancel()
                self._remove(written, batch_size)
                raise
        self._forget_changes()
        return len(entities)

    def _forget_changes(self) -> None:
        """Mark the graph versions before now as ones changes_since cannot answer for.

        An import spans several transactions (nodes, then their relationships), so its revisions'
        graph versions do not say when each entity was last written; a failed import's take-back
        removes revisions. Either way, a cache older than now rebuilds.
        """
        forget = "MATCH (m:GraphMeta {key: 'graph'}) SET m.changes_from = m.version + 1"
        self._write(lambda tx: tx.run(forget).consume())

    def _remove(self, ids: list[str], batch_size: int) -> None:
        """Take back a failed import: its nodes, their relationships and revisions."""
        for chunk in chunks(ids, batch_size):
            self._write(
                lambda tx, chunk=chunk: tx.run(
                    "UNWIND $ids AS x MATCH (n:Entity {id: x}) OPTIONAL MATCH (n)-[:HAS_REVISION]->(r:Revision) "
                    "DETACH DELETE n, r",
                    ids=chunk,
                ).consume(),
            )
        self._forget_changes()
