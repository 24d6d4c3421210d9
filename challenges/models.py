"""A challenge, the people who back it, and the questions and answers about it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from initiatives.models import Initiative
from maps.models import Area
from platform_core.extensions import db
from platform_core.models import User, utcnow

CHALLENGERS = {
    "individual": _l("Een inwoner"),
    "group": _l("Een groep bewoners"),
    "organisation": _l("Een buurtorganisatie of maatschappelijke organisatie"),
}
STATES = {
    "submitted": _l("Ingediend, wacht op ontvangstbevestiging"),
    "in_review": _l("In behandeling"),
    "decided": _l("Besloten"),
}
DECISIONS = {
    "granted": _l("Toegekend"),
    "partly": _l("Deels toegekend"),
    "refused": _l("Afgewezen"),
}
VERDICTS = {"meets": _l("Voldoet"), "partly": _l("Voldoet deels"), "fails": _l("Voldoet niet")}


class Challenge(db.Model):
    __tablename__ = "challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    task: Mapped[str] = mapped_column(Text)  # which municipal task
    motivation: Mapped[str] = mapped_column(Text)  # why better, cheaper or closer to the neighbourhood
    needs: Mapped[str] = mapped_column(Text)  # budget, premises, agreements
    support: Mapped[str] = mapped_column(Text, default="")  # the support they have, in their words
    budget_needed: Mapped[int | None] = mapped_column(Integer)
    challenger: Mapped[str] = mapped_column(String(12))
    organisation: Mapped[str | None] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    linked_initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id", ondelete="SET NULL"))
    # The terms as they stood at filing: a later change of the settings does not move a promised date.
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    criteria: Mapped[str] = mapped_column(Text)  # one criterion per line
    ack_due_at: Mapped[datetime] = mapped_column(DateTime)
    decide_due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    state: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The assessment against the criteria: "criterion<TAB>verdict<TAB>note" per line.
    assessment: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(12))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agreement: Mapped[str | None] = mapped_column(Text)  # the zelfbeheer agreement, once converted
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id", ondelete="SET NULL"))
    supporters_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    area: Mapped[Area | None] = relationship()
    linked_initiative: Mapped[Initiative | None] = relationship(foreign_keys=[linked_initiative_id])
    initiative: Mapped[Initiative | None] = relationship(foreign_keys=[initiative_id])
    messages: Mapped[list[ChallengeMessage]] = relationship(
        order_by="ChallengeMessage.id", cascade="all, delete-orphan"
    )

    @property
    def criteria_list(self) -> list[str]:
        return [line for line in self.criteria.splitlines() if line.strip()]

    @property
    def verdicts(self) -> dict[str, tuple[str, str]]:
        out = {}
        for line in self.assessment.splitlines():
            criterion, _sep, rest = line.partition("\t")
            verdict, _sep, note = rest.partition("\t")
            out[criterion] = (verdict, note)
        return out


class ChallengeSupport(db.Model):
    """Someone backing a challenge (a co-signer): one row per person."""

    __tablename__ = "challenge_support"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ChallengeMessage(db.Model):
    """A question from the municipality, or the challenger's answer."""

    __tablename__ = "challenge_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    from_municipality: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
