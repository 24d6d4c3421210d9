"""The participatieverslag: for an initiative or a trajectory, who was involved and how, what was
said (grouped), and what was done with it, as the Omgevingswet asks an initiator to show. Figures
about people are suppressed below 5 (``platform_core.disclosure``), as on the council review; no
resident is named. Each list is bounded; the report says how many more there were."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ambassadors.models import Meeting
from ambassadors.services import attendance_total
from initiatives.models import Initiative
from participation.models import Comment, Participation, Pluim
from platform_core.disclosure import suppress
from platform_core.extensions import db
from response.models import Feedback
from trajectories.models import OUTCOMES, Outcome, Stage, StageChange, Stakeholder, Trajectory

LISTED = 100  # texts per group; the rest are counted


def _people(stmt) -> int | None:
    return suppress(db.session.scalar(select(func.count()).select_from(stmt.subquery())))


def _meetings(condition) -> list[dict]:
    rows = db.session.scalars(select(Meeting).where(condition).order_by(Meeting.starts_at).limit(LISTED)).all()
    return [{"meeting": m, "attendance": suppress(attendance_total(m))} for m in rows]


def _said(initiative_ids: list[int]) -> dict:
    """Public top-level texts in two groups (questions to the municipality, other reactions), newest
    last, with how many replies each drew; without names."""
    base = select(Comment).where(
        Comment.initiative_id.in_(initiative_ids), Comment.status == "published", Comment.parent_id.is_(None)
    )
    replies = (
        select(Comment.parent_id, func.count())
        .where(Comment.initiative_id.in_(initiative_ids), Comment.status == "published", Comment.parent_id.is_not(None))
        .group_by(Comment.parent_id)
    )
    out = {}
    for group, condition in (
        ("questions", Comment.to_municipality.is_(True)),
        ("reactions", Comment.to_municipality.is_(False)),
    ):
        total = db.session.scalar(select(func.count()).select_from(base.where(condition).subquery()))
        rows = db.session.scalars(base.where(condition).order_by(Comment.id).limit(LISTED)).all()
        counts = (
            dict(db.session.execute(replies.where(Comment.parent_id.in_([c.id for c in rows]))).all()) if rows else {}
        )
        out[group] = {
            "total": total,
            "items": [{"body": c.body, "day": c.created_at, "replies": counts.get(c.id, 0)} for c in rows],
            "more": max(0, total - len(rows)),
        }
    return out


def initiative_report(item: Initiative) -> dict:
    iid = item.id
    published = (Comment.initiative_id == iid, Comment.status == "published")
    return {
        "kind": "initiative",
        "item": item,
        "involved": {
            "joined": _people(select(Participation.user_id).where(Participation.initiative_id == iid).distinct()),
            "commenters": _people(
                select(Comment.author_id).where(*published, Comment.author_id.is_not(None)).distinct()
            ),
            "comments": db.session.scalar(select(func.count()).select_from(Comment).where(*published)),
            "pluimen": db.session.scalar(
                select(func.count()).select_from(Pluim).where(Pluim.target_type == "initiative", Pluim.target_id == iid)
            ),
        },
        "meetings": _meetings(Meeting.initiative_id == iid),
        "stakeholders": db.session.scalars(
            select(Stakeholder).filter_by(initiative_id=iid).order_by(Stakeholder.name)
        ).all(),
        "said": _said([iid]),
        "feedback": db.session.scalars(
            select(Feedback).filter_by(initiative_id=iid).order_by(Feedback.id).limit(LISTED)
        ).all(),
        "stages": db.session.execute(
            select(Stage.name, StageChange.created_at)
            .join(Stage, Stage.id == StageChange.stage_id)
            .where(StageChange.initiative_id == iid)
            .order_by(StageChange.id)
        ).all(),
        "outcome": db.session.scalar(select(Outcome).filter_by(initiative_id=iid)),
    }


def trajectory_report(t: Trajectory) -> dict:
    items = db.session.scalars(
        select(Initiative)
        .where(Initiative.trajectory_id == t.id, Initiative.visibility == "published")
        .order_by(Initiative.id)
        .limit(500)
    ).all()
    ids = [i.id for i in items] or [-1]
    published = (Comment.initiative_id.in_(ids), Comment.status == "published")
    per_item = dict(
        db.session.execute(
            select(Comment.initiative_id, func.count()).where(*published).group_by(Comment.initiative_id)
        ).all()
    )
    answered = set(db.session.scalars(select(Feedback.initiative_id).where(Feedback.initiative_id.in_(ids))))
    outcomes = {o.initiative_id: o for o in db.session.scalars(select(Outcome).where(Outcome.initiative_id.in_(ids)))}
    return {
        "kind": "trajectory",
        "item": t,
        "involved": {
            "joined": _people(select(Participation.user_id).where(Participation.initiative_id.in_(ids)).distinct()),
            "commenters": _people(
                select(Comment.author_id).where(*published, Comment.author_id.is_not(None)).distinct()
            ),
            "comments": sum(per_item.values()),
            "initiatives": len(items),
        },
        "initiatives": [
            {"item": i, "comments": per_item.get(i.id, 0), "answered": i.id in answered, "outcome": outcomes.get(i.id)}
            for i in items
        ],
        "meetings": _meetings(Meeting.trajectory_id == t.id),
        "stakeholders": db.session.scalars(
            select(Stakeholder).where(Stakeholder.initiative_id.in_(ids)).order_by(Stakeholder.name).limit(LISTED)
        ).all(),
        "said": _said(ids),
        "feedback": db.session.scalars(
            select(Feedback).where(Feedback.initiative_id.in_(ids)).order_by(Feedback.id).limit(LISTED)
        ).all(),
        "summary": t.summary,
    }


#: what each figure of "involved" is called, as on the page
INVOLVED_LABELS = {
    "initiatives": _l("Initiatieven in het traject"),
    "joined": _l("Mensen die zich aanmeldden om mee te doen"),
    "commenters": _l("Mensen die reageerden"),
    "comments": _l("Reacties"),
    "pluimen": _l("Pluimen"),
}


def csv_rows(report: dict) -> list[list]:
    """The CSV annex: one row per figure or text, in the order of the report, in the reader's
    language (labels, never stored codes)."""
    few = _("minder dan 5")
    rows: list[list] = [[_("onderdeel"), _("wat"), _("waarde"), _("datum")]]
    for key, value in report["involved"].items():
        rows.append([_("betrokken"), str(INVOLVED_LABELS.get(key, key)), few if value is None else value, ""])
    for m in report["meetings"]:
        shown = few if m["attendance"] is None else m["attendance"]
        rows.append([_("bijeenkomst"), m["meeting"].title, shown, m["meeting"].starts_at.date().isoformat()])
    for s in report["stakeholders"]:
        rows.append([_("krachtenveld"), s.name, _("betrokken") if s.involved else _("ontbreekt"), ""])
    for group in ("questions", "reactions"):
        for said in report["said"][group]["items"]:
            rows.append(
                [
                    _("vraag aan de gemeente") if group == "questions" else _("reactie"),
                    said["body"],
                    said["replies"],
                    said["day"].date().isoformat(),
                ]
            )
    for f in report["feedback"]:
        rows.append([_("reactie gemeente"), f.body, f.department, f.created_at.date().isoformat()])
    if report["kind"] == "initiative":
        for name, when in report["stages"]:
            rows.append([_("fase"), name, "", when.date().isoformat()])
        if report["outcome"]:
            o = report["outcome"]
            rows.append([_("uitkomst"), str(OUTCOMES.get(o.kind, o.kind)), o.reason, o.decided_on.isoformat()])
    else:
        for row in report["initiatives"]:
            day = row["item"].created_at.date().isoformat()
            rows.append([_("initiatief"), row["item"].title, row["comments"], day])
    return rows
