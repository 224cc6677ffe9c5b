"""Accounts: log in, log out, register (open or by invitation), invitations, user management, own password."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp
from wtforms.validators import ValidationError as FieldError

from graphkb.accounts import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    authenticate,
    create_user,
    name_taken,
    set_password,
)
from graphkb.errors import Conflict
from graphkb.errors import ValidationError as GraphValidationError
from graphkb.model import ROLES, User

from .. import api_tokens
from ..auth import ROLE_LABELS, WebUser, limiter, require_role
from ..db import get_store

bp = Blueprint("account", __name__)

INVITATION_SALT = "graphkb-invitation"


# --- rate limits ------------------------------------------------------------------------------


def _login_limit() -> str:
    return current_app.config["GRAPHKB_LOGIN_LIMIT"]


def _failed(response: Any) -> bool:
    # Only failed attempts count: colleagues behind one office address must not lock each other out.
    return response.status_code >= 400


_limit_failures = limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
_limit_attempts = limiter.limit(_login_limit, methods=["POST"])


# --- forms ------------------------------------------------------------------------------------


def _valid_name(form: FlaskForm, field: StringField) -> None:
    try:
        User(field.data or "").validated()
    except GraphValidationError as exc:
        raise FieldError(_("1 to 100 characters, no spaces or slashes.")) from exc


def _required() -> InputRequired:
    return InputRequired(message=_l("Please fill in this field."))


def _password(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            _required(),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("At least %(num)d characters.", num=MIN_PASSWORD_LENGTH)),
            Length(max=MAX_PASSWORD_LENGTH, message=_l("At most %(num)d characters.", num=MAX_PASSWORD_LENGTH)),
        ],
    )


def _confirm() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"), validators=[_required(), EqualTo("password", message=_l("The passwords differ."))]
    )


def _name_field() -> StringField:
    return StringField(
        _l("User name"),
        validators=[_required(), Length(max=100), _valid_name],
        description=_l("1 to 100 characters, no spaces or slashes."),
    )


def _email_field() -> EmailField:
    return EmailField(
        _l("Email (optional)"),
        validators=[
            Optional(),
            Length(max=200),
            Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("This does not look like an email address.")),
        ],
    )


def _role_field() -> SelectField:
    choices = [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]
    return SelectField(_l("Role"), choices=choices, validators=[_required()])


class LoginForm(FlaskForm):
    name = StringField(_l("User name"), validators=[_required(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[_required(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Stay logged in on this device"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    name = _name_field()
    email = _email_field()
    password = _password(_l("Password"))
    confirm = _confirm()
    token = HiddenField()


class InviteForm(FlaskForm):
    name = _name_field()
    role = _role_field()
    email = _email_field()


class UserForm(FlaskForm):
    role = _role_field()
    disabled = BooleanField(_l("Disabled"))


class TokenForm(FlaskForm):
    label = StringField(
        _l("Name of the token"),
        validators=[_required(), Length(max=100)],
        description=_l("What will use it, e.g. “evaluation notebook”."),
    )


class RevokeForm(FlaskForm):
    token_id = HiddenField(validators=[_required(), Length(max=20)])  # a token's id, or "all"


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[_required(), Length(max=MAX_PASSWORD_LENGTH)])
    password = _password(_l("New password"))
    confirm = _confirm()


# --- log in and out ---------------------------------------------------------------------------


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: no open redirects.

    >>> [safe_next(t) for t in ["/entity/graz?lang=en", "//evil.example", "/\\\\evil.example", "https://evil.example"]]
    ['/entity/graz?lang=en', None, None, None]
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read a backslash as a slash and drop tabs and newlines: "/\\evil" and "/\t/evil" leave the site.
    if "\\" in target or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.route("/login", methods=["GET", "POST"])
@_limit_failures
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        return render_template("account/login.html", form=form)
    if not form.validate():
        return render_template("account/login.html", form=form), 422
    user = authenticate(get_store(), form.name.data, form.password.data)
    if user is None:
        # One message for an unknown name and a wrong password: the page must not reveal who has an account.
        return _login_refused(form, _("Wrong user name or password."), 401)
    if user.disabled:
        return _login_refused(form, _("This account is disabled. An administrator can enable it again."), 403)
    login_user(WebUser(user), remember=form.remember.data)
    flash(_("Logged in as %(name)s.", name=user.name), "success")
    target = safe_next(form.next.data)
    if target and urlsplit(target).path in (url_for("account.login"), url_for("account.register")):
        target = None  # the header's log-in link on these pages: nothing to go back to
    return redirect(target or url_for("wiki.home"))


def _login_refused(form: LoginForm, message: str, status: int):
    form.next.data = safe_next(form.next.data) or ""
    return render_template("account/login.html", form=form, message=message), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("wiki.home"))


# --- invitations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    name: str
    role: str
    email: str


class InvitationError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=INVITATION_SALT)


def _invite_days() -> int:
    return int(current_app.config["GRAPHKB_INVITE_DAYS"])


def invitation_token(invitation: Invitation) -> str:
    """A signed, dated token naming the account; no state is stored, the account's existence ends it."""
    return _serializer().dumps({"name": invitation.name, "role": invitation.role, "email": invitation.email})


