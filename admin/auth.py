"""``/login`` and ``/logout``."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from vocabulary.i18n import N_
from web.database import db_session
from workflow.people.accounts import LoginRefused, TooManyAttempts, authenticate, log_out

from .access import LoggedIn
from .forms import Form

blueprint = Blueprint("auth", __name__)


class LoginForm(Form):
    email = EmailField(lazy_gettext(N_("E-mail")), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(lazy_gettext(N_("Password")), validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never an absolute URL elsewhere: no ``//`` or ``/\\`` (which
    browsers read as another host) and no control character (a CR or LF cannot go into the
    ``Location`` header)."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable()
            and not urlsplit(target).netloc):
        return target
    return url_for("admin.index")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """The limits (per address, and per account) are counted and decided in the database by
    :func:`authenticate` before the password is checked, so they hold across workers and hosts."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    refusal, status = None, 200
    if form.validate_on_submit():
        try:
            user = authenticate(db_session(), form.email.data, form.password.data, datetime.now(timezone.utc),
                                request.remote_addr or "-")
        except (LoginRefused, TooManyAttempts) as error:
            refusal, status = str(error), error.http_status
        else:
            login_user(LoggedIn.of(user))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form, refusal=refusal), status


@blueprint.route("/logout", methods=["GET", "POST"])
def logout():
    """GET shows a button (a link must not log anyone out behind their back); POST logs out."""
    if request.method == "POST":
        if current_user.is_authenticated:
            log_out(db_session(), current_user.id, current_user.generation, datetime.now(timezone.utc))
        logout_user()
        return redirect(url_for("auth.login"))
    return render_template("logout.html")
