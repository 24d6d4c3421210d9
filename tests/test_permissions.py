"""The permissions matrix: every route of the URL map, as a visitor and as each of the seven
roles (resident, initiator, ambassador, civil servant, moderator, council member, administrator),
against the rule the route declares. A route without a declared rule fails; so does any allow
the table below does not expect, any refusal it does, and any 5xx. Hidden content is tried too:
it accepts no join, pluim, follow, contact or reply from anyone.

The expectations are written out here, independently of ``platform_core.policy``, so a change to
a rule shows up as a failing line in this table rather than passing silently.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import url_for
from sqlalchemy import select

from ambassadors.services import create_meeting, make_ambassador, register_attendance
from challenges.services import ChallengeInput, file_challenge
from initiatives.images import add_image
from initiatives.models import Initiative, Theme
from maps.models import Area, BoundaryImport, Municipality
from participation.moderation import decide
from participation.services import add_need, post_comment
from platform_core import settings
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import declared_rule
from platform_core.storage import storage
from platform_core.transaction import unit_of_work
from response.services import log_blocker
from tests.conftest import csrf_token, login
from tests.imagefiles import sample_png
from trajectories.placement import ask_to_join
from trajectories.services import create_trajectory

ACTORS = ("visitor", "resident", "initiator", "ambassador", "civil_servant", "moderator", "council", "admin")
SIGNED_IN = set(ACTORS) - {"visitor"}

# Who passes each rule on the world built below (the initiative belongs to the initiator; the
# comment to the resident; the meeting is the civil servant's, in a buurt the ambassador does not
# serve; nobody else takes part in the initiative).
EXPECTED = {
    "public": set(ACTORS),
    "logged_in": SIGNED_IN,
    "take_part": SIGNED_IN,
    "comment": set(ACTORS),
    "contact": set(ACTORS),
    "respond_to_need": SIGNED_IN - {"initiator"},
    "steer_initiative": {"initiator"},
    "close_initiative": {"initiator", "civil_servant"},
    "map_stakeholders": {"initiator", "civil_servant"},
    "own_comment": {"resident"},
    "speak_for_municipality": {"civil_servant"},
    "answer_initiative": {"civil_servant"},
    "place_in_trajectory": {"civil_servant"},
    "ask_for_trajectory": {"initiator"},
    "act_as_ambassador": {"ambassador"},
    "organise": {"ambassador", "civil_servant"},
    "organise_in": {"civil_servant"},
    "moderate": {"moderator", "admin"},
    "administer": {"admin"},
    "read_council": {"council", "civil_servant", "admin"},
    "file_challenge": SIGNED_IN,
    "view_challenge": set(ACTORS),  # the world's challenge is public
    "view": set(ACTORS),  # the world's initiative is published
}
# What each route is for, and so which rule it must declare: pinned here, so a route that quietly
# loosens its rule (or a new route) fails this test until the table says so.
ROUTE_RULES = {
    "admin.boundaries": "administer",
    "admin.boundary_preview": "administer",
    "admin.boundary_decide": "administer",
    "admin.index": "administer",
    "admin.people": "administer",
    "admin.theme_change": "administer",
    "admin.person_role": "administer",
    "admin.person_active": "administer",
    "admin.logo": "public",
    "admin.tasks": "administer",
    "admin.task_retry": "administer",
    "healthz": "public",
    "readyz": "public",
    "metrics": "public",
    "admin.site_settings": "administer",
    "admin.themes": "administer",
    "admin.type_labels": "administer",
    "accounts.account": "logged_in",
    "accounts.change_password": "logged_in",
    "accounts.confirm_email": "public",
    "accounts.disable_second_factor": "logged_in",
    "accounts.enrol": "public",
    "accounts.forgot_password": "public",
    "accounts.login": "public",
    "accounts.logout": "logged_in",
    "accounts.new_recovery_codes": "logged_in",
    "accounts.register": "public",
    "accounts.reset_password": "public",
    "accounts.second_factor": "public",
    "security_txt": "public",
    "switch_language": "public",
    "api.geocode_view": "public",
    "api.initiative": "public",
    "api.initiatives": "public",
    "api.openapi": "public",
    "api.docs": "public",
    "challenges.admin_terms": "administer",
    "challenges.detail": "view_challenge",
    "challenges.geojson": "public",
    "challenges.index": "public",
    "challenges.new": "file_challenge",
    "council.ambassador": "act_as_ambassador",
    "council.export_areas_csv": "read_council",
    "council.export_csv": "read_council",
    "council.index": "read_council",
    "council.open_data": "public",
    "council.publish_open_data": "administer",
    "council.review": "read_council",
    "council.review_file": "read_council",
    "credits.levels": "public",
    "credits.mine": "logged_in",
    "credits.opt_in": "logged_in",
    "credits.rules": "administer",
    "credits.trajectory": "public",
    "initiatives.contact": "contact",
    "initiatives.create": "logged_in",
    "initiatives.detail": "public",
    "initiatives.edit": "steer_initiative",
    "initiatives.gallery": "public",
    "initiatives.image_file": "public",
    "initiatives.images": "steer_initiative",
    "initiatives.remove_image_view": "steer_initiative",
    "privacy.ask_package": "administer",
    "privacy.consent": "logged_in",
    "privacy.download_package": "administer",
    "privacy.packages_page": "administer",
    "privacy.delete_account": "logged_in",
    "privacy.download": "logged_in",
    "privacy.erase_assisted_view": "steer_initiative",
    "privacy.erase_attendance_view": "organise_in",
    "privacy.my_data": "logged_in",
    "privacy.record": "public",
    "privacy.register_csv": "public",
    "privacy.register_json": "public",
    "privacy.statement": "public",
    "maps.treasure_map": "public",
    "participation.add_need_view": "steer_initiative",
    "participation.comment_link": "public",
    "participation.comment_view": "comment",
    "participation.delete_comment_view": "own_comment",
    "participation.edit_comment_view": "own_comment",
    "participation.flag_view": "public",
    "participation.follow_view": "logged_in",
    "participation.house_rules_edit": "moderate",
    "participation.house_rules_view": "public",
    "participation.wegwijzer": "public",
    "participation.accessibility": "public",
    "participation.admin_statement": "administer",
    "participation.join_view": "take_part",
    "participation.leave_view": "logged_in",
    "participation.mine": "logged_in",
    "participation.moderation_decide": "moderate",
    "participation.moderation_queue": "moderate",
    "participation.moderation_settings": "moderate",
    "participation.need_status_view": "steer_initiative",
    "participation.pluim_view": "logged_in",
    "participation.respond_view": "respond_to_need",
    "participation.unsubscribe": "public",
    "trajectories.add_stakeholder_view": "map_stakeholders",
    "trajectories.add_trajectory_framing": "speak_for_municipality",
    "ambassadors.ambassadors_admin": "administer",
    "ambassadors.assisted": "act_as_ambassador",
    "trajectories.close": "administer",
    "trajectories.create": "administer",
    "trajectories.detail": "public",
    "trajectories.index": "public",
    "ambassadors.meeting": "organise_in",
    "ambassadors.new_meeting": "organise",
    "trajectories.next_initiative_stage": "close_initiative",
    "trajectories.next_stage": "administer",
    "trajectories.outcome": "close_initiative",
    "response.panel": "answer_initiative",
    "response.queue": "speak_for_municipality",
    "reports.initiative_report_page": "view",
    "reports.initiative_report_file": "view",
    "reports.initiative_report_csv": "view",
    "reports.initiative_report_files": "view",
    "reports.trajectory_report_page": "public",
    "reports.trajectory_report_file": "public",
    "reports.trajectory_report_csv": "public",
    "reports.trajectory_report_files": "public",
    "response.solve": "speak_for_municipality",
    "trajectories.place_view": "place_in_trajectory",
    "trajectories.ask_view": "ask_for_trajectory",
    "trajectories.decide_view": "speak_for_municipality",
}
# Run last: they change who may do what (joining makes a participant; logging out, a visitor).
LAST = ("participation.join_view", "accounts.logout")
ROUTES_ON_CONTENT = (
    "take_part",
    "comment",
    "contact",
    "answer_initiative",
    "close_initiative",
    "place_in_trajectory",
    "ask_for_trajectory",
)


@pytest.fixture
def world(app, make_user, place):
    return build_world(app, make_user, place)


def build_world(app, make_user, place) -> dict:
    """One of everything a route can be about, in ``app``'s installation: its people by role,
    an initiative with a comment, a need, an image, a meeting, a trajectory, a challenge, and a
    hidden initiative. Returns their ids and the parameters every route takes."""
    ids = {
        "resident": make_user("rosa@example.nl"),
        "initiator": make_user("ilse@example.nl"),
        "ambassador": make_user("amir@example.nl"),
        "civil_servant": make_user("petra@gemeente.nl", roles=("civil_servant",)),
        "moderator": make_user("mo@gemeente.nl", roles=("moderator",)),
        "council": make_user("raad@gemeente.nl", roles=("council",)),
        "admin": make_user("beheer@gemeente.nl", roles=("admin",)),
    }
    item = place(ids["initiator"], title="Speeltuin aan de gracht")
    hidden = place(ids["initiator"], title="Dubbel geplaatst plan")
    with app.app_context(), unit_of_work():
        get = db.session.get
        initiative = db.session.get(Initiative, item)
        other_buurt = db.session.scalar(
            select(Area).where(Area.level == "neighbourhood", Area.id != initiative.area_id).order_by(Area.id).limit(1)
        )
        make_ambassador(get(User, ids["admin"]), get(User, ids["ambassador"]), [other_buurt.id])
        comment = post_comment(initiative, "Goed idee, ik help mee.", get(User, ids["resident"]))
        need = add_need(get(User, ids["initiator"]), initiative, "Iemand met een zaag")
        meeting = create_meeting(
            get(User, ids["civil_servant"]),
            "Buurtavond",
            datetime(2026, 12, 1, 19, 30),
            "Buurthuis",
            initiative.area_id,
        )
        trajectory = create_trajectory(
            get(User, ids["admin"]),
            "Groen",
            "Hoe maken we het groener?",
            "Stadsbeheer",
            date(2026, 1, 1),
            date(2026, 12, 31),
        )
        attendance = register_attendance(get(User, ids["civil_servant"]), meeting, name="Gast Zonder Account")
        image = add_image(get(User, ids["initiator"]), initiative, sample_png(), "Een tekening van de speeltuin")
        logo_name = "0123456789abcdef0123456789abcdef-logo.png"
        storage().put(logo_name, sample_png())
        settings.save(get(User, ids["admin"]), {"logo": logo_name})
        blocker = log_blocker(get(User, ids["civil_servant"]), initiative, "Vergunning duurt lang", "Vergunningen")
        asked = ask_to_join(get(User, ids["initiator"]), initiative, trajectory, "Past bij het groenplan.")
        decide(get(User, ids["moderator"]), "initiative", hidden, "hide", "Dubbel geplaatst")
        challenge = file_challenge(
            get(User, ids["initiator"]),
            ChallengeInput(
                title="Wij beheren het buurthuis",
                task="Het beheer van buurthuis De Speeldoos.",
                motivation="Wij zijn er elke dag en doen het met twintig vrijwilligers uit de buurt.",
                needs="De sleutels en een huurcontract.",
                challenger="individual",
            ),
        )
        db.session.scalar(select(Municipality)).open_data_published = True
        boundary_file = BoundaryImport(level="district", file_name="wijken.geojson", status="preview",
                                       source='{"type": "FeatureCollection", "features": []}',
                                       summary='{"created": [], "updated": [], "skipped": []}')  # fmt: skip
        db.session.add(boundary_file)
        from platform_core.jobs import Job

        failed_job = Job(name="notify.deliver", payload='{"notification_ids": []}', state="failed", attempts=6)
        db.session.add(failed_job)
        from privacy.models import ArchivePackage

        package = ArchivePackage(ready_at=utcnow(), data=b"PK\x05\x06" + bytes(18), size_bytes=22, entries=0)
        db.session.add(package)
        db.session.flush()
        params = {
            "job_id": failed_job.id,
            "package_id": package.id,
            "initiative_id": item,
            "comment_id": comment.id,
            "need_id": need.id,
            "meeting_id": meeting.id,
            "trajectory_id": trajectory.id,
            "blocker_id": blocker.id,
            "request_id": asked.id,
            "user_id": ids["resident"],
            "theme_id": db.session.scalar(select(Theme.id).order_by(Theme.id)),
            "challenge_id": challenge.id,
            "import_id": boundary_file.id,
            "attendance_id": attendance.id,
            "image_id": image.id,
            "name": image.thumb_name,
            "logo_name": logo_name,
            "target_type": "initiative",
            "target_id": item,
            "token": "geen-geldig-token",
            "filename": "css/site.css",
        }
    return {"ids": ids, "params": params, "hidden": hidden}


def _routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route but static files; the state-changing ones last."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        declared = declared_rule(app.view_functions[rule.endpoint])
        assert declared is not None, f"{rule.endpoint} declares no permission rule"
        out.extend((rule.endpoint, method, declared[0]) for method in sorted(rule.methods & {"GET", "POST"}))
    return sorted(out, key=lambda r: (r[0] in LAST, r[1] == "POST", r[0]))


def _client(app, actor: str, ids: dict):
    client = app.test_client()
    if actor != "visitor":
        with app.app_context():
            email = db.session.get(User, ids[actor]).email
        assert login(client, email).status_code == 302
    return client, csrf_token(client, "/inloggen") if actor == "visitor" else csrf_token(client, "/mijn")


# These continue a login the password step started; without one they send a visitor to it.
CONTINUE_LOGIN = {"accounts.enrol", "accounts.second_factor"}


def _refused(response, actor: str) -> bool:
    if response.status_code in (403, 404):
        return True
    # A visitor is sent to log in, or (placing an initiative) to make an account first.
    to_account = ("/inloggen", "/registreren")
    return actor == "visitor" and response.status_code == 302 and response.headers["Location"].startswith(to_account)


def _allowed(endpoint: str, rule: str, actor: str) -> bool:
    return actor in EXPECTED[rule] and not (endpoint in CONTINUE_LOGIN and actor == "visitor")


def _call(app, client, token: str, endpoint: str, method: str, params: dict):
    with app.test_request_context():
        rule = next(r for r in app.url_map.iter_rules(endpoint))
        url = url_for(endpoint, **{name: params[name] for name in rule.arguments})
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token})


def test_every_route_declares_the_rule_this_table_pins(app):
    declared = {endpoint: rule for endpoint, _method, rule in _routes(app)}
    assert declared == ROUTE_RULES
    assert set(ROUTE_RULES.values()) <= set(EXPECTED)


@pytest.mark.parametrize("actor", ACTORS)
def test_every_route_allows_exactly_whom_the_policy_names(app, world, actor):
    client, token = _client(app, actor, world["ids"])
    wrong = []
    for endpoint, method, rule in _routes(app):
        response = _call(app, client, token, endpoint, method, world["params"])
        assert response.status_code < 500, f"{method} {endpoint} as {actor}: {response.status_code}"
        allowed = not _refused(response, actor)
        if allowed != _allowed(endpoint, rule, actor):
            wrong.append(f"{method} {endpoint} ({rule}) as {actor}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("actor", ACTORS)
def test_hidden_content_accepts_nothing_from_anyone(app, world, actor):
    client, token = _client(app, actor, world["ids"])
    params = {**world["params"], "initiative_id": world["hidden"], "target_id": world["hidden"]}
    tried = []
    for endpoint, method, rule in _routes(app):
        if rule not in ROUTES_ON_CONTENT and endpoint not in _TARGETED:
            continue
        if method == "GET" and rule not in ("answer_initiative", "close_initiative"):
            continue  # the staff's forms on hidden content do not even open
        response = _call(app, client, token, endpoint, method, params)
        tried.append(endpoint)
        assert _refused(response, actor), f"{endpoint} on hidden content as {actor}: {response.status_code}"
    assert {"participation.join_view", "participation.pluim_view", "participation.follow_view"} <= set(tried)
    assert {"response.panel", "trajectories.outcome"} <= set(tried)


_TARGETED = ("participation.pluim_view", "participation.follow_view")


def test_ids_that_cannot_exist_are_not_found(app, world):
    client, token = _client(app, "admin", world["ids"])
    huge = {name: 2**63 for name in world["params"] if name.endswith("_id")}
    for endpoint, method, _rule in _routes(app):
        if endpoint in LAST:
            continue
        response = _call(app, client, token, endpoint, method, {**world["params"], **huge})
        assert response.status_code < 500, f"{method} {endpoint} with id 2**63: {response.status_code}"


# --- what you may not see, you cannot reach -----------------------------------------------------

SECRETS = {
    "Dubbel geplaatst plan": {"initiator", "moderator", "admin"},  # a hidden initiative's title (its owner sees it)
    "Wachtende anonieme reactie": {"moderator", "admin"},  # waiting for the editors
    "Verborgen scheldpartij": {"moderator", "admin"},  # hidden by a moderator
    "Ingetrokken opmerking": set(),  # deleted by its author
    "Aanwezige Zonder Account": {"civil_servant"},  # on an attendance list
    "geheim-adres@example.nl": set(),  # an anonymous commenter's e-mail address
}


@pytest.fixture
def secrets_world(app, world):
    from ambassadors.models import Meeting
    from ambassadors.services import register_attendance
    from participation.models import Comment
    from participation.services import delete_comment

    ids, params = world["ids"], world["params"]
    with app.app_context(), unit_of_work():
        get = db.session.get
        initiative = get(Initiative, params["initiative_id"])
        post_comment(
            initiative, "Wachtende anonieme reactie", author_name="Anoniem", author_email="geheim-adres@example.nl"
        )
        hidden = post_comment(initiative, "Verborgen scheldpartij", get(User, ids["resident"]))
        decide(get(User, ids["moderator"]), "comment", hidden.id, "hide", "Kwetsend")
        gone = post_comment(initiative, "Ingetrokken opmerking", get(User, ids["resident"]))
        delete_comment(get(User, ids["resident"]), gone)
        register_attendance(
            get(User, ids["civil_servant"]), get(Meeting, params["meeting_id"]), name="Aanwezige Zonder Account"
        )
        assert db.session.scalar(select(Comment).filter_by(body="Wachtende anonieme reactie")).status == "pending"
    return world


def _extra_urls(params: dict, hidden: int) -> list[str]:
    box = "bbox=-180,-90,180,90"
    return [
        f"/api/initiatives?{box}&zoom=16",
        f"/api/initiatives?{box}&zoom=5",
        f"/api/initiatives?{box}&zoom=16&q=Dubbel",
        f"/api/initiatives/{hidden}",
        "/initiatieven?q=Dubbel",
        "/initiatieven?q=scheldpartij",
        f"/raad/trajecten/{params['trajectory_id']}/verslag.html",
        "/raad/export/initiatieven.csv",
        "/open-data/initiatieven.geojson",
    ]


@pytest.mark.parametrize("actor", ACTORS)
def test_what_you_may_not_see_appears_nowhere(app, secrets_world, actor):
    """Every page, API answer, export and feed, as each actor: hidden, pending and deleted text,
    attendance lists and e-mail addresses show up only for those the policy allows."""
    client, token = _client(app, actor, secrets_world["ids"])
    params = secrets_world["params"]
    urls = []
    for endpoint, method, _rule in _routes(app):
        if method == "GET" and endpoint not in LAST:
            with app.test_request_context():
                rule = next(r for r in app.url_map.iter_rules(endpoint))
                urls.append(url_for(endpoint, **{n: params[n] for n in rule.arguments}))
    seen = []
    for url in [*urls, *_extra_urls(params, secrets_world["hidden"])]:
        body = client.get(url).get_data().decode("utf-8", "replace")  # pictures are bytes
        seen += [
            f"{secret!r} on {url}" for secret, allowed in SECRETS.items() if secret in body and actor not in allowed
        ]
    assert seen == []
