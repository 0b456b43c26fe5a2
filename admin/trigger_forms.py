"""Forms for the triggers, built from the same schemas the service validates with
(``workflow.engine.trigger_data``): one declaration of each trigger's data for CLI, API and UI.

The form only converts what the browser sends (dd/mm/yyyy dates, HH:MM times); the rules are the
service's, whose refusals are shown next to the field they name.
"""
from __future__ import annotations

import types
import typing
from datetime import date, time
from typing import Annotated, Any, Literal, get_args, get_origin

from flask_admin.form.widgets import DatePickerWidget
from flask_babel import lazy_gettext
from sqlalchemy.orm import Session
from wtforms import BooleanField, DateField, FieldList, FileField
from wtforms import Form as PlainForm
from wtforms import FormField, HiddenField, MultipleFileField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from models import Inspection
from vocabulary.campaigns import ISSUER_LEVELS
from vocabulary.i18n import N_, gettext
from workflow.casefile import rendering, review
from workflow.engine.trigger_data import TriggerData
from workflow.records import register
from workflow.records.files import FileStore, StoredFile

from .forms import Form

DATE_FORMAT = "%d/%m/%Y"
LONG_TEXT = 500
STATUS_CHOICES = [("done", N_("Done")), ("in_progress", N_("In progress")), ("not_done", N_("Not done"))]
RESULT_CHOICES = {"resolved": N_("Findings resolved"), "not_resolved": N_("Findings not resolved")}


class VietnameseDatePicker(DatePickerWidget):
    """Flask-Admin's date picker (vendored, offline), showing dd/mm/yyyy."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("data-date-format", "DD/MM/YYYY")
        kwargs.setdefault("placeholder", "dd/mm/yyyy")
        return super().__call__(field, **kwargs)


def date_field(label: str) -> DateField:
    return DateField(lazy_gettext(label), format=DATE_FORMAT, validators=[Optional()], widget=VietnameseDatePicker())


def _inner(annotation: Any) -> Any:
    """``X | None`` → ``X``; ``Annotated[X, …]`` → ``X``."""
    if isinstance(annotation, types.UnionType) or get_origin(annotation) is typing.Union:
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _is_file_list(annotation: Any) -> bool:
    return get_origin(annotation) is list and _inner(get_args(annotation)[0]) is StoredFile


class FindingRow(PlainForm):
    section = SelectField(lazy_gettext(N_("Outline section")), choices=[], validate_choice=False)
    text = TextAreaField(lazy_gettext(N_("Text")), render_kw={"rows": 2})
    due_date = date_field(N_("Remediation deadline"))


class StatusRow(PlainForm):
    status = SelectField(lazy_gettext(N_("Status")), choices=[(key, lazy_gettext(label)) for key, label in STATUS_CHOICES])
    note = StringField(lazy_gettext(N_("Note")))
    evidence = MultipleFileField(lazy_gettext(N_("Evidence")))


def _field(name: str, info: Any) -> Any:
    label = info.title or name
    kind = _inner(info.annotation)
    if kind is StoredFile:
        return FileField(lazy_gettext(label))
    if _is_file_list(kind):
        return MultipleFileField(lazy_gettext(label))
    if kind is date:
        return date_field(label)
    if kind is time:
        return TimeField(lazy_gettext(label), format="%H:%M", validators=[Optional()], widget=TextInput(),
                         render_kw={"placeholder": "HH:MM", "inputmode": "numeric"})
    if kind is bool:
        return BooleanField(lazy_gettext(label))
    if get_origin(kind) is Literal:
        return SelectField(lazy_gettext(label), choices=[(value, lazy_gettext(RESULT_CHOICES.get(value, value))) for value in get_args(kind)])
    if name == "unit_attendees":  # a checklist of the plan's section IV, by kind of unit (see prepare)
        return SelectMultipleField(lazy_gettext(label), choices=[], validate_choice=False,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    if name == "findings":
        return FieldList(FormField(FindingRow), label=lazy_gettext(label), min_entries=3)
    if name == "statuses":
        return FieldList(FormField(StatusRow), label=lazy_gettext(label))
    long = any(getattr(m, "max_length", 0) and m.max_length > LONG_TEXT for m in info.metadata)
    return (TextAreaField if long else StringField)(lazy_gettext(label), render_kw={"rows": 3} if long else None)


def form_class(schema: type[TriggerData]) -> type[Form]:
    """A form class for ``schema``: the trigger's fields, then the comment."""
    fields = {name: _field(name, info) for name, info in schema.model_fields.items() if name != "comment"}
    fields["comment"] = _field("comment", schema.model_fields["comment"])
    fields["expected_version"] = HiddenField()
    fields["proposed_number"] = HiddenField()  # left as proposed: the register numbers it for the date chosen
    return type(f"{schema.__name__}Form", (Form,), fields)


