"""What the write views share: the entity a write goes to, the revision its form was loaded at, conflicts."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from graphkb.errors import Conflict, EditConflict, NotFound, ValidationError
from graphkb.model import Entity

from ..conflicts import Versions, take_theirs, versions
from ..db import get_store
from ..forms import EntityForm, StatementForm, WriteForm
from ..params import canonical_id

SUMMARY_MAX = 500


def editable(entity_id: str) -> Entity:
    """The live entity behind a URL segment; a deleted one cannot be edited (409 with the reason)."""
    canonical = canonical_id(entity_id)
    if canonical is None:
        raise NotFound(f"no entity {entity_id[:100]!r}")
    entity = get_store().get(canonical)
    if entity.deleted:
        raise Conflict(
            _(
                "“%(label)s” has been deleted and cannot be edited. An administrator can restore it.",
                label=entity.label(),
            )
        )
    return entity


def base_of(form: Any, entity: Entity) -> int:
    """The revision the form was loaded at; one the entity never had is a form to reload."""
    base = form.base()
    if base is None or not 1 <= base <= entity.revision:
        raise ValidationError(
            _("the form does not say which revision it was loaded at; reload the page"), "base_revision"
        )
    return base


def snapshot_at(entity: Entity, number: int) -> dict[str, Any]:
    if number == entity.revision:
        return entity.to_dict()
    return get_store().revision(entity.id or "", number).snapshot or {}


def find_statement(statements: list[dict[str, Any]], statement_id: str | None) -> dict[str, Any] | None:
    return next((s for s in statements if s.get("id") == statement_id), None) if statement_id else None


def no_statement(subject: Entity, statement_id: str) -> NotFound:
    return NotFound(_("“%(label)s” has no statement %(id)s", label=subject.label(), id=statement_id[:100]))


def my_values(form: EntityForm | StatementForm, before: dict[str, Any]) -> dict[str, Any]:
    """The form's values on top of ``before``, with the fields the user took from the other version."""
    return take_theirs(form.take_theirs.data or [], form.values(before), before)


def live_versions(exc: EditConflict, base: int, base_snapshot: dict[str, Any]) -> Versions:
    """The versions behind a conflict; there is nothing to merge into an entity deleted meanwhile."""
    sides = versions(get_store(), exc, base, base_snapshot)
    if sides.theirs.get("deleted"):
        raise Conflict(_("Someone deleted this entity while you were editing it; your changes were not saved."))
    return sides


def rebase(fresh: WriteForm, form: WriteForm, sides: Versions) -> None:
    """The merged form goes on from the current revision, with the summary the user typed."""
    fresh.summary.data = form.summary.data
    fresh.base_revision.data = str(sides.current.number)
