"""The coordinators' web UI."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, redirect, render_template, url_for

from web.database import db_session
from workflow.i18n import format_date
from workflow.permissions import Actor
from workflow.queries import case_summary, list_cases

blueprint = Blueprint("cases", __name__, template_folder="templates")


@blueprint.get("/admin/")
def cases():
    summaries = [case_summary(case) for case in list_cases(db_session(), Actor("web", "leader"))]
    return render_template("cases.html", cases=summaries)


def init_admin(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.add_template_filter(lambda iso: format_date(date.fromisoformat(iso)) if iso else "", "iso_date")
    app.add_url_rule("/", "index", lambda: redirect(url_for("cases.cases")))
