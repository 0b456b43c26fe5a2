"""The web UI: Flask-Admin 2 (Bootstrap 4, assets served locally) in Vietnamese, behind a login."""
from __future__ import annotations

from flask import Flask, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from flask_admin import Admin
from flask_admin import babel as admin_babel
from flask_admin.theme import Bootstrap4Theme
from flask_babel import get_locale, lazy_gettext
from flask_wtf.csrf import CSRFError, CSRFProtect

from models import Alert, AuditEntry, Campaign, Inspection, OutboxMessage, OutlineItem, OutlineSection, Unit, User
from vocabulary.i18n import N_, format_size
from vocabulary.roles import actor_label
from web.database import db
from web.problems import http_problem, is_api_request
from web.security import csp_nonce
from workflow.people.permissions import role_label

from . import campaign_context
from .access import login_manager
from .auth import blueprint as auth_blueprint
from .views.alerts import AlertView, OutboxView
from .views.audit import AuditView
from .views.cases import CaseView
from .views.dashboard import DashboardView
from .views.documents import DocumentsView
from .views.campaigns import CampaignView, status_label as campaign_status_label
from .views.reference import OutlineItemView, OutlineSectionView, UserView
from .views.scoring import ScoringView
from .views.units import UnitView

csrf = CSRFProtect()


def init_admin(app: Flask) -> None:
    session = db  # Flask-Admin takes the extension and asks it for the request's session
    csrf.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(auth_blueprint)
    app.register_blueprint(campaign_context.blueprint)

    # Flask-Admin merges its shipped catalog *after* translations_path, so its words would win over
    # our corrections (admin.po); our compiled catalog already holds all of its own, so use only ours.
    admin_babel.domain._translation_directories = [str(app.extensions["compiled_translations"])]
    admin_babel.domain.cache.clear()

    with app.app_context():  # the views look at the models through the extension
        admin = Admin(
            app,
            name=lazy_gettext(N_("CCHC inspections")),
            theme=Bootstrap4Theme(base_template="admin/cchc_base.html", fluid=True),
            index_view=DashboardView(name=lazy_gettext(N_("Dashboard")), url="/admin"),
            translations_path=str(app.extensions["compiled_translations"]),
            csp_nonce_generator=csp_nonce,
        )
        admin.add_view(CampaignView(Campaign, session, name=lazy_gettext(N_("Campaigns")), endpoint="campaign"))
        admin.add_view(CaseView(Inspection, session, name=lazy_gettext(N_("Cases")), endpoint="inspection"))
        admin.add_view(AlertView(Alert, session, name=lazy_gettext(N_("Alerts")), endpoint="alert"))
        admin.add_view(DocumentsView(name=lazy_gettext(N_("Documents")), endpoint="documents"))
        admin.add_view(ScoringView(name=lazy_gettext(N_("PAR Index scoring")), endpoint="scoring"))
        admin.add_view(AuditView(AuditEntry, session, name=lazy_gettext(N_("Audit log")), endpoint="audit"))
        reference = lazy_gettext(N_("Reference data"))
        admin.add_view(UnitView(Unit, session, name=lazy_gettext(N_("Units")), category=reference, endpoint="unit"))
        admin.add_view(UserView(User, session, name=lazy_gettext(N_("Users")), category=reference, endpoint="user"))
        admin.add_view(OutlineSectionView(OutlineSection, session, name=lazy_gettext(N_("Outline sections")), category=reference, endpoint="outline_section"))
        admin.add_view(OutlineItemView(OutlineItem, session, name=lazy_gettext(N_("Outline items")), category=reference, endpoint="outline_item"))
        admin.add_view(OutboxView(OutboxMessage, session, name=lazy_gettext(N_("Outgoing mail")), category=reference, endpoint="outbox"))

    app.add_url_rule("/", "index", lambda: redirect(url_for("admin.index")))
    # Browsers ask for /favicon.ico whatever the page links to.
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.ico"))
    app.context_processor(lambda: {"role_label": role_label, "actor_label": actor_label, "format_size": format_size,
                                   "get_locale": get_locale, "chosen_campaign": campaign_context.chosen,
                                   "campaign_choices": campaign_context.choices, "campaign_status_label": campaign_status_label})

    for error, (code, message) in ERROR_PAGES.items():
        app.register_error_handler(error, _error_page(code, message))
    app.register_error_handler(Exception, _unexpected(app))


# What a user reads instead of an error: the code, and what happened in words.
ERROR_PAGES = {
    403: (403, N_("Your role may not open this page.")),
    404: (404, N_("There is no such page or record.")),
    CSRFError: (400, N_("The form has expired or did not come from this site: reload the page and try again.")),
    413: (413, N_("The files sent are too large together; send fewer or smaller files.")),
    500: (500, N_("Something went wrong on our side and nothing was changed. Try again; if it happens again, tell the administrator.")),
}


def _error_page(code: int, message: str):
    def handler(error):
        if is_api_request():
            return http_problem(code, getattr(error, "name", "Error"), message)
        return render_template("error.html", code=code, message=lazy_gettext(message)), code

    return handler


def _unexpected(app: Flask):
    """Any other error: an HTTP error keeps its code (problem+json under /api/), and a bug is
    logged with its traceback and answered with the 500 page or problem — never a stack."""
    internal = _error_page(*ERROR_PAGES[500])

    def handler(error: Exception):
        if isinstance(error, HTTPException):
            if is_api_request() and error.code:
                answer = http_problem(error.code, error.name, error.description or error.name)
                answer.headers.extend((name, value) for name, value in error.get_headers() if name == "Allow")  # 405 names the methods
                return answer
            return error
        app.logger.exception("unexpected error on %s", request.path)
        return internal(error)

    return handler
