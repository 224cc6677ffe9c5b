"""Text fields and their validators: what browsers send, cleaned and checked before it reaches a value."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectChoice, validators
from wtforms.fields import Field, StringField, TextAreaField, URLField
from wtforms.validators import ValidationError as FieldError

from graphkb.schema import DATE_PATTERN as DATE  # the schema's one rule for dates, also sent as the input's pattern

from ..i18n import value_label


class SubForm(Form):
    """A nested form (citation row, property group) with WTForms' own messages in the UI language.

    Flask-WTF translates the messages of FlaskForm only; nested plain forms would speak English.
    """

    class Meta:
        def get_translations(self, form):
            from flask_wtf.i18n import translations

            return translations


__all__ = [
    "DATE",
    "SubForm",
    "Lines",
    "clean",
    "lines",
    "text_of",
    "parse_number",
    "whole_number",
    "number",
    "date",
    "web_address",
    "string_field",
    "textarea_field",
    "url_field",
    "value_choices",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: Any) -> Any:
    """What browsers send, as the store keeps it: NFC, ``\\n`` line ends, no control characters."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")))


def lines(text: str | None) -> list[str]:
    """One value per line, trimmed, empty lines and repeats dropped.

    >>> lines(" a\\n\\nb\\na ")
    ['a', 'b']
    """
    return list(dict.fromkeys(line.strip() for line in (text or "").split("\n") if line.strip()))


def text_of(field: Field) -> str:
    return (field.data or "").strip()


def parse_number(text: str) -> int | float | None:
    """A whole or decimal number (comma or point), None for anything else.

    >>> parse_number("12"), parse_number("2,5"), parse_number("1_000"), parse_number("nan")
    (12, 2.5, None, None)
    """
    if re.fullmatch(r"-?[0-9]{1,15}", text):
        return int(text)
    if not re.fullmatch(r"-?[0-9]{1,15}(?:[.,][0-9]{1,15})?(?:[eE][-+]?[0-9]{1,3})?", text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


# -- validators --------------------------------------------------------------------------------


class Lines:
    """At most ``count`` lines, each at most ``length`` characters."""

    def __init__(self, count: int, length: int):
        self.count, self.length = count, length

    def __call__(self, form: Form, field: Field) -> None:
        found = lines(field.data)
        if len(found) > self.count:
            raise FieldError(_l("at most %(num)d lines", num=self.count))
        if any(len(line) > self.length for line in found):
            raise FieldError(_l("a line is longer than %(num)d characters", num=self.length))


def whole_number(form: Form, field: Field) -> None:
    if text_of(field) and not re.fullmatch(r"-?[0-9]{1,15}", text_of(field)):
        raise FieldError(_l("must be a whole number"))


def number(form: Form, field: Field) -> None:
    if text_of(field) and parse_number(text_of(field)) is None:
        raise FieldError(_l("must be a number"))


def date(form: Form, field: Field) -> None:
    if text_of(field) and not DATE.match(text_of(field)):
        raise FieldError(_l("must be a date as YYYY, YYYY-MM or YYYY-MM-DD"))


def web_address(form: Form, field: Field) -> None:
    if text_of(field):
        parsed = urlparse(text_of(field))
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise FieldError(_l("must be an address starting with http:// or https://"))


def _one_line(form: Form, field: Field) -> None:
    if "\n" in (field.data or ""):
        raise FieldError(_l("must be a single line"))


# -- text inputs ---------------------------------------------------------------------------------


def string_field(label: Any, n: int, *, required: bool = False, description: Any = "") -> StringField:
    first = validators.DataRequired() if required else validators.Optional()
    return StringField(
        label,
        [first, validators.Length(max=n), _one_line],
        filters=[clean],
        render_kw={"maxlength": n},
        description=description,
    )


def textarea_field(label: Any, n: int, *, extra: Iterable = (), description: Any = "", rows: int = 3) -> TextAreaField:
    return TextAreaField(
        label,
        [validators.Optional(), validators.Length(max=n), *extra],
        filters=[clean],
        render_kw={"maxlength": n, "rows": rows},
        description=description,
    )


def url_field(label: Any, n: int, *, required: bool = False) -> URLField:
    first = validators.InputRequired() if required else validators.Optional()
    return URLField(
        label,
        [first, validators.Length(max=n), web_address],
        filters=[clean],
        render_kw={"maxlength": n, "placeholder": "https://"},
    )


def value_choices(values: Iterable[str]) -> list[SelectChoice]:
    """The options of a select: none ("—") first, then each value by its label."""
    return [SelectChoice("", "—")] + [SelectChoice(v, value_label(v)) for v in values]
