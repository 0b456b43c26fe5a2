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
from vocabulary.bounds import is_digits
from vocabulary.campaigns import ISSUER_LEVELS
from vocabulary.i18n import N_, format_date, gettext
from vocabulary.states import Kind
from workflow.campaigns import team
from workflow.casefile import rendering, review
from workflow.engine.trigger_data import TriggerData
from workflow.records import register
from workflow.records.files import FileStore, StoredFile

from .forms import Form

DATE_FORMAT = "%d/%m/%Y"
LONG_TEXT = 500
# The unit chooses each finding's status itself: the form starts with none chosen.
STATUS_CHOICES = [("", N_("— choose —")), ("done", N_("Done")), ("in_progress", N_("In progress")), ("not_done", N_("Not done"))]
RESULT_CHOICES = {"resolved": N_("Findings resolved"), "not_resolved": N_("Findings not resolved")}


class VietnameseDatePicker(DatePickerWidget):
    """Flask-Admin's date picker (vendored, offline), showing dd/mm/yyyy."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("data-date-format", "DD/MM/YYYY")
        kwargs.setdefault("placeholder", "dd/mm/yyyy")
        return super().__call__(field, **kwargs)


class Required:
    """Marks a field the step requires (an asterisk by its label); the service decides."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


def mark_required(field) -> None:
    field.flags.required = True


def date_field(label: str, *extra) -> DateField:
    return DateField(lazy_gettext(label), format=DATE_FORMAT, validators=[Optional(), *extra], widget=VietnameseDatePicker())


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
    section = SelectField(lazy_gettext(N_("Outline section")), choices=[], validate_choice=False, validators=[Required()])
    text = TextAreaField(lazy_gettext(N_("Text")), render_kw={"rows": 2}, validators=[Required()])
    due_date = date_field(N_("Remediation deadline"), Required())


class PersonRow(PlainForm):
    name = StringField(lazy_gettext(N_("Full name of the person")))
    title = StringField(lazy_gettext(N_("Title (chức vụ)")))


class StatusRow(PlainForm):
    status = SelectField(lazy_gettext(N_("Status")), choices=[(key, lazy_gettext(label)) for key, label in STATUS_CHOICES],
                         validators=[Required()])
    note = StringField(lazy_gettext(N_("Note")))
    evidence = MultipleFileField(lazy_gettext(N_("Evidence")))


