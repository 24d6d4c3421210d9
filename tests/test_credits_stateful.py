"""A Hypothesis state machine drives the ledger (award, cap, pending, reverse, rule change)
against a plain Python model of the rules, on the real database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import text

from credits.services import award, balance, current_rules, reverse, set_rules, verify
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from trajectories.services import create_trajectory

KINDS_USED = ["comment", "joined", "meeting_attended"]
START = datetime(2027, 3, 1, 8, 0)


def test_ledger_rules_hold_in_every_sequence(app, make_user):
    people = [make_user(f"p{i}@example.nl") for i in range(3)]
    admin_id = make_user("beheer@gemeente.nl", roles=("admin",))
    with app.app_context(), unit_of_work():
        trajectory_id = create_trajectory(
            db.session.get(User, admin_id),
            "Model",
            "Een vraag voor het model?",
            "Test",
            date(2027, 1, 1),
            date(2027, 12, 31),
        ).id

    class Ledger(RuleBasedStateMachine):
        @initialize()
        def fresh(self):
            self.ctx = app.app_context()
            self.ctx.push()
            for table in ("credit_event", "credit_total", "credit_rule", "credit_ruleset"):
                db.session.execute(text(f"DELETE FROM {table}"))
            transaction.commit()
            self.now = START
            rules = current_rules(trajectory_id)
            self.weights, self.caps, self.pending_hours = dict(rules.weights), dict(rules.caps), rules.pending_hours
            self.awards = {}  # (person, kind, source) -> [amount, created_at, available_at, reversed]

        def teardown(self):
            transaction.rollback()
            self.ctx.pop()

        @rule(person=st.sampled_from(people), kind=st.sampled_from(KINDS_USED), source=st.integers(0, 12))
        def give(self, person, kind, source):
            event = award(person, trajectory_id, kind, kind, source, now=self.now)
            transaction.commit()
            key = (person, kind, source)
            today = sum(
                1
                for (p, k, _s), a in self.awards.items()
                if p == person and k == kind and a[1].date() == self.now.date()
            )
            if key in self.awards:
                assert event is not None  # exactly once: the existing award comes back
            elif today < self.caps[kind] and self.weights[kind] > 0:
                assert event is not None
                assert event.amount == self.weights[kind]
                self.awards[key] = [event.amount, self.now, self.now + timedelta(hours=self.pending_hours), False]
            else:
                assert event is None

        @rule(kind=st.sampled_from(KINDS_USED), source=st.integers(0, 12))
        def take_back(self, kind, source):
            reverse(kind, source, "Correctie", now=self.now)
            transaction.commit()
            for (_p, k, s), a in self.awards.items():
                if k == kind and s == source:
                    a[3] = True

        @rule(hours=st.integers(1, 60))
        def wait(self, hours):
            self.now += timedelta(hours=hours)

        @rule(
            kind=st.sampled_from(KINDS_USED),
            weight=st.integers(0, 9),
            cap=st.integers(0, 4),
            pending=st.integers(0, 72),
        )
        def change_rules(self, kind, weight, cap, pending):
            weights, caps = dict(self.weights), dict(self.caps)
            weights[kind], caps[kind] = weight, cap
            set_rules(db.session.get(User, admin_id), trajectory_id, weights, caps, pending)
            self.weights, self.caps, self.pending_hours = weights, caps, pending

        @invariant()
        def books_balance(self):
            if not hasattr(self, "awards"):
                return
            assert verify() == []
            for person in people:
                mine = [a for (p, _k, _s), a in self.awards.items() if p == person]
                total = sum(a[0] for a in mine if not a[3])
                pending = sum(a[0] for a in mine if not a[3] and a[2] > self.now)
                got = balance(person, trajectory_id, now=self.now)
                assert (got["total"], got["pending"]) == (total, pending)

    run_state_machine_as_test(
        Ledger, settings=settings(max_examples=12, stateful_step_count=25, deadline=None, database=None)
    )