def read_invitation(token: str) -> Invitation:
    """The invitation in ``token``; raises InvitationError (400 forged or garbled, 410 expired or used)."""
    invalid = InvitationError(400, _("This invitation link is not valid. Check that it was copied completely."))
    try:
        data = _serializer().loads(token, max_age=_invite_days() * 86400)
    except SignatureExpired as exc:
        raise InvitationError(410, _("This invitation has expired. Please ask for a new one.")) from exc
    except BadData as exc:
        raise invalid from exc
    if not isinstance(data, dict) or data.get("role") not in ROLES or not isinstance(data.get("name"), str):
        raise invalid
    if name_taken(get_store(), data["name"]):
        raise InvitationError(410, _("This invitation has been used: its account exists. Please log in."))
    return Invitation(data["name"], data["role"], str(data.get("email") or ""))


@bp.route("/invitations", methods=["GET", "POST"])
@require_role("admin")
def invite():
    closed = current_app.config["GRAPHKB_REGISTRATION"] == "closed"
    form = InviteForm()
    if request.method == "GET" or closed:
        # Closed registration: an invitation link could not be used, so none is made.
        status = 409 if closed and request.method == "POST" else 200
        return render_template("account/invite.html", form=form, closed=closed), status
    if not form.validate():
        return render_template("account/invite.html", form=form), 422
    if name_taken(get_store(), form.name.data.strip()):
        form.name.errors.append(_("There is an account with this name already."))
        return render_template("account/invite.html", form=form), 422
    invitation = Invitation(form.name.data.strip(), form.role.data, (form.email.data or "").strip())
    link = url_for("account.register", token=invitation_token(invitation), _external=True)
    expires = datetime.now(UTC) + timedelta(days=_invite_days())
    return render_template(
        "account/invite.html",
        form=InviteForm(formdata=None),
        invitation=invitation,
        role_label=ROLE_LABELS[invitation.role],
        link=link,
        expires=expires,
    )


# --- registration -----------------------------------------------------------------------------


def _notice(title: str, message: str, status: int):
    return render_template("account/notice.html", title=title, message=message), status


@bp.route("/register", methods=["GET", "POST"])
@_limit_attempts
def register():
    mode = current_app.config["GRAPHKB_REGISTRATION"]
    if mode == "closed":
        return _notice(_("Registration is closed"), _("New accounts are created by an administrator."), 404)
    form = RegisterForm()
    token = (form.token.data if request.method == "POST" else "") or request.args.get("token", "")
    invitation = None
    if token:
        try:
            invitation = read_invitation(token)
        except InvitationError as exc:
            return _notice(_("This invitation cannot be used"), exc.message, exc.status)
    elif mode == "invite":
        message = _("This wiki takes new accounts by invitation. Please ask an administrator for an invitation link.")
        return _notice(_("Registration by invitation"), message, 200 if request.method == "GET" else 403)
    if invitation:
        form.token.data = token
        form.name.data = invitation.name  # fixed by the invitation, whatever was sent
        if request.method == "GET":
            form.email.data = invitation.email
    if request.method == "GET" or not form.validate():
        return _register_page(form, invitation, 200 if request.method == "GET" else 422)
    role = invitation.role if invitation else current_app.config["GRAPHKB_REGISTRATION_ROLE"]
    try:
        user = create_user(get_store(), form.name.data, role, form.password.data, (form.email.data or "").strip())
    except Conflict:
        if invitation:
            return _notice(_("This invitation cannot be used"), _("Its account exists already. Please log in."), 410)
        form.name.errors.append(_("This name is taken. Please choose another one."))
        return _register_page(form, invitation, 422)
    login_user(WebUser(user))
    flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
    return redirect(url_for("wiki.home"))


