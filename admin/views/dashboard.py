"""The admin's home page: where the campaign stands."""
from __future__ import annotations

from datetime import date, datetime

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose

from vocabulary.bounds import date_in_range
from vocabulary.i18n import N_, format_date, gettext
from vocabulary.states import Kind, State
from web.database import db_session
from workflow.alerts.rules import LEVEL_LABELS, RULES_BY_NAME
from workflow.queries import dashboard

from .. import campaign_context
from ..access import EVERYONE, current_actor, has_role
from ..charts import stacked_area
from .base import Protected, today
from .cases import WHAT_IS_DUE, state_badge
from .scoring import dashboard_part

STAGE_LOOK = [
    ("planned", N_("Planned"), "#afb8c1"),
    ("notified", N_("Notified"), "#54aeff"),
    ("inspected", N_("Inspected"), "#0969da"),
    ("concluded", N_("Concluded"), "#d4a72c"),
    ("closed", N_("Closed"), "#2da44e"),
    ("cancelled", N_("Cancelled"), "#57606a"),
]

# The calendar's days as a Vietnamese office writes them: Thứ Hai … Chủ nhật, short.
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def _parse_day(text: str) -> date | None:
    """dd/mm/yyyy or ISO, from 2000 to 2100; anything else: None (the dashboard shows today)."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        return day if date_in_range(day) else None
    return None


def _shown_progress(progress: list, campaign) -> list:
    """The days the chart shows: past the campaign's window it ends on the last change (or the
    window's end), not years of flat bands up to today."""
    if campaign is None or not progress:
        return progress
    changes = [day for index, (day, counts) in enumerate(progress) if index and counts != progress[index - 1][1]]
    end = max([campaign.window_end, *changes])
    return [(day, counts) for day, counts in progress if day <= end]


class DashboardView(Protected, AdminIndexView):
    allowed_roles = EVERYONE

    @expose("/")
    def index(self):
        if has_role("unit"):
            return redirect(url_for("inspection.index_view"))
        as_of = _parse_day(request.args.get("as_of", "")) or today()
        board = dashboard.build(db_session(), current_actor(), as_of, campaign_context.chosen_code(), today=today())
        chart = stacked_area(_shown_progress(board.progress, board.campaign), [(key, gettext(label), colour) for key, label, colour in STAGE_LOOK])
        manages = board.campaign is not None and current_actor().may_manage("edit_campaign")
        plan_url = url_for("campaign.plan_view", campaign_id=board.campaign.id, step="settings") if manages else None
        campaign_url = url_for("campaign.details_view", id=board.campaign.id) if manages else None
        return self.render(
            "admin/dashboard.html", board=board, chart=chart, format_date=format_date, plan_url=plan_url, campaign_url=campaign_url,
            weekday=lambda day: gettext(WEEKDAYS[day.weekday()]),
            state_badge=state_badge, kind_label=lambda k: Kind(k).label, state_label=lambda s: State(s).label,
            what_label=lambda what: gettext(WHAT_IS_DUE[what]),
            rule_label=lambda rule: gettext(RULES_BY_NAME[rule].label), level_label=lambda level: gettext(LEVEL_LABELS[level]),
            **dashboard_part(board.campaign),
        )