def _field(name: str, info: Any, required: bool) -> Any:
    label = info.title or name
    kind = _inner(info.annotation)
    marks = [Required()] if required else []
    if kind is StoredFile:
        return FileField(lazy_gettext(label), validators=marks)
    if _is_file_list(kind):
        return MultipleFileField(lazy_gettext(label))
    if kind is date:
        return date_field(label, *marks)
    if kind is time:
        return TimeField(lazy_gettext(label), format="%H:%M", validators=[Optional()], widget=TextInput(),
                         render_kw={"placeholder": "HH:MM", "inputmode": "numeric"})
    if kind is bool:
        return BooleanField(lazy_gettext(label))
    if get_origin(kind) is Literal:
        return SelectField(lazy_gettext(label), choices=[(value, lazy_gettext(RESULT_CHOICES.get(value, value))) for value in get_args(kind)])
    pick = info.json_schema_extra.get("x-pick") if isinstance(info.json_schema_extra, dict) else None
    if pick == "members":  # the team decision's roster as checkboxes (see offer_roster)
        return SelectMultipleField(lazy_gettext(label), choices=[], validate_choice=False, validators=marks,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    if pick == "member":  # one of the roster (see offer_roster)
        return SelectField(lazy_gettext(label), choices=[], validate_choice=False)
    if name == "unit_people":
        return FieldList(FormField(PersonRow), label=lazy_gettext(label), min_entries=4)
    if name == "unit_attendees":  # a checklist of the plan's section IV, by kind of unit (see prepare)
        return SelectMultipleField(lazy_gettext(label), choices=[], validate_choice=False,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    if name == "findings":
        return FieldList(FormField(FindingRow), label=lazy_gettext(label), min_entries=3)
    if name == "statuses":
        return FieldList(FormField(StatusRow), label=lazy_gettext(label))
    long = any(getattr(m, "max_length", 0) and m.max_length > LONG_TEXT for m in info.metadata)
    return (TextAreaField if long else StringField)(lazy_gettext(label), render_kw={"rows": 3} if long else None, validators=marks)


def form_class(schema: type[TriggerData]) -> type[Form]:
    """A form class for ``schema``: the trigger's fields (those the step requires marked; the
    reason for another number right after the number), then the comment."""
    names = [name for name in schema.model_fields if name not in ("comment", "number_reason")]
    if "number_reason" in schema.model_fields:  # asked after the number it explains, not above it
        number = next((i for i, name in enumerate(names) if name.endswith("_number")), len(names) - 1)
        names.insert(number + 1, "number_reason")
    fields = {name: _field(name, schema.model_fields[name], name in schema.required or schema.model_fields[name].is_required())
              for name in names}
    fields["comment"] = _field("comment", schema.model_fields["comment"], False)
    fields["expected_version"] = HiddenField()
    return type(f"{schema.__name__}Form", (Form,), fields)


def radio_label(campaign) -> str:
    return gettext("Reporter of {radio} invited").format(radio=f"{ISSUER_LEVELS[campaign.issuer_level].radio} {campaign.place}")


# Triggers whose inspection date is the planned one (the others record the day it happened).
PLANNED_VISIT = {"notify", "reschedule"}
# Dates that record when something reached the office: the server's day when a unit submits.
ARRIVAL_DATES = ("received_date", "reported_date")


def offer_attendees(form: Form, inspection: Inspection) -> None:
    """The checklist of the unit's attendees: the plan's roles for its kind, and any other the
    case already records."""
    if "unit_attendees" in form:
        offered = rendering.attendee_choices(inspection.unit.kind)
        extra = [name for name in inspection.unit_attendees or () if name not in offered]
        form.unit_attendees.choices = [(name, name) for name in (*offered, *extra)]


def offer_roster(form: Form, inspection: Inspection) -> bool:
    """The team decision's members to pick the visit's team, its chair and its secretary from;
    False when the form picks no member (or the campaign has no roster: the form says where to
    enter it)."""
    if not isinstance(form._fields.get("team"), SelectMultipleField):
        return False
    roster = inspection.campaign.team_members
    form.team.choices = [(str(m.position), f"{m.position}. {m.name} – {m.title} ({team.role_label(m.role)})") for m in roster]
    if not roster:
        form.team.description = gettext(N_("The campaign has no roster of its team yet: enter the team decision's members on the campaign's page (“Inspection team”) first."))
    for name in ("chair", "secretary"):
        if name in form:
            form[name].choices = [("", gettext(N_("— choose —")))] + [(str(m.position), f"{m.position}. {m.name} – {m.title}") for m in roster]
    return True


def _picked(inspection: Inspection) -> dict[str, Any]:
    """What the case's visit picked, as the roster fields hold it."""
    members = inspection.team_members or []
    part = lambda name: next((str(m["position"]) for m in members if m.get("part") == name), "")
    return {"team": [str(m["position"]) for m in members], "chair": part("chair"), "secretary": part("secretary")}


def prepare(form: Form, trigger: str, inspection: Inspection, today: date, session: Session, role: str = "coordinator") -> None:
    """Fit the form to the case and the user before it is shown: the outline's sections, the
    fields that apply (a self-inspection's completion date; no arrival date nor paper copy for a
    unit), the register's number, today."""
    if "findings" in form:
        sections = [("", gettext(N_("— choose —")))] + [(s.code, f"{s.code}. {s.title[:80]}") for s in review.reviewable_sections(session, inspection)]
        for row in form.findings:
            row.section.choices = sections
    offer_attendees(form, inspection)
    roster = offer_roster(form, inspection)
    if "statuses" in form:
        while len(form.statuses) < len(inspection.findings):
            form.statuses.append_entry()
        for row, finding in zip(form.statuses, inspection.findings):
            row.label.text = f"{finding.position}. {finding.text}"
    if "radio" in form:  # the plan invites the issuing body's own radio (III.1.c)
        form.radio.label.text = radio_label(inspection.campaign)
    if "self_check_date" in form:
        if inspection.kind == Kind.SELF:
            mark_required(form.self_check_date)
        else:
            del form.self_check_date
    if role == "unit":
        for name in (*ARRIVAL_DATES, "paper_reason"):
            if name in form:
                del form[name]
    if trigger in register.NUMBERED_TRIGGERS:
        _numbering(form, trigger, inspection, today, session)
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
    picked = ("team", "chair", "secretary") if roster else ()
    for name in ("unit_attendees", "chair", "secretary", "participants", "visit_started", "visit_ended", "unit_signer",
                 "unit_signer_title", "team_assessment", "unit_opinion", "radio", "team"):
        if name in form and name not in picked and getattr(inspection, name, None):
            getattr(form, name).data = getattr(inspection, name)  # what the case already holds, to be completed
    if roster and inspection.team_members:
        for name, value in _picked(inspection).items():
            if name in form:
                form[name].data = value
    if trigger == "visit" and "reason" in form and inspection.visit_reason:
        form.reason.data = inspection.visit_reason
    if "unit_people" in form and inspection.unit_people:
        while len(form.unit_people) < len(inspection.unit_people):
            form.unit_people.append_entry()
        for row, person in zip(form.unit_people, inspection.unit_people):
            row.form.name.data, row.form.title.data = person.get("name"), person.get("title")


def _numbering(form: Form, trigger: str, inspection: Inspection, today: date, session: Session) -> None:
    """The number field of a document: the campaign's schedule notice when it lists the case; a
    required field for a type the văn thư numbers; otherwise empty, saying which number the
    register gives for the date shown — the one it records, of that date's year."""
    doc_type, number_field, date_field, _purpose = register.NUMBERED_TRIGGERS[trigger]
    field = getattr(form, number_field)
    proposal = register.propose(session, inspection, trigger, today)
    if proposal.reused:
        del form.number_reason
        if not form.is_submitted():
            field.data, getattr(form, date_field).data = proposal.number, proposal.doc_date
        return
    issuer = register.suffix(inspection.campaign, doc_type)
    if not proposal.number:  # the văn thư's number: typed, no reason asked
        del form.number_reason
        mark_required(field)
        field.render_kw = {"placeholder": f"57/{doc_type}-{issuer}"}
        field.description = gettext(N_("The number the agency's văn thư gave (its register for the year); checked: the form …/{doc_type}-{issuer} and not used twice in the year.")).format(doc_type=doc_type, issuer=issuer)
    else:
        field.render_kw = {"placeholder": proposal.number}
        field.description = gettext(N_("Left empty, the register gives the next number of the document's year: {number} for a document dated {date}.")).format(number=proposal.number, date=format_date(proposal.doc_date))


def _stored(store: FileStore, upload: Any, field: str) -> StoredFile | None:
    """An uploaded file, written to the store before the change that records it."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return store.store_upload(upload.stream, upload.filename, field=field)


def _stored_list(store: FileStore, uploads: list[Any], field: str) -> list[StoredFile]:
    return [stored for stored in (_stored(store, upload, field) for upload in uploads or []) if stored]


def _row_filled(row: dict[str, Any]) -> bool:
    return any(value not in (None, "") and not (isinstance(value, str) and not value.strip()) for value in row.values())


def data_of(form: Form, store: FileStore) -> dict[str, Any]:
    """What the service receives: ISO dates, stored files, only what was filled in. A finding row
    with anything in it is sent whole (a half-filled row is refused on that row, never dropped);
    ``form.row_of`` maps each sent finding back to its row on the page."""
    data: dict[str, Any] = {}
    for name, field in form._fields.items():
        if name in ("csrf_token", "expected_version"):
            continue
        if isinstance(field, MultipleFileField):
            if files := _stored_list(store, field.data, name):
                data[name] = files
        elif isinstance(field, FileField):
            if stored := _stored(store, field.data, name):
                data[name] = stored
        elif name == "findings":
            filled = [(index, row.data) for index, row in enumerate(field) if _row_filled(row.data)]
            form.row_of = {**getattr(form, "row_of", {}), "findings": [index for index, _row in filled]}
            if filled:
                data["findings"] = [
                    {"section": row["section"], "text": row["text"], **({"due_date": row["due_date"].isoformat()} if row["due_date"] else {})}
                    for _index, row in filled
                ]
        elif name == "unit_people":
            people = [(index, row.data) for index, row in enumerate(field) if _row_filled(row.data)]
            form.row_of = {**getattr(form, "row_of", {}), "unit_people": [index for index, _row in people]}
            if people:
                data["unit_people"] = [{key: value for key, value in row.items() if key != "csrf_token"} for _index, row in people]
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


def _field_named(form: Form, path: str | None):
    """The form field a problem names: ``notice_date``, or a cell of a row, ``findings.1.text``
    (the second finding sent, on whichever row of the page it was)."""
    name, _dot, rest = (path or "").partition(".")
    field = form._fields.get(name)
    if field is None or not rest:
        return field
    index, _dot, cell = rest.partition(".")
    if not is_digits(index) or not isinstance(field, FieldList):
        return field
    rows = getattr(form, "row_of", {}).get(name)
    position = rows[int(index)] if rows and int(index) < len(rows) else int(index)
    if position >= len(field.entries):
        return field
    row = field.entries[position]
    return row.form._fields.get(cell, field) if cell else row


def show_problems(form: Form, problems) -> list[str]:
    """Put each refusal next to the field it names (a finding's cell on its own row); return
    those that name none."""
    general = []
    for problem in problems:
        field = _field_named(form, problem.field)
        if field is None:
            general.append(str(problem.text))
        else:
            field.errors = [*(field.errors if isinstance(field.errors, list) else []), str(problem.text)]
    return general
