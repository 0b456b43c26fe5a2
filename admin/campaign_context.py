"""Which campaign the user is looking at: chosen in the navigation bar, kept in the session,
by default the one ``workflow.campaigns.current.default_campaign`` gives (the running campaign of the
user's issuing body). Dashboard, cases, alerts and documents read it from here."""
from __future__ import annotations

from flask import Blueprint, g, redirect, request, session
from flask_login import current_user, login_required

from models import Campaign
from web.database import db_session
from workflow.campaigns.current import campaign_choices, default_campaign

from .access import current_actor
from .auth import _safe_next

SESSION_KEY = "campaign"
blueprint = Blueprint("campaign_context", __name__)


def choices() -> list:
    """The campaigns this user may look at, newest first (cached for the request)."""
    if "campaign_choices" not in g:
        g.campaign_choices = campaign_choices(db_session(), current_actor())
    return g.campaign_choices


def chosen() -> Campaign | None:
    """The campaign chosen in the switcher, or the default one; None when there is none yet."""
    if not current_user.is_authenticated:
        return None
    if "chosen_campaign" not in g:
        known = {campaign.code: campaign for campaign in choices()}
        asked = request.args.get("campaign") if request.method == "GET" else None
        if asked in known:  # a link to a campaign's page shows that campaign from then on
            session[SESSION_KEY] = asked
        code = session.get(SESSION_KEY)
        g.chosen_campaign = known.get(code) or default_campaign(db_session(), current_actor())
    return g.chosen_campaign


def chosen_code() -> str | None:
    campaign = chosen()
    return campaign.code if campaign is not None else None


@blueprint.post("/campaign/choose")
@login_required
def choose():
    code = request.form.get("campaign", "")
    if any(campaign.code == code for campaign in choices()):
        session[SESSION_KEY] = code
    return redirect(_safe_next(request.form.get("next")))


def remember(code: str) -> None:
    """Show this campaign from now on (after creating its cases, say)."""
    session[SESSION_KEY] = code
    g.pop("chosen_campaign", None)
    g.pop("campaign_choices", None)
