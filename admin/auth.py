"""``/login`` and ``/logout``."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from vocabulary.i18n import N_
from web.database import db_session
from workflow.people.accounts import LoginRefused, authenticate

from .access import LoggedIn
from .forms import Form

blueprint = Blueprint("auth", __name__)
# Per address, on top of the per-account lockout in workflow.people.accounts (which works across workers).
limiter = Limiter(get_remote_address, default_limits=[], storage_uri="memory://")


class LoginForm(Form):
    email = EmailField(N_("E-mail"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(N_("Password"), validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never an absolute URL elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.index")


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    refusal = None
    if form.validate_on_submit():
        try:
            user = authenticate(db_session(), form.email.data, form.password.data, datetime.now(timezone.utc))
        except LoginRefused as error:
            refusal = str(error)
        else:
            login_user(LoggedIn.of(user))
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if refusal else 200
    return render_template("login.html", form=form, refusal=refusal), status


@blueprint.route("/logout", methods=["GET", "POST"])
def logout():
    """GET shows a button (a link must not log anyone out behind their back); POST logs out."""
    if request.method == "POST":
        logout_user()
        return redirect(url_for("auth.login"))
    return render_template("logout.html")
