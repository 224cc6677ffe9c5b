"""What every write form shares: the revision it was loaded at, and the merge choices after a conflict."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import Field, FormField, HiddenField, SelectMultipleField, SubmitField

from graphkb.errors import ValidationError
from graphkb.schema import Ontology

from .fields import string_field

__all__ = ["BasedForm", "WriteForm", "RemoveForm", "remove_form", "summary_field", "add_error", "place_error"]


class BasedForm(FlaskForm):
    """A form that writes on top of the revision it was loaded at."""

    base_revision = HiddenField()

    def base(self) -> int | None:
        raw = (self.base_revision.data or "").strip()
        return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else None


class WriteForm(BasedForm):
    """Also the merge choices after a conflict: the fields whose other version replaces this form's value."""

    take_theirs = SelectMultipleField(validate_choice=False)

    def field_for(self, key: str) -> Field | None:
        """The form field of a value key (``props.districts`` → the districts input)."""
        head, _, rest = key.partition(".")
        if rest:
            sub = self._fields.get(head)
            return sub.form._fields.get(rest) if isinstance(sub, FormField) else None
        return self._fields.get(key)


def summary_field(ontology: Ontology) -> Field:
    return string_field(_l("Edit summary"), ontology.limit("summary"))


def add_error(field: Field, message: str) -> None:
    """One more error next to ``field`` (its errors are a tuple until it has been validated)."""
    field.errors = [*field.errors, message]


def place_error(target: Field | None, exc: ValidationError, errors: list[str]) -> None:
    """The store's complaint next to the field it is about; without one, in ``errors`` (shown above the form)."""
    if target is None:
        errors.append(str(exc))
    else:
        add_error(target, exc.reason)


class RemoveForm(BasedForm):
    confirm = HiddenField()
    remove = SubmitField(_l("Remove statement"))


def remove_form(ontology: Ontology) -> RemoveForm:
    """Removing a statement: a confirmation with an optional summary."""
    return type("StatementRemoveForm", (RemoveForm,), {"summary": summary_field(ontology)})()