def _register_page(form: RegisterForm, invitation: Invitation | None, status: int):
    role_label = ROLE_LABELS[invitation.role] if invitation else None
    return render_template("account/register.html", form=form, invitation=invitation, role_label=role_label), status


# --- user management (admins) -----------------------------------------------------------------


def _row_forms(users: list[User], failed: tuple[str, UserForm] | None) -> list[tuple[User, UserForm]]:
    rows = []
    for user in users:
        if failed and failed[0] == user.name:
            rows.append((user, failed[1]))
        else:
            rows.append((user, UserForm(formdata=None, role=user.role, disabled=user.disabled)))
    return rows


def _users_page(failed: tuple[str, UserForm] | None = None, status: int = 200):
    rows = _row_forms(get_store().list_users(), failed)
    return render_template("account/users.html", rows=rows, role_labels=ROLE_LABELS), status


@bp.get("/users")
@require_role("admin")
def users():
    return _users_page()


def _active_admin(user: User) -> bool:
    return user.role == "admin" and not user.disabled


def _last_admin(before: User, after: User) -> bool:
    """Whether the change takes away the last active admin (then nobody could manage accounts)."""
    if not _active_admin(before) or _active_admin(after):
        return False
    return not any(_active_admin(u) and u.name != before.name for u in get_store().list_users())


@bp.post("/users/<name>")
@require_role("admin")
def user_update(name: str):
    store = get_store()
    user = store.get_user(name)  # NotFound → 404
    form = UserForm()
    if not form.validate():
        return _users_page((name, form), 422)
    changed = replace(user, role=form.role.data, disabled=form.disabled.data)
    if _last_admin(user, changed):
        form.role.errors.append(_("%(name)s is the last active administrator: make someone else one first.", name=name))
        return _users_page((name, form), 409)
    store.save_user(changed)
    if changed.disabled:
        flash(_("%(name)s is disabled.", name=name), "success")
    else:
        flash(_("%(name)s is now: %(role)s.", name=name, role=ROLE_LABELS[changed.role]), "success")
    if name == current_user.name and not _active_admin(changed):
        return redirect(url_for("wiki.home"))  # no longer allowed on the users page
    return redirect(url_for("account.users"))


# --- own account ------------------------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@require_role("reader")
@_limit_failures
def profile():
    form = PasswordForm()
    if request.method == "GET":
        return _profile_page(form, 200)
    if not form.validate():
        return _profile_page(form, 422)
    if not check_password_hash(current_user.user.password_hash, form.current.data):
        form.current.errors.append(_("This is not your current password."))
        return _profile_page(form, 422)
    updated = set_password(get_store(), current_user.name, form.password.data)
    # This session gets the new id (and keeps its remember-me cookie, renewed); every other one ends.
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(WebUser(updated), remember=remembered)
    flash(_("Your password is changed. Other devices are logged out."), "success")
    return redirect(url_for("account.profile"))


def _profile_page(form: PasswordForm, status: int, **tokens: Any):
    tokens.setdefault("token_form", TokenForm(formdata=None))
    return render_template(
        "account/profile.html",
        form=form,
        role_label=ROLE_LABELS[current_user.role],
        tokens=api_tokens.current_tokens(),
        revoke_form=RevokeForm(formdata=None),
        **tokens,
    ), status


# --- API tokens (see webui.api_tokens) ---------------------------------------------------------


@bp.post("/account/tokens")
@require_role("reader")
def token_create():
    form = TokenForm()
    if form.validate():
        try:
            record, token = api_tokens.registry().create(
                current_user.name, current_user.user.password_hash, form.label.data
            )
        except GraphValidationError as exc:
            form.label.errors.append(exc.reason)
        else:
            # Shown on this page only, once: it is not kept anywhere it could be read again.
            return _profile_page(PasswordForm(formdata=None), 201, new_token=token, new_record=record)
    return _profile_page(PasswordForm(formdata=None), 422, token_form=form)


@bp.post("/account/tokens/revoke")
@require_role("reader")
def token_revoke():
    form = RevokeForm()
    if not form.validate():
        return _profile_page(PasswordForm(formdata=None), 422)
    if form.token_id.data == "all":
        count = api_tokens.registry().revoke_all(current_user.name)
        flash(_("%(num)d API tokens revoked.", num=count), "success")
    else:
        api_tokens.registry().revoke(current_user.name, form.token_id.data)  # NotFound → 404
        flash(_("The API token is revoked."), "success")
    return redirect(url_for("account.profile"))
