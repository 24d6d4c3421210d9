"""The credit ledger. Events are never updated: a reversal is a new event pointing at
the award it undoes. Whether an award is pending, granted or reversed follows from
the events themselves (see ``state_of``)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.extensions import db
from platform_core.models import utcnow

# kind: (what people read, default weight, default daily cap in awards)
KINDS: dict[str, tuple[object, int, int]] = {
    "initiative_placed": (_l("U zette een initiatief op de kaart"), 10, 2),
    "joined": (_l("U deed mee met een initiatief"), 3, 5),
    "comment": (_l("U schreef een reactie"), 1, 5),
    "pluim_received": (_l("U kreeg een pluim"), 2, 10),
    "meeting_attended": (_l("U was bij een bijeenkomst"), 5, 3),
    "assisted_entry": (_l("U voerde een initiatief in voor een buur"), 5, 5),
    "timely_feedback": (_l("U reageerde als gemeente binnen de norm"), 4, 20),
    "stage_reached": (_l("Uw initiatief ging naar de volgende fase"), 8, 3),
    "outcome_reported": (_l("U vertelde hoe het initiatief afliep"), 6, 3),
}
DEFAULT_PENDING_HOURS = 48
PAIR_CAP = 3  # pluimen between the same two people that still earn credits, per trajectory
LEVELS = [  # (minimum credits, name, what it means)
    (1, _l("Meedenker"), _l("U denkt mee: u reageerde, gaf een pluim of kwam naar een bijeenkomst.")),
    (20, _l("Meedoener"), _l("U doet mee: u helpt initiatieven verder, niet alleen met woorden.")),
    (60, _l("Trekker"), _l("U trekt iets: buren doen mee met wat u op gang bracht.")),
    (150, _l("Verbinder"), _l("U verbindt: u brengt mensen, buurt en gemeente bij elkaar.")),
]


class CreditRuleSet(db.Model):
    """One version of a trajectory's rules; a change makes a new version."""

    __tablename__ = "credit_ruleset"
    __table_args__ = (UniqueConstraint("trajectory_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    pending_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_PENDING_HOURS)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CreditRule(db.Model):
    __tablename__ = "credit_rule"
    __table_args__ = (UniqueConstraint("ruleset_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset_id: Mapped[int] = mapped_column(ForeignKey("credit_ruleset.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    weight: Mapped[int] = mapped_column(Integer)
    daily_cap: Mapped[int] = mapped_column(Integer)


class CreditEvent(db.Model):
    __tablename__ = "credit_event"
    __table_args__ = (
        # Exactly once: one award (and at most one reversal) per person, kind and source.
        UniqueConstraint("user_id", "kind", "source_type", "source_id", "entry", name="uq_credit_once"),
        Index("ix_credit_event_person", "user_id", "trajectory_id"),
        Index("ix_credit_event_cap", "user_id", "trajectory_id", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    entry: Mapped[str] = mapped_column(String(10))  # award | reversal
    amount: Mapped[int] = mapped_column(Integer)
    source_type: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int] = mapped_column(Integer)
    counterpart_id: Mapped[int | None] = mapped_column(Integer)  # e.g. who gave the pluim
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("credit_event.id"), index=True)
    rule_version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300), default="")
    available_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CreditTotal(db.Model):
    """Derived: the sum of a person's events per trajectory (``flask credits rebuild``)."""

    __tablename__ = "credit_total"
    __table_args__ = (Index("ix_credit_total_standing", "trajectory_id", "total"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0)


class StandingOptIn(db.Model):
    """People choose to appear in a trajectory's standings; nobody does by default."""

    __tablename__ = "credit_standing_optin"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), primary_key=True)