def radio_label(campaign) -> str:
    return gettext("Reporter of {radio} invited").format(radio=ISSUER_LEVELS[campaign.issuer_level].radio)


# Triggers whose inspection date is the planned one (the others record the day it happened).
PLANNED_VISIT = {"notify", "reschedule"}


def offer_attendees(form: Form, inspection: Inspection) -> None:
    """The checklist of the unit's attendees: the plan's roles for its kind, and any other the
    case already records."""
    if "unit_attendees" in form:
        offered = rendering.attendee_choices(inspection.unit.kind)
        extra = [name for name in inspection.unit_attendees or () if name not in offered]
        form.unit_attendees.choices = [(name, name) for name in (*offered, *extra)]


def prepare(form: Form, trigger: str, inspection: Inspection, today: date, session: Session) -> None:
    """Choices and proposed values before the form is shown: the outline's sections, the
    register's next number, today."""
    if "findings" in form:
        sections = [(s.code, f"{s.code}. {s.title[:80]}") for s in review.reviewable_sections(session, inspection)]
        for row in form.findings:
            row.section.choices = sections
    offer_attendees(form, inspection)
    if "statuses" in form:
        while len(form.statuses) < len(inspection.findings):
            form.statuses.append_entry()
        for row, finding in zip(form.statuses, inspection.findings):
            row.label.text = f"{finding.position}. {finding.text}"
    if "radio" in form:  # the plan invites the issuing body's own radio (III.1.c)
        form.radio.label.text = radio_label(inspection.campaign)
    if form.is_submitted():
        return
    form.expected_version.data = str(inspection.version)
    for name in ("notice_date", "received_date", "minutes_date", "conclusion_date", "reported_date"):
        if name in form:
            getattr(form, name).data = today
    if "visit_date" in form:
        form.visit_date.data = inspection.visit_date if trigger in PLANNED_VISIT else today
    if "visit_time" in form:
        form.visit_time.data = inspection.visit_time
    for name in ("unit_attendees", "chair", "secretary", "participants", "visit_started", "visit_ended", "unit_signer",
                 "unit_signer_title", "team_assessment", "unit_opinion", "radio", "team"):
        if name in form and getattr(inspection, name, None):
            getattr(form, name).data = getattr(inspection, name)  # what the case already holds, to be completed
    proposal = register.propose(session, inspection, trigger, today)
    if proposal is not None:
        _doc_type, number_field, date_field, _purpose = register.NUMBERED_TRIGGERS[trigger]
        getattr(form, number_field).data = form.proposed_number.data = proposal.number
        getattr(form, date_field).data = proposal.doc_date


def _stored(store: FileStore, upload: Any, field: str) -> StoredFile | None:
    """An uploaded file, written to the store before the change that records it."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return store.store_upload(upload.stream, upload.filename, field=field)


def _stored_list(store: FileStore, uploads: list[Any], field: str) -> list[StoredFile]:
    return [stored for stored in (_stored(store, upload, field) for upload in uploads or []) if stored]


def data_of(form: Form, store: FileStore) -> dict[str, Any]:
    """What the service receives: ISO dates, stored files, only what was filled in."""
    data: dict[str, Any] = {}
    proposed = form.proposed_number.data
    for name, field in form._fields.items():
        if name in ("csrf_token", "expected_version", "proposed_number"):
            continue
        if proposed and field.data == proposed:
            continue  # the number the register proposed: it issues the right one for the date
        if isinstance(field, MultipleFileField):
            if files := _stored_list(store, field.data, name):
                data[name] = files
        elif isinstance(field, FileField):
            if stored := _stored(store, field.data, name):
                data[name] = stored
        elif name == "findings":
            rows = [row.data for row in field if (row.data.get("text") or "").strip()]
            if rows:
                data["findings"] = [
                    {"section": row["section"], "text": row["text"], **({"due_date": row["due_date"].isoformat()} if row["due_date"] else {})}
                    for row in rows
                ]
        elif name == "statuses":
            data["statuses"] = {
                str(number): {"status": row.status.data, "note": row.note.data or None,
                              "evidence": _stored_list(store, row.evidence.data, "statuses")}
                for number, row in enumerate(field, start=1)
            }
        elif isinstance(field.data, date):
            data[name] = field.data.isoformat()
        elif isinstance(field.data, time):
            data[name] = field.data.strftime("%H:%M")
        elif isinstance(field, SelectMultipleField):
            if field.data:
                data[name] = list(field.data)
        elif isinstance(field, BooleanField):
            data[name] = bool(field.data)
        elif field.data not in (None, ""):
            data[name] = field.data
    return data


def show_problems(form: Form, problems) -> list[str]:
    """Put each refusal next to the field it names; return those that name none."""
    general = []
    for problem in problems:
        field = form._fields.get(problem.field or "")
        if field is None:
            general.append(str(problem.text))
        else:
            field.errors = [*(field.errors if isinstance(field.errors, list) else []), str(problem.text)]
    return general
