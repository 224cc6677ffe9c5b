"""Versioned schema migrations of the embedded store; ``PRAGMA user_version`` records the applied step."""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATIONS", "migrate"]

MIGRATIONS: list[str] = [
    # 1: entities, statements, citations, revisions, reference index, trigram search index
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    INSERT INTO meta VALUES ('graph_version', 0);

    CREATE TABLE entities (
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        label_de TEXT NOT NULL,
        label_en TEXT NOT NULL,
        sort_de TEXT NOT NULL,
        sort_en TEXT NOT NULL,
        data TEXT NOT NULL,
        revision INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        deleted_reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        description_de TEXT NOT NULL,
        description_en TEXT NOT NULL
    );
    CREATE INDEX entities_type_de ON entities (type, deleted, sort_de);
    CREATE INDEX entities_type_en ON entities (type, deleted, sort_en);
    CREATE INDEX entities_live_de ON entities (deleted, sort_de);
    CREATE INDEX entities_live_en ON entities (deleted, sort_en);
    CREATE INDEX entities_updated ON entities (deleted, updated_at);

    CREATE TABLE statements (
        id TEXT PRIMARY KEY,
        subject_id TEXT NOT NULL REFERENCES entities (id),
        position INTEGER NOT NULL,
        type TEXT NOT NULL,
        target_id TEXT NOT NULL REFERENCES entities (id),
        qualifiers TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX statements_subject ON statements (subject_id, position);
    CREATE INDEX statements_target ON statements (target_id, type, subject_id);

    CREATE TABLE citations (
        statement_id TEXT NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        source_id TEXT NOT NULL REFERENCES entities (id),
        quote TEXT NOT NULL,
        locator TEXT NOT NULL,
        PRIMARY KEY (statement_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX citations_source ON citations (source_id);

    -- ids an entity points at from qualifiers and properties (targets and citation sources are
    -- indexed in their own tables), so a delete can list every referrer by index
    CREATE TABLE refs (
        subject_id TEXT NOT NULL REFERENCES entities (id),
        target_id TEXT NOT NULL REFERENCES entities (id),
        PRIMARY KEY (subject_id, target_id)
    ) WITHOUT ROWID;
    CREATE INDEX refs_target ON refs (target_id);

    CREATE TABLE revisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entity_id TEXT NOT NULL REFERENCES entities (id),
        number INTEGER NOT NULL,
        parent INTEGER,
        author TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        summary TEXT NOT NULL,
        action TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        label TEXT NOT NULL,
        size INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        UNIQUE (entity_id, number)
    );
    CREATE INDEX revisions_type ON revisions (entity_type, seq);
    CREATE INDEX revisions_author ON revisions (author, seq);

    -- folded text (graphkb.text.fold) so umlauts and ae/oe/ue spellings match; the trigram
    -- tokenizer finds parts of compound words ("verbund" in "Trägerverbund") in labels and aliases;
    -- descriptions are longer, so they get a word index (whole words and word prefixes), which
    -- costs a quarter of a trigram index to build
    CREATE VIRTUAL TABLE search USING fts5 (label_de, label_en, aliases, tokenize = 'trigram');
    CREATE VIRTUAL TABLE search_text USING fts5 (descriptions, tokenize = 'unicode61');
    """,
    # 2: accounts (the wiki's users; revisions name their author by user name)
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID
    """,
    # 3: the graph version each revision was written at, so a cache can ask what changed since a
    # version (Store.changes_since); revisions written before this step have none, and 'changes_from'
    # records the version from which the answer is complete
    """
    ALTER TABLE revisions ADD COLUMN graph_version INTEGER;
    INSERT INTO meta VALUES ('changes_from', (SELECT value FROM meta WHERE key = 'graph_version'))
    """,
    # 4: API tokens of accounts (Store.save_api_token): the secret's SHA-256, never the secret; no
    # foreign key to users, whose INSERT OR REPLACE would trip it (the store checks the account)
    """
    CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        label TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        password_fingerprint TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX api_tokens_user ON api_tokens (user, created_at, id)
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations this file has and the database lacks; returns the schema version."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise RuntimeError(f"the database has schema version {current}, newer than this graphkb ({len(MIGRATIONS)})")
    for version in range(current + 1, len(MIGRATIONS) + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # re-check inside the lock: another process may have migrated meanwhile
            if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[version - 1].split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)
