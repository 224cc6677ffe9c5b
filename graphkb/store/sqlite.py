"""The embedded store: one SQLite file (stdlib sqlite3, WAL, foreign keys, FTS5 trigram search).

Connections are per thread. Writes run in ``BEGIN IMMEDIATE`` transactions, so two writers
on the same base revision are serialised and the second one sees the first one's revision.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from ..errors import Conflict, EditConflict, NotFound, ReferencedError, ValidationError
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
from .sqlite_schema import migrate

__all__ = ["SQLiteStore"]

_ENTITY_COLS = (
    "id, type, label_de, label_en, data, revision, deleted, deleted_reason, created_at, updated_at, updated_by, "
    "description_de, description_en"
)
# descriptions have columns of their own so lists, search and neighbours never parse JSON
_SUMMARY_COLS = "id, type, label_de, label_en, description_de, description_en, deleted"
_REV_COLS = "entity_id, number, parent, author, timestamp, summary, action, entity_type, label, size"


def _dumps(value: Any) -> str:
    # orjson: the JSON of snapshots and rows is most of an import's and a read's Python time
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


_loads = orjson.loads


class SQLiteStore(BaseStore):
    def __init__(self, path: str | os.PathLike[str], *, ontology: Ontology):
        self.path = str(path)
        self.ontology = ontology
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        migrate(self._conn())

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # -- connections and transactions ----------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # autocommit mode: transactions are opened explicitly, so reads never hold a lock
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: big imports insert into several indexes
            conn.execute("PRAGMA mmap_size = 1073741824")  # reads of a large file go through the OS cache
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _write(self, *, graph: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction; writes to the graph (not accounts) bump the graph version."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            if graph:
                conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'graph_version'")
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            # validation runs first; this is the database's own net (e.g. a dump that repeats a
            # revision), reported as the caller's error, with nothing written
            conn.execute("ROLLBACK")
            raise ValidationError(f"the change breaks an integrity rule of the store ({exc})") from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for reads made of several queries."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass
            self._all.clear()
        self._local = threading.local()

    # -- row mapping ---------------------------------------------------------------------------

    @staticmethod
    def _summary(row: tuple) -> EntitySummary:
        return EntitySummary(
            id=row[0],
            type=row[1],
            labels={"de": row[2], "en": row[3]},
            descriptions={"de": row[4], "en": row[5]},
            deleted=bool(row[6]),
        )

    @staticmethod
    def _revision_row(row: tuple, snapshot: str | None = None) -> Revision:
        return Revision(
            entity_id=row[0],
            number=row[1],
            parent=row[2],
            author=row[3],
            timestamp=row[4],
            summary=row[5],
            action=row[6],
            entity_type=row[7],
            label=row[8],
            size=row[9],
            snapshot=_loads(snapshot) if snapshot is not None else None,
        )

    def _load(self, conn: sqlite3.Connection, entity_id: str) -> Entity | None:
        row = conn.execute(f"SELECT {_ENTITY_COLS} FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            return None
        data = _loads(row[4])
        citations: dict[str, list[Citation]] = {}
        for sid, source, quote, locator in conn.execute(
            "SELECT c.statement_id, c.source_id, c.quote, c.locator FROM statements s "
            "JOIN citations c ON c.statement_id = s.id WHERE s.subject_id = ? ORDER BY c.statement_id, c.position",
            (entity_id,),
        ):
            citations.setdefault(sid, []).append(Citation(source, quote, locator))
        statements = [
            Statement(type=t, target=target, qualifiers=_loads(q), citations=citations.get(sid, []), id=sid)
            for sid, t, target, q in conn.execute(
                "SELECT id, type, target_id, qualifiers FROM statements WHERE subject_id = ? ORDER BY position",
                (entity_id,),
            )
        ]
        return Entity(
            id=row[0],
            type=row[1],
            labels={"de": row[2], "en": row[3]},
            aliases=data.get("aliases") or {},
            descriptions={"de": row[11], "en": row[12]},
            body=data.get("body") or "",
            properties=data.get("properties") or {},
            statements=statements,
            revision=row[5],
            deleted=bool(row[6]),
            deleted_reason=row[7],
            created_at=row[8],
            updated_at=row[9],
            updated_by=row[10],
        )

    # -- reading -------------------------------------------------------------------------------

    def get(self, entity_id: str) -> Entity:
        with self._read() as conn:
            return self._require(self._load(conn, entity_id), entity_id)

    def get_many(self, ids: Iterable[str]) -> dict[str, EntitySummary]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        rows = self._conn().execute(
            f"SELECT {_SUMMARY_COLS} FROM entities WHERE id IN (SELECT value FROM json_each(?))", (_dumps(ids),)
        )
        return {row[0]: self._summary(row) for row in rows}

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
        where, params = [], []
        if entity_type is not None:
            where.append("type = ?")
            params.append(entity_type)
        if not include_deleted:
            where.append("deleted = 0")
        if text.strip():
            where.append("(instr(sort_de, ?) > 0 OR instr(sort_en, ?) > 0)")
            params += [fold(text.strip())] * 2
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        column = {
            "label": "sort_en" if lang == "en" else "sort_de",
            "id": "id",
            "updated": "updated_at",
        }[sort.lstrip("-")]
        direction = "DESC" if sort.startswith("-") else "ASC"
        with self._read() as conn:
            total = conn.execute(f"SELECT count(*) FROM entities {clause}", params).fetchone()[0]
            rows = conn.execute(
                f"SELECT {_SUMMARY_COLS} FROM entities {clause} ORDER BY {column} {direction}, id {direction} "
                "LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return Page([self._summary(r) for r in rows], total, offset, limit)

    def search(self, query: str, *, types: Iterable[str] | None = None, limit: int = 20) -> list[EntitySummary]:
        """Three tiers, each cheap at any size, filled in order until ``limit``:

        1. labels that start with the query (exact ones first), through the sort indexes;
        2. labels and aliases that contain every term anywhere (trigram index), shortest first;
        3. descriptions with every term as a word or word prefix (word index).
        """
        types = self.ontology.check_entity_types(types)
        _, limit = paging(0, limit)
        terms = fold(query).split()
        if not terms:
            return []
        phrase = " ".join(terms)
        cols = ", ".join("e." + c.strip() for c in _SUMMARY_COLS.split(","))
        params: dict[str, Any] = {"f": phrase, "types": _dumps(types), "n": limit}
        type_sql = " AND e.type IN (SELECT value FROM json_each(:types))" if types else ""
        conn = self._conn()
        found: dict[str, EntitySummary] = {}

        def take(rows: Iterable[tuple]) -> None:
            for row in rows:
                if len(found) >= limit:
                    return
                found.setdefault(row[0], self._summary(row))

        prefix: list[tuple] = []
        for column in ("sort_de", "sort_en"):
            # in index order, so the work is the limit, not the number of labels with this prefix;
            # an exact match sorts first among the labels it prefixes
            prefix += conn.execute(
                f"SELECT {cols}, e.{column} FROM entities e WHERE e.deleted = 0 "
                f"AND e.{column} >= :f AND e.{column} < :f || char(1114111){type_sql} ORDER BY e.{column} LIMIT :n",
                params,
            ).fetchall()
        prefix.sort(key=lambda r: (r[-1] != phrase, r[-1]))
        take(r[:-1] for r in prefix)
        clauses = ['"' + t.replace('"', '""') + '"' for t in terms if len(t) >= 3]
        if len(phrase) >= 3 and (len(clauses) != len(terms) or not clauses):
            clauses.append('"' + phrase.replace('"', '""') + '"')  # short terms: the phrase as a substring
        if clauses and len(found) < limit:
            params["m"] = " AND ".join(clauses)
            params["n"] = limit
            rows = conn.execute(
                f"SELECT {cols} FROM search CROSS JOIN entities e ON e.rowid = search.rowid "
                f"WHERE search MATCH :m AND e.deleted = 0{type_sql} LIMIT :n",
                params,
            ).fetchall()
            take(sorted(rows, key=lambda r: (len(r[2]), r[2])))
        words = ['"' + t.replace('"', '""') + '"*' for t in terms if len(t) >= 2]
        if words and len(found) < limit:
            params["m"] = " AND ".join(words)
            params["n"] = limit
            take(
                conn.execute(
                    f"SELECT {cols} FROM search_text CROSS JOIN entities e ON e.rowid = search_text.rowid "
                    f"WHERE search_text MATCH :m AND e.deleted = 0{type_sql} LIMIT :n",
                    params,
                )
            )
        return list(found.values())

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
        params: dict[str, Any] = {"rels": _dumps(relation_types), "types": _dumps(entity_types)}
        rel = " AND s.type IN (SELECT value FROM json_each(:rels))" if relation_types else ""
        live = " AND e.deleted = 0" + (" AND e.type IN (SELECT value FROM json_each(:types))" if entity_types else "")
        cols = ", ".join("e." + c.strip() for c in _SUMMARY_COLS.split(","))
        # One node at a time, in discovery order, stopping at the limit: the work is bounded by
        # the limit, not by the size of the hubs on the way (a hub can have thousands of links).
        outgoing = (
            f"SELECT {cols} FROM statements s CROSS JOIN entities e ON e.id = s.target_id "
            f"WHERE s.subject_id = :node{rel}{live} ORDER BY s.position"
        )
        incoming = (
            f"SELECT {cols} FROM statements s CROSS JOIN entities e ON e.id = s.subject_id "
            f"WHERE s.target_id = :node{rel}{live} LIMIT :cap"
        )
        with self._read() as conn:
            start = conn.execute(f"SELECT {_SUMMARY_COLS} FROM entities WHERE id = ?", (entity_id,)).fetchone()
            self._require(start, entity_id)
            nodes = {entity_id: self._summary(start)}
            frontier = [entity_id]
            truncated = False
            params["cap"] = limit + 1  # a hub yields at most what still fits, and one more to tell
            for _ in range(int(depth)):
                next_frontier: list[str] = []
                for node in frontier:
                    params["node"] = node
                    for query in (outgoing, incoming):
                        for row in conn.execute(query, params):
                            if row[0] in nodes:
                                continue
                            if len(nodes) >= limit:
                                truncated = True  # one more was reachable: stop here
                                break
                            nodes[row[0]] = self._summary(row)
                            next_frontier.append(row[0])
                        if truncated:
                            break
                    if truncated:
                        break
                if truncated or not next_frontier:
                    break
                frontier = next_frontier
            params["ids"] = _dumps(list(nodes))
            edges = [
                Edge(*row)
                for row in conn.execute(
                    "SELECT s.id, s.subject_id, s.type, s.target_id FROM json_each(:ids) j "
                    "CROSS JOIN statements s ON s.subject_id = j.value "
                    f"WHERE s.target_id IN (SELECT value FROM json_each(:ids)){rel} ORDER BY j.key, s.position",
                    params,
                )
            ]
        return Subgraph(list(nodes.values()), edges, truncated)

    def incoming(
        self, entity_id: str, *, relation_types: Iterable[str] | None = None, limit: int | None = None
    ) -> list[Incoming]:
        relation_types = self.ontology.check_relation_types(relation_types, "relations")
        rel_filter = " AND s.type IN (SELECT value FROM json_each(:rels))" if relation_types else ""
        return self._statements_of_others(
            entity_id,
            "FROM statements s JOIN entities e ON e.id = s.subject_id "
            f"WHERE s.target_id = :id AND e.deleted = 0{rel_filter}",
            {"rels": _dumps(relation_types), "n": -1 if limit is None else paging(0, limit, maximum=100_000)[1]},
        )

    def cited_by(self, source_id: str, *, limit: int = 500) -> list[Incoming]:
        _, limit = paging(0, limit, maximum=5000)
        return self._statements_of_others(
            source_id,
            # The first `limit` citing statements in citation order (an index walk that stops at the
            # limit), then sorted: sorting every citation of a much-cited source took 450 ms at 100k.
            "FROM statements s JOIN entities e ON e.id = s.subject_id WHERE s.id IN ("
            "SELECT DISTINCT c.statement_id FROM citations c JOIN statements cs ON cs.id = c.statement_id "
            "JOIN entities ce ON ce.id = cs.subject_id WHERE c.source_id = :id AND ce.deleted = 0 LIMIT :n)",
            {"n": limit},
        )

    def _statements_of_others(self, entity_id: str, from_where: str, params: dict[str, Any]) -> list[Incoming]:
        """Statements (with citations) of other live entities, found by ``from_where``, grouped by type."""
        cols = ", ".join("e." + c.strip() for c in _SUMMARY_COLS.split(","))
        with self._read() as conn:
            self._require(conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone(), entity_id)
            rows = conn.execute(
                f"SELECT s.id, s.type, s.target_id, s.qualifiers, {cols} {from_where} "
                "ORDER BY s.type, e.sort_de, s.position LIMIT :n",
                {**params, "id": entity_id},
            ).fetchall()
            citations: dict[str, list[Citation]] = {}
            for sid, source, quote, locator in conn.execute(
                "SELECT c.statement_id, c.source_id, c.quote, c.locator FROM citations c "
                "WHERE c.statement_id IN (SELECT value FROM json_each(?)) ORDER BY c.statement_id, c.position",
                (_dumps([r[0] for r in rows]),),
            ):
                citations.setdefault(sid, []).append(Citation(source, quote, locator))
        return [
            Incoming(
                subject=self._summary(r[4:]),
                statement=Statement(r[1], r[2], _loads(r[3]), citations.get(r[0], []), r[0]),
            )
            for r in rows
        ]

    def history(self, entity_id: str, *, offset: int = 0, limit: int = 50) -> list[Revision]:
        offset, limit = paging(offset, limit)
        with self._read() as conn:
            self._require(conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone(), entity_id)
            rows = conn.execute(
                f"SELECT {_REV_COLS} FROM revisions WHERE entity_id = ? ORDER BY number DESC LIMIT ? OFFSET ?",
                (entity_id, limit, offset),
            ).fetchall()
        return [self._revision_row(r) for r in rows]

    def revision(self, entity_id: str, number: int) -> Revision:
        row = (
            self._conn()
            .execute(
                f"SELECT {_REV_COLS}, snapshot FROM revisions WHERE entity_id = ? AND number = ?",
                (entity_id, int(number)),
            )
            .fetchone()
        )
        if row is None:
            raise NotFound(f"no revision {number} of {entity_id!r}")
        return self._revision_row(row[:-1], row[-1])

    def recent_changes(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        entity_type: str | None = None,
        author: str | None = None,
    ) -> list[Revision]:
        offset, limit = paging(offset, limit)
        where, params = [], []
        if entity_type:
            self.ontology.entity_type(entity_type)
            where.append("entity_type = ?")
            params.append(entity_type)
        if author:
            where.append("author = ?")
            params.append(author)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._conn().execute(
            f"SELECT {_REV_COLS} FROM revisions {clause} ORDER BY seq DESC LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return [self._revision_row(r) for r in rows]

    def stats(self) -> Stats:
        with self._read() as conn:
            by_type = dict(conn.execute("SELECT type, count(*) FROM entities WHERE deleted = 0 GROUP BY type"))
            deleted = conn.execute("SELECT count(*) FROM entities WHERE deleted = 1").fetchone()[0]
            by_relation = dict(
                conn.execute(
                    "SELECT s.type, count(*) FROM statements s JOIN entities e ON e.id = s.subject_id "
                    "WHERE e.deleted = 0 GROUP BY s.type"
                )
            )
            citations = conn.execute(
                "SELECT count(*) FROM citations c JOIN statements s ON s.id = c.statement_id "
                "JOIN entities e ON e.id = s.subject_id WHERE e.deleted = 0"
            ).fetchone()[0]
            revisions = conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
            version = self._graph_version(conn)
        return Stats(
            entities=sum(by_type.values()),
            deleted=deleted,
            statements=sum(by_relation.values()),
            citations=citations,
            revisions=revisions,
            graph_version=version,
            by_type=by_type,
            by_relation=by_relation,
        )

    @staticmethod
    def _graph_version(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT value FROM meta WHERE key = 'graph_version'").fetchone()[0])

    def graph_version(self) -> int:
        return self._graph_version(self._conn())

    def changes_since(self, version: int, *, limit: int = 1000) -> list[str] | None:
        with self._read() as conn:
            current = self._graph_version(conn)
            since = int(conn.execute("SELECT value FROM meta WHERE key = 'changes_from'").fetchone()[0])
            if not since <= int(version) <= current:
                return None
            changed: dict[str, None] = {}
            # newest first along the primary key, stopping at the first older revision: a few rows
            # for a cache that is a few edits behind, however long the history
            newest_first = conn.execute("SELECT entity_id, graph_version FROM revisions ORDER BY seq DESC")
            for entity_id, written_at in newest_first:
                if written_at is None or written_at <= version:  # None: before migration 3, older still
                    break
                changed[entity_id] = None
                if len(changed) > limit:
                    return None
        return list(changed)

    def iter_entities(self, *, include_deleted: bool = True) -> Iterator[Entity]:
        where = "" if include_deleted else "WHERE deleted = 0"
        ids = [r[0] for r in self._conn().execute(f"SELECT id FROM entities {where} ORDER BY id")]
        for chunk in chunks(ids, 500):
            with self._read() as conn:
                loaded = [self._load(conn, i) for i in chunk]
            yield from (e for e in loaded if e is not None)

    def graph_rows(self) -> tuple[list[NodeRow], list[EdgeRow]]:
        # three scans instead of three queries per entity: a tenth of iter_entities' time at 100k
        with self._read() as conn:
            nodes: list[NodeRow] = [
                (i, t, lde, len_, dde, den, (_loads(data).get("properties") or {}))
                for i, t, lde, len_, dde, den, data in conn.execute(
                    "SELECT id, type, label_de, label_en, description_de, description_en, data "
                    "FROM entities WHERE deleted = 0"
                )
            ]
            citations: dict[str, list[dict[str, str]]] = {}
            for sid, source, quote, locator in conn.execute(
                "SELECT statement_id, source_id, quote, locator FROM citations ORDER BY statement_id, position"
            ):
                citations.setdefault(sid, []).append({"source": source, "quote": quote, "locator": locator})
            edges: list[EdgeRow] = [
                (sid, subject, t, target, _loads(q), citations.get(sid, []))
                for sid, subject, t, target, q in conn.execute(
                    "SELECT s.id, s.subject_id, s.type, s.target_id, s.qualifiers FROM statements s "
                    "JOIN entities a ON a.id = s.subject_id JOIN entities b ON b.id = s.target_id "
                    "WHERE a.deleted = 0 AND b.deleted = 0 ORDER BY s.subject_id, s.position"
                )
            ]
        return nodes, edges

    def iter_revisions(self) -> Iterator[Revision]:
        last = 0
        while True:
            rows = (
                self._conn()
                .execute(
                    f"SELECT seq, {_REV_COLS}, snapshot FROM revisions WHERE seq > ? ORDER BY seq LIMIT 1000", (last,)
                )
                .fetchall()
            )
            if not rows:
                return
            for row in rows:
                yield self._revision_row(row[1:-1], row[-1])
            last = rows[-1][0]

    # -- accounts ------------------------------------------------------------------------------

    _USER_COLS = "name, role, password_hash, email, created_at, disabled"

    def get_user(self, name: str) -> User:
        row = self._conn().execute(f"SELECT {self._USER_COLS} FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"no user {name!r}")
        return User(*row[:5], disabled=bool(row[5]))

    def list_users(self) -> list[User]:
        rows = self._conn().execute(f"SELECT {self._USER_COLS} FROM users ORDER BY name")
        return [User(*row[:5], disabled=bool(row[5])) for row in rows]

    def save_user(self, user: User) -> User:
        user = user.validated()
        user.created_at = user.created_at or _now()
        with self._write(graph=False) as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO users ({self._USER_COLS}) VALUES (?, ?, ?, ?, ?, ?)",
                (user.name, user.role, user.password_hash, user.email, user.created_at, int(user.disabled)),
            )
        return user

    # -- API tokens ----------------------------------------------------------------------------

    _TOKEN_COLS = "id, user, label, secret_hash, created_at, password_fingerprint"

    def save_api_token(self, token: ApiToken) -> ApiToken:
        token = token.validated()
        with self._write(graph=False) as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (token.user,)).fetchone() is None:
                raise NotFound(f"no user {token.user!r}")
            if conn.execute("SELECT 1 FROM api_tokens WHERE id = ?", (token.id,)).fetchone() is not None:
                raise Conflict(f"a token {token.id!r} exists")
            conn.execute(
                f"INSERT INTO api_tokens ({self._TOKEN_COLS}) VALUES (?, ?, ?, ?, ?, ?)",
                tuple(token.to_dict().values()),
            )
        return token

    def api_token(self, token_id: str) -> ApiToken:
        row = self._conn().execute(f"SELECT {self._TOKEN_COLS} FROM api_tokens WHERE id = ?", (token_id,)).fetchone()
        if row is None:
            raise NotFound(f"no token {str(token_id)[:20]!r}")
        return ApiToken(*row)

    def list_api_tokens(self, user: str) -> list[ApiToken]:
        rows = self._conn().execute(
            f"SELECT {self._TOKEN_COLS} FROM api_tokens WHERE user = ? ORDER BY created_at, id", (user,)
        )
        return [ApiToken(*row) for row in rows]

    def delete_api_tokens(self, user: str, token_id: str | None = None) -> int:
        with self._write(graph=False) as conn:
            if token_id is None:
                return conn.execute("DELETE FROM api_tokens WHERE user = ?", (user,)).rowcount
            return conn.execute("DELETE FROM api_tokens WHERE id = ? AND user = ?", (token_id, user)).rowcount

    # -- writing -------------------------------------------------------------------------------

    def _type_of(self, conn: sqlite3.Connection) -> Callable[[str], str | None]:
        def type_of(entity_id: str) -> str | None:
            row = conn.execute("SELECT type FROM entities WHERE id = ? AND deleted = 0", (entity_id,)).fetchone()
            return row[0] if row else None

        return type_of

    def _current_revision(self, conn: sqlite3.Connection, entity_id: str, number: int) -> Revision:
        row = conn.execute(
            f"SELECT {_REV_COLS}, snapshot FROM revisions WHERE entity_id = ? AND number = ?", (entity_id, number)
        ).fetchone()
        return self._revision_row(row[:-1], row[-1])

    def _check_base(self, conn: sqlite3.Connection, entity_id: str, base_revision: int) -> tuple:
        row = conn.execute(
            "SELECT revision, deleted, type, created_at FROM entities WHERE id = ?", (entity_id,)
        ).fetchone()
        self._require(row, entity_id)
        if base_revision is None or int(base_revision) != row[0]:
            raise EditConflict(entity_id, base_revision, self._current_revision(conn, entity_id, row[0]))
        return row

    def create(self, entity: Entity, *, author: str, summary: str = "") -> Revision:
        summary = self.ontology.check_summary(summary) or "Created"
        author = author_name(author)
        with self._write() as conn:
            explicit = entity.id is not None
            entity = self._prepare(entity, self._type_of(conn))
            self._own_statement_ids(conn, [entity])
            if explicit:
                if conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity.id,)).fetchone():
                    raise Conflict(f"an entity with id {entity.id!r} exists already")
            else:
                entity.id = self._free_id(conn, entity.labels["de"])
            now = _now()
            entity.revision, entity.deleted, entity.deleted_reason = 1, False, ""
            entity.created_at = entity.updated_at = now
            entity.updated_by = author
            self._insert_entities(conn, [entity])
            self._insert_statements(conn, [entity])
            return self._insert_revision(conn, entity, None, author, now, summary, "create")

    def _write_update(self, entity: Entity, *, base_revision: int, author: str, summary: str, action: str) -> Revision:
        summary = self.ontology.check_summary(summary)
        author = author_name(author)
        if not entity.id:
            raise ValidationError("an entity to update needs its id", "id")
        with self._write() as conn:
            current, deleted, etype, created_at = self._check_base(conn, entity.id, base_revision)
            if deleted:
                raise ValidationError("the entity is deleted; restore it first", "deleted")
            if entity.type != etype:
                raise ValidationError(f"the type of an entity cannot change (is {etype})", "type")
            entity = self._prepare(entity, self._type_of(conn))
            self._own_statement_ids(conn, [entity])
            now = _now()
            entity.revision, entity.deleted, entity.deleted_reason = current + 1, False, ""
            entity.created_at, entity.updated_at, entity.updated_by = created_at, now, author
            self._replace_entity(conn, entity)
            return self._insert_revision(conn, entity, current, author, now, summary, action)

    def delete(self, entity_id: str, *, base_revision: int, author: str, reason: str) -> Revision:
        reason = self.ontology.check_summary(reason)
        if not reason:
            raise ValidationError("a reason is required", "reason")
        author = author_name(author)
        with self._write() as conn:
            current, deleted, _, _ = self._check_base(conn, entity_id, base_revision)
            if deleted:
                raise ValidationError("the entity is deleted already", "deleted")
            referrers = [
                r[0]
                for r in conn.execute(
                    "SELECT x.subject_id FROM ("
                    " SELECT subject_id FROM statements WHERE target_id = :id"
                    " UNION SELECT s.subject_id FROM citations c JOIN statements s ON s.id = c.statement_id"
                    "  WHERE c.source_id = :id"
                    " UNION SELECT subject_id FROM refs WHERE target_id = :id"
                    ") AS x JOIN entities e ON e.id = x.subject_id "
                    "WHERE e.deleted = 0 AND x.subject_id != :id ORDER BY x.subject_id",
                    {"id": entity_id},
                )
            ]
            if referrers:
                raise ReferencedError(entity_id, referrers)
            entity = self._load(conn, entity_id)
            now = _now()
            entity.revision, entity.deleted, entity.deleted_reason = current + 1, True, reason
            entity.updated_at, entity.updated_by = now, author
            conn.execute(
                "UPDATE entities SET deleted = 1, deleted_reason = ?, revision = ?, updated_at = ?, updated_by = ? "
                "WHERE id = ?",
                (reason, entity.revision, now, author, entity_id),
            )
            return self._insert_revision(conn, entity, current, author, now, reason, "delete")

    def restore(self, entity_id: str, *, base_revision: int, author: str, summary: str = "") -> Revision:
        summary = self.ontology.check_summary(summary) or "Restored"
        author = author_name(author)
        with self._write() as conn:
            current, deleted, _, _ = self._check_base(conn, entity_id, base_revision)
            if not deleted:
                raise ValidationError("the entity is not deleted", "deleted")
            entity = self._load(conn, entity_id)
            entity.deleted, entity.deleted_reason = False, ""
            self.ontology.validate_entity(entity.copy(), self._type_of(conn))
            now = _now()
            entity.revision, entity.updated_at, entity.updated_by = current + 1, now, author
            conn.execute(
                "UPDATE entities SET deleted = 0, deleted_reason = '', revision = ?, updated_at = ?, updated_by = ? "
                "WHERE id = ?",
                (entity.revision, now, author, entity_id),
            )
            return self._insert_revision(conn, entity, current, author, now, summary, "restore")

    def bulk_import(
        self,
        entities: Iterable[Entity],
        *,
        author: str,
        summary: str = "import",
        revisions: Iterable[Revision] | None = None,
        progress: Progress | None = None,
    ) -> int:
        author = author_name(author)
        summary = self.ontology.check_summary(summary) or "Import"
        restoring = revisions is not None
        # the import takes the entities it is given (normalised in place, ids filled in): copying
        # 100k entities would cost a tenth of the import, and every caller hands over fresh ones
        entities = list(entities)
        with self._write() as conn:
            # targets may come later in the same import: check foreign keys at commit
            conn.execute("PRAGMA defer_foreign_keys = ON")
            taken: set[str] = set()
            for e in entities:
                if e.id is None:
                    if restoring:
                        raise ValidationError("every entity of a dump needs its id", "id")
                    e.id = self._free_id(conn, e.labels.get("de", ""), taken)
                elif e.id in taken:
                    raise ValidationError(f"id {e.id!r} occurs twice in the import", "id")
                taken.add(e.id)
            existing = [
                r[0]
                for chunk in chunks(sorted(taken), 5000)
                for r in conn.execute(
                    "SELECT id FROM entities WHERE id IN (SELECT value FROM json_each(?))", (_dumps(chunk),)
                )
            ]
            if existing:
                raise Conflict(f"{len(existing)} of these ids exist already: {', '.join(existing[:5])}")
            in_db = self._type_of(conn)
            now = _now()
            self._import_validator(entities, restoring=restoring, type_in_store=in_db, author=author, timestamp=now)(
                0, len(entities)
            )
            for chunk in chunks(entities, 1000):
                if not restoring:
                    self._own_statement_ids(conn, chunk)
                self._insert_entities(conn, chunk)
                self._insert_statements(conn, chunk)
                if not restoring:
                    self._insert_revision_rows(
                        conn, [self._new_revision(e, None, author, now, summary, "import", False) for e in chunk]
                    )
                if progress:
                    progress(len(chunk))
            if restoring:
                for chunk in chunks(list(revisions), 1000):
                    for rev in chunk:
                        if rev.entity_id not in taken:
                            raise ValidationError(f"revision of unknown entity {rev.entity_id!r}", "revisions")
                    self._insert_revision_rows(conn, [(rev, _dumps(rev.snapshot)) for rev in chunk])
        return len(entities)

    # -- write helpers -------------------------------------------------------------------------

    def _free_id(self, conn: sqlite3.Connection, label: str, also_taken: set[str] | None = None) -> str:
        base = slugify(label) or "entity"
        candidate, n = base, 1
        while (also_taken and candidate in also_taken) or conn.execute(
            "SELECT 1 FROM entities WHERE id = ?", (candidate,)
        ).fetchone():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    @staticmethod
    def _own_statement_ids(conn: sqlite3.Connection, entities: list[Entity]) -> None:
        """A statement id copied from another entity gets a new id: statements belong to one subject."""
        pairs = [[st.id, e.id or ""] for e in entities for st in e.statements]
        if not pairs:
            return
        foreign = {
            tuple(r)
            for r in conn.execute(
                "SELECT s.id, p.value ->> 1 FROM json_each(?) AS p JOIN statements s ON s.id = p.value ->> 0 "
                "WHERE s.subject_id != p.value ->> 1",
                (_dumps(pairs),),
            )
        }
        for e in entities:
            for st in e.statements:
                if (st.id, e.id) in foreign:
                    st.id = new_statement_id()

    @staticmethod
    def _entity_row(e: Entity) -> tuple:
        data = _dumps({"aliases": e.aliases, "body": e.body, "properties": e.properties})
        return (
            e.id,
            e.type,
            e.labels["de"],
            e.labels["en"],
            fold(e.label("de")),
            fold(e.label("en")),
            data,
            e.revision,
            int(e.deleted),
            e.deleted_reason,
            e.created_at,
            e.updated_at,
            e.updated_by,
            e.descriptions["de"],
            e.descriptions["en"],
        )

    @staticmethod
    def _search_rows(e: Entity, sort_de: str, sort_en: str) -> tuple[tuple, str]:
        """The trigram row (labels, aliases) and the word row (descriptions), folded."""
        aliases = " | ".join(a for lang in ("de", "en") for a in e.aliases.get(lang, []))
        descriptions = " | ".join(d for d in e.descriptions.values() if d)
        return (sort_de, sort_en if e.labels["en"] else "", fold(aliases)), fold(descriptions)

    def _insert_entities(self, conn: sqlite3.Connection, entities: list[Entity]) -> None:
        entity_rows = [self._entity_row(e) for e in entities]
        conn.executemany(
            "INSERT INTO entities (id, type, label_de, label_en, sort_de, sort_en, data, revision, deleted, "
            "deleted_reason, created_at, updated_at, updated_by, description_de, description_en) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entity_rows,
        )
        rowids = dict(
            conn.execute(
                "SELECT id, rowid FROM entities WHERE id IN (SELECT value FROM json_each(?))",
                (_dumps([e.id for e in entities]),),
            )
        )
        rows = [
            (rowids[row[0]], *self._search_rows(e, row[4], row[5]))
            for e, row in zip(entities, entity_rows, strict=True)
        ]
        conn.executemany(
            "INSERT INTO search (rowid, label_de, label_en, aliases) VALUES (?, ?, ?, ?)",
            [(rowid, *labels) for rowid, labels, _ in rows],
        )
        conn.executemany(
            "INSERT INTO search_text (rowid, descriptions) VALUES (?, ?)",
            [(rowid, text) for rowid, _, text in rows if text],
        )

    def _replace_entity(self, conn: sqlite3.Connection, e: Entity) -> None:
        row = self._entity_row(e)
        rowid = conn.execute(
            "UPDATE entities SET label_de = ?, label_en = ?, sort_de = ?, sort_en = ?, data = ?, revision = ?, "
            "deleted = ?, deleted_reason = ?, updated_at = ?, updated_by = ?, description_de = ?, description_en = ? "
            "WHERE id = ? RETURNING rowid",
            (*row[2:10], *row[11:15], e.id),
        ).fetchone()[0]
        labels, descriptions = self._search_rows(e, row[4], row[5])
        conn.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
        conn.execute("DELETE FROM search_text WHERE rowid = ?", (rowid,))
        conn.execute("INSERT INTO search (rowid, label_de, label_en, aliases) VALUES (?, ?, ?, ?)", (rowid, *labels))
        if descriptions:
            conn.execute("INSERT INTO search_text (rowid, descriptions) VALUES (?, ?)", (rowid, descriptions))
        conn.execute("DELETE FROM statements WHERE subject_id = ?", (e.id,))
        conn.execute("DELETE FROM refs WHERE subject_id = ?", (e.id,))
        self._insert_statements(conn, [e])

    def _insert_statements(self, conn: sqlite3.Connection, entities: list[Entity]) -> None:
        """Statements, citations and the reference index of ``entities``, one executemany each."""
        conn.executemany(
            "INSERT INTO statements (id, subject_id, position, type, target_id, qualifiers) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (st.id, e.id, i, st.type, st.target, _dumps(st.qualifiers) if st.qualifiers else "{}")
                for e in entities
                for i, st in enumerate(e.statements)
            ],
        )
        conn.executemany(
            "INSERT INTO citations (statement_id, position, source_id, quote, locator) VALUES (?, ?, ?, ?, ?)",
            [
                (st.id, j, c.source, c.quote, c.locator)
                for e in entities
                for st in e.statements
                for j, c in enumerate(st.citations)
            ],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO refs (subject_id, target_id) VALUES (?, ?)",
            [(e.id, target) for e in entities for target in self._referenced_ids(e)],
        )

    def _insert_revision(
        self,
        conn: sqlite3.Connection,
        e: Entity,
        parent: int | None,
        author: str,
        timestamp: str,
        summary: str,
        action: str,
    ) -> Revision:
        rev, encoded = self._new_revision(e, parent, author, timestamp, summary, action)
        self._insert_revision_rows(conn, [(rev, encoded)])
        return rev

    @staticmethod
    def _new_revision(
        e: Entity,
        parent: int | None,
        author: str,
        timestamp: str,
        summary: str,
        action: str,
        keep_snapshot: bool = True,
    ) -> tuple[Revision, str]:
        """The revision and its snapshot's JSON, encoded once for both the row and its size.

        Bulk imports do not keep the snapshot dict: orjson encodes the dataclasses directly
        (their fields are the keys of ``Entity.to_dict``), which halves an import's Python time.
        """
        snapshot = e.to_dict() if keep_snapshot else None
        encoded = _dumps(snapshot if keep_snapshot else e)
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
        return rev, encoded

    @staticmethod
    def _insert_revision_rows(conn: sqlite3.Connection, revisions: list[tuple[Revision, str]]) -> None:
        conn.executemany(
            # the graph version this write commits as (_write bumps it last, under the same lock)
            "INSERT INTO revisions (entity_id, number, parent, author, timestamp, summary, action, entity_type, "
            "label, size, snapshot, graph_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "(SELECT value + 1 FROM meta WHERE key = 'graph_version'))",
            [
                (
                    rev.entity_id,
                    rev.number,
                    rev.parent,
                    rev.author,
                    rev.timestamp,
                    rev.summary,
                    rev.action,
                    rev.entity_type,
                    rev.label,
                    rev.size,
                    encoded,
                )
                for rev, encoded in revisions
            ],
        )
