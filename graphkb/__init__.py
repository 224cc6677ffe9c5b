"""graphkb: a collaborative knowledge graph of Sozialraumorientierung in child and youth welfare."""

from .model import Citation, Entity, Revision, Statement
from .store import open_store

__all__ = ["open_store", "Entity", "Statement", "Citation", "Revision"]
__version__ = "0.1.0"
