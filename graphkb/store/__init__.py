"""Storage backends behind one protocol; ``open_store`` is the only place that names them."""

from __future__ import annotations

from ..config import store_url
from ..errors import ValidationError
from ..schema import Ontology, default_ontology
from .base import Store

__all__ = ["open_store", "Store"]


def open_store(url: str | None = None, *, ontology: Ontology | None = None) -> Store:
    """Open the store at ``url`` (default: GRAPHKB_STORE or the instance's SQLite file).

    ``sqlite:///relative/path.sqlite3`` or ``sqlite:////absolute/path.sqlite3`` opens the
    embedded store; ``neo4j://[user:password@]host:7687[/database]`` (or ``bolt://``) a Neo4j
    server, with user, password and database also from NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE.
    """
    url = url or store_url()
    ontology = ontology or default_ontology()
    if url.startswith("sqlite:///"):
        from .sqlite import SQLiteStore

        # SQLAlchemy's convention: three slashes then a relative path, four for an absolute one.
        return SQLiteStore(url[len("sqlite:///") :], ontology=ontology)
    if url.split("://", 1)[0] in ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"):
        from .neo4j import Neo4jStore  # the driver is imported only by those who use it

        return Neo4jStore(url, ontology=ontology)
    raise ValidationError(
        f"unsupported store URL {url!r} (expected sqlite:///path or neo4j://host:7687)", "GRAPHKB_STORE"
    )
