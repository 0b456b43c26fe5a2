"""Random triggers with random data, checking the invariants after every step (hypothesis)."""
from __future__ import annotations

import shutil
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from models import AuditEntry, Inspection
from models.db import Database
from tests.conftest import VN
from tests.helpers import COORDINATOR
from workflow.audit import verify
from workflow.deadlines.due_dates import due_dates
from workflow.engine.machines import workflow_for
from workflow.engine.service import fire
from workflow.engine.trigger_data import SCHEMAS
from workflow.errors import WorkflowError
from workflow.people.permissions import EVERY_TRIGGER, Actor

TRIGGERS = sorted(EVERY_TRIGGER)
TEXT = st.text(alphabet="abc ĐđƯưáàạ", max_size=12)
ANY_DATE = st.dates(min_value=date(2023, 6, 1), max_value=date(2024, 3, 31)).map(date.isoformat)


def mostly(sensible: st.SearchStrategy[Any], wild: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Nine draws in ten are values a coordinator would enter; the tenth is anything."""
    return st.integers(0, 9).flatmap(lambda n: wild if n == 0 else sensible)


def days_from(today: date, low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda k: (today + timedelta(days=k)).isoformat())


def data_for(trigger: str, today: date) -> st.SearchStrategy[dict[str, Any]]:
    """Random data for ``trigger``: its own fields, each maybe left out, now and then a bad value
    or a field it does not have."""
    past, ahead = days_from(today, -20, 0), days_from(today, 0, 40)
    values: dict[str, st.SearchStrategy[Any]] = {
        "notice_date": mostly(days_from(today, -3, 0), st.just("31/07/2023")),
        "visit_date": mostly(days_from(today, 10, 40) if trigger in ("notify", "reschedule") else days_from(today, -3, 0), st.just("2023-02-30")),
        "visit_time": st.sampled_from(["08:00", "14:30", "25:00"]),
        "received_date": mostly(past, ANY_DATE),
        "minutes_date": mostly(days_from(today, -2, 0), ANY_DATE),
        "conclusion_date": mostly(past, ANY_DATE),
        "reported_date": mostly(past, ANY_DATE),
        "planned_date": mostly(ahead, ANY_DATE),
        "due_date": mostly(days_from(today, 20, 90), ANY_DATE),
        "result": st.sampled_from(["resolved", "resolved", "not_resolved", "maybe"]),
        "unannounced": st.booleans(),
        "findings": st.lists(
            st.fixed_dictionaries(
                {"section": mostly(st.sampled_from([f"B.{n}" for n in range(1, 9)]), st.sampled_from(["B.9", "Z"])), "text": TEXT.filter(bool)},
                optional={"due_date": mostly(days_from(today, 20, 90), ANY_DATE)},
            ),
            min_size=1,
            max_size=3,
        ) | st.just([]),
        "statuses": st.lists(mostly(st.just("done"), st.sampled_from(["in_progress", "not_done", "maybe"])), max_size=3),
    }
    schema = SCHEMAS[trigger].model_fields
    fields = {name: values.get(name, TEXT) for name in schema}
    if "reason" in fields:
        fields["reason"] = mostly(TEXT.filter(bool), st.just(""))
    required = {name: fields.pop(name) for name in list(fields) if schema[name].is_required()}
    extra = {"colour": st.just("blue")}
    return st.integers(0, 19).flatmap(lambda n: st.fixed_dictionaries(required, optional={**fields, **(extra if n == 0 else {})}))


ACTORS = mostly(st.just(COORDINATOR), st.sampled_from([Actor("lead@tuky.local", "leader"), Actor("team@tuky.local", "inspector")]))


class CaseMachine(RuleBasedStateMachine):
    """One database per run; three cases of the plan to play with, plus any phúc tra they open."""

    url: str  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.database = Database(self.url())
        self.now = datetime(2023, 7, 1, 8, tzinfo=VN)
        with self.database.session() as session:
            direct = session.scalars(select(Inspection.id).where(Inspection.kind == "direct").order_by(Inspection.id).limit(2)).all()
            own = session.scalars(select(Inspection.id).where(Inspection.kind == "self").order_by(Inspection.id).limit(1)).all()
        self.case_ids = [*direct, *own]

    def teardown(self) -> None:
        self.database.dispose()

    def _snapshot(self) -> dict[int, tuple[str, int, int]]:
        with self.database.session() as session:
            counts = dict(session.execute(select(AuditEntry.inspection_id, func.count()).where(AuditEntry.inspection_id.is_not(None)).group_by(AuditEntry.inspection_id)).all())
            rows = session.execute(select(Inspection.id, Inspection.state, Inspection.version)).all()
        return {row.id: (row.state, row.version, counts.get(row.id, 0)) for row in rows}

    @rule(pick=st.integers(min_value=0, max_value=20), actor=ACTORS, hours=st.integers(min_value=0, max_value=24 * 6), draw=st.data())
    def fire_something(self, pick: int, actor: Actor, hours: int, draw: st.DataObject) -> None:
        self.now += timedelta(hours=hours)
        inspection_id = self.case_ids[pick % len(self.case_ids)]
        before = self._snapshot()
        state = before[inspection_id][0]
        with self.database.session() as session:
            inspection = session.get(Inspection, inspection_id)
            possible = workflow_for(inspection.kind, inspection.unannounced).triggers_from(state)
        onward = [t for t in possible if t not in ("cancel", "reschedule")] or TRIGGERS  # keep the story going
        trigger = draw.draw(mostly(st.sampled_from(onward), st.sampled_from(TRIGGERS)), label="trigger")
        data = draw.draw(data_for(trigger, self.now.astimezone(VN).date()), label="data")
        try:
            with self.database.session() as session:
                result = fire(session, inspection_id, trigger, actor, self.now, **data)
        except WorkflowError as refused:
            event(f"{trigger}: {type(refused).__name__}")
            assert self._snapshot() == before, "a refused trigger changed something"
            return
        event(f"{trigger}: {result.from_state} -> {result.to_state}")
        after = self._snapshot()
        state, version, entries = after[inspection_id]
        assert (state, entries) == (result.to_state, before[inspection_id][2] + 1)
        assert version > before[inspection_id][1]
        touched = {inspection_id}
        if "reinspection_case" in result.extra:
            child = result.extra["reinspection_case"]
            assert after[child][2] == 1 and child not in before
            self.case_ids.append(child)
            touched.add(child)
        with self.database.session() as session:
            original = session.get(Inspection, inspection_id).reinspection_of_id
        if original is not None and before[original][0] == "reinspection" and state == "closed":
            assert after[original][0] == "closed" and after[original][2] == before[original][2] + 1
            touched.add(original)
        for other, snapshot in before.items():
            if other not in touched:
                assert after[other] == snapshot, f"case {other} changed by a fire on {inspection_id}"

    @invariant()
    def states_belong_to_their_kind(self) -> None:
        with self.database.session() as session:
            for inspection in session.scalars(select(Inspection).where(Inspection.id.in_(self.case_ids))):
                assert inspection.state in workflow_for(inspection.kind, inspection.unannounced).states
                assert {k: getattr(inspection, k) for k in due_dates(inspection, inspection.campaign)} == due_dates(inspection, inspection.campaign)

    @invariant()
    def the_log_verifies(self) -> None:
        with self.database.session() as session:
            report = verify(session)
            assert report.ok, [str(p) for p in report.problems]


def _run(url_factory, max_examples: int) -> None:
    machine = type("Machine", (CaseMachine,), {"url": staticmethod(url_factory)})
    run_state_machine_as_test(
        machine,
        settings=settings(max_examples=max_examples, stateful_step_count=50, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )


def test_random_triggers_keep_every_invariant_on_sqlite(sqlite_templates, tmp_path):
    def fresh() -> str:
        path = tmp_path / f"{uuid.uuid4().hex}.db"
        shutil.copy(sqlite_templates["seeded"], path)
        return f"sqlite:///{path}"

    _run(fresh, max_examples=60)


@pytest.mark.postgres
def test_random_triggers_keep_every_invariant_on_postgresql(postgres_server, postgres_templates):
    def fresh() -> str:
        name = f"h_{uuid.uuid4().hex[:12]}"
        postgres_server.execute(f"CREATE DATABASE {name} TEMPLATE {postgres_templates['seeded']}")
        return postgres_server.url(name)

    _run(fresh, max_examples=15)
