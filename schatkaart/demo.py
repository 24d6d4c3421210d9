"""Deterministic demo data: a municipality, themes, one account per role, ~300 initiatives.

Uses ``../shared/data/utrecht`` when it is there, otherwise our own fictional
municipality (maps.sample_geography).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from geoalchemy2.shape import to_shape
from shapely.geometry import Point, box, mapping
from sqlalchemy import func, select

from ambassadors.services import create_meeting, make_ambassador, register_attendance
from council.sources import rebuild
from initiatives.activity import touch
from initiatives.models import ENDED_STATUSES, Initiative, Theme
from initiatives.services import InitiativeInput, create_initiative, create_theme
from maps.boundaries import import_boundaries
from maps.models import Area
from maps.sample_geography import all_levels
from maps.services import current_municipality
from participation.services import join, post_comment
from platform_core import settings, transaction
from platform_core.accounts.services import find_user, register_user
from platform_core.extensions import db
from platform_core.models import User, utcnow
from response.services import post_feedback
from trajectories.framing import add_framing
from trajectories.outcomes import report_outcome
from trajectories.services import create_trajectory, place_in_trajectory

SHARED_UTRECHT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "utrecht"
#: the files of the CBS extract in ../shared/data/utrecht, per level of our areas
SHARED_FILES = {"municipality": "gemeente.geojson", "district": "wijk.geojson", "neighbourhood": "buurt.geojson"}
DEMO_PASSWORD = "zonnige-buurt-demo"  # noqa: S105  (printed by make demo on purpose)
# Demo staff have their second factor from the start (this published secret, printed too): a
# demo administrator is never a password away from whoever logs in first.
DEMO_TOTP_SECRET = "DEMOSCHATKAARTDEMOSCHATKAART2345"  # noqa: S105  (printed on purpose)
STAFF = {"civil_servant", "moderator", "council", "admin"}


class NotADemo(RuntimeError):
    """``flask demo seed`` on an installation that was not made as a demo."""


DEMO_ACCOUNTS = [
    ("bewoner@demo.schatkaart.nl", "Sanne de Vries", "resident"),
    ("ambassadeur@demo.schatkaart.nl", "Mohamed el Amrani", "ambassador"),
    ("ambtenaar@demo.schatkaart.nl", "Petra Jansen (gemeente)", "civil_servant"),
    ("redactie@demo.schatkaart.nl", "Redactie Schatkaart", "moderator"),
    ("raadslid@demo.schatkaart.nl", "Raadslid Bakker", "council"),
    ("beheerder@demo.schatkaart.nl", "Beheerder", "admin"),
]
NEIGHBOURS = [
    "Fatima Bouzid",
    "Henk van Dijk",
    "Lotte Visser",
    "Kees Smit",
    "Aylin Yılmaz",
    "Joost de Graaf",
    "Noor Hendriks",
    "Ruud Mulder",
    "Ingrid Bos",
    "Daan Peters",
    "Esra Demir",
    "Wim Verhoeven",
]
THEMES = {
    "Groen en natuur": ["Geveltuinen", "Bomen en plantsoenen", "Moestuinen"],
    "Samen leven": ["Ontmoeting", "Burenhulp", "Kunst en cultuur"],
    "Schoon en veilig": ["Afval en zwerfvuil", "Verkeer", "Veiligheid"],
    "Spelen en sporten": ["Speelplekken", "Sport en bewegen"],
    "Duurzaamheid": ["Energie", "Klimaatadaptatie"],
    "Zorg en welzijn": ["Eenzaamheid", "Gezondheid"],
}
STREETS = [
    "Kanaalstraat",
    "Twijnstraat",
    "Nobelstraat",
    "Oudegracht",
    "Vleutenseweg",
    "Biltstraat",
    "Adelaarstraat",
    "Burgemeester Reigerstraat",
    "Amsterdamsestraatweg",
    "Croeselaan",
    "Lange Nieuwstraat",
    "Merelstraat",
    "Johannes de Bekenstraat",
    "Balijelaan",
    "Prins Hendriklaan",
    "Zambesidreef",
    "Marnixlaan",
    "Bollenhofsestraat",
]
IDEAS = [
    (
        "Geveltuinen in de {street}",
        "Geveltuinen",
        "initiative",
        "Bewoners van de {street} maken samen geveltuintjes. Meer groen, minder hitte en een praatje op de stoep.",
    ),
    (
        "Buurtmoestuin {buurt}",
        "Moestuinen",
        "self_management",
        "Op het braakliggende stuk grond in {buurt} beginnen we een moestuin die iedereen mag gebruiken.",
    ),
    (
        "Repair Café {buurt}",
        "Ontmoeting",
        "initiative",
        "Eens per maand repareren vrijwilligers kapotte spullen. Samen koffie drinken hoort erbij.",
    ),
    (
        "Speeltuin {street} opknappen",
        "Speelplekken",
        "liveability",
        "De speeltuin aan de {street} is versleten. Ouders en kinderen bedenken samen een nieuw ontwerp.",
    ),
    (
        "Boomspiegels adopteren in {buurt}",
        "Bomen en plantsoenen",
        "self_management",
        "Bewoners nemen het onderhoud van boomspiegels over en zaaien bloemen voor bijen en vlinders.",
    ),
    (
        "Samen de {street} autoluw",
        "Verkeer",
        "participation",
        "De gemeente wil de {street} veiliger maken. Denk mee over snelheid, parkeren en ruimte voor fietsers.",
    ),
    (
        "Buurtkamer {buurt}",
        "Ontmoeting",
        "liveability",
        "Een plek waar buren elkaar ontmoeten: koffieochtend, taalles en een spelletjesmiddag.",
    ),
    (
        "Zwerfvuilprikkers {buurt}",
        "Afval en zwerfvuil",
        "initiative",
        "Elke eerste zaterdag van de maand ruimen we samen zwerfvuil op. Prikstokken liggen klaar.",
    ),
    (
        "Regentonnen en tegels eruit in {buurt}",
        "Klimaatadaptatie",
        "participation",
        "Samen met de gemeente maken we de buurt klaar voor hevige buien: tegels eruit, groen erin.",
    ),
    (
        "Energiecoöperatie {buurt}",
        "Energie",
        "initiative",
        "Zonnepanelen op het dak van de school, met en voor de buurt. Wie denkt er mee?",
    ),
    (
        "Burenhulp {street}",
        "Burenhulp",
        "initiative",
        "Boodschappen doen, een lamp vervangen of samen wandelen: buren helpen elkaar in de {street}.",
    ),
    (
        "Muurschildering {street}",
        "Kunst en cultuur",
        "liveability",
        "Jongeren uit {buurt} ontwerpen een muurschildering voor de kale muur aan de {street}.",
    ),
    (
        "Sportveldje {buurt} in zelfbeheer",
        "Sport en bewegen",
        "self_management",
        "Bewoners onderhouden het trapveldje en organiseren toernooien in de zomer.",
    ),
    (
        "Koffie voor ouderen in {buurt}",
        "Eenzaamheid",
        "initiative",
        "Elke dinsdag koffie en een praatje voor buurtgenoten die weinig mensen zien.",
    ),
    (
        "Plantsoen {street} vergroenen",
        "Bomen en plantsoenen",
        "participation",
        "De gemeente vernieuwt het plantsoen aan de {street}. Bewoners kiezen mee welke bomen en planten er komen.",
    ),
]
ROLE_FOR_TYPE = {
    "participation": "owner",
    "self_management": "partner",
    "liveability": "funder",
    "initiative": "none",
}
STATUS_CHOICES = ["idea", "idea", "preparing", "in_progress", "in_progress", "completed", "stopped"]
EPOCH = datetime(2025, 1, 6, 9, 0)


def _geography() -> Iterator[str]:
    if current_municipality() is not None:
        return
    if (SHARED_UTRECHT / "gemeente.geojson").exists():
        sources = {lvl: SHARED_UTRECHT / name for lvl, name in SHARED_FILES.items()}
        label = "Utrecht (../shared/data/utrecht)"
    else:
        sources = all_levels()
        label = "Voorbeeldstad (own sample geography)"
    for level in ("municipality", "district", "neighbourhood"):
        report = import_boundaries(sources[level], level)
        yield f"  {level}: {report.created} areas ({report.repaired} repaired)"
    yield f"Municipality: {label}"


def seed_themes() -> None:
    if db.session.scalar(select(func.count()).select_from(Theme)):
        return
    for i, (main, subs) in enumerate(THEMES.items()):
        parent = create_theme(main, _slug(main), position=i)
        for j, sub in enumerate(subs):
            create_theme(sub, _slug(sub), parent, position=j)
    transaction.commit()


def _slug(name: str) -> str:
    return "-".join(name.lower().replace("é", "e").split())


def _account(email: str, name: str, role: str) -> User:
    user = find_user(email) or register_user(email, DEMO_PASSWORD, name, consent=True, roles=(role,), confirmed=True)
    if role in STAFF and user.totp_enabled_at is None:
        user.totp_secret, user.totp_enabled_at = DEMO_TOTP_SECRET, utcnow()
    return user


def _only_on_a_demo() -> None:
    """A database without accounts becomes a demo; one made otherwise is never given demo data."""
    kind = settings.stored(settings.INSTALLATION)
    if kind == "demo":
        return
    others = select(func.count()).select_from(User).where(User.email.not_like("%@demo.schatkaart.nl"))
    if kind is None and db.session.scalar(others) == 0:  # empty, or a demo made before the mark existed
        settings.store(settings.INSTALLATION, "demo")
        return
    raise NotADemo(
        "Deze installatie is niet als demo aangemaakt: flask demo seed voegt hier niets toe (de demo maakt"
        " beheerders met een openbaar wachtwoord). Gebruik een lege database voor de demo."
    )


def _random_point(rng: random.Random, geom) -> Point:
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(200):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):
            return p
    return geom.representative_point()


def seed(count: int = 300) -> Iterator[str]:
    _only_on_a_demo()
    yield from _geography()
    seed_themes()
    accounts = [_account(*a) for a in DEMO_ACCOUNTS]
    neighbours = [_account(f"buur{i + 1}@demo.schatkaart.nl", n, "resident") for i, n in enumerate(NEIGHBOURS)]
    existing = db.session.scalar(select(func.count()).select_from(Initiative))
    if existing:
        yield f"Demo initiatives already present ({existing}); nothing added."
    else:
        yield from _initiatives(count, [accounts[0], accounts[2], *neighbours])
        yield from _co_creation(accounts, neighbours)
        # The demo's history is spread over past dates behind the services: count it afresh.
        rebuild(db.session.connection())
    transaction.commit()
    yield f"Demo accounts (password: {DEMO_PASSWORD}):"
    for email, _name, role in DEMO_ACCOUNTS:
        yield f"  {role:<14} {email}"
    yield f"Staff accounts ask for a code from an authenticator app: add the demo secret {DEMO_TOTP_SECRET} to it."


def _initiatives(count: int, owners: list[User]) -> Iterator[str]:
    rng = random.Random(2026)
    buurten = list(db.session.scalars(select(Area).where(Area.level == "neighbourhood").order_by(Area.code)))
    shapes = {a.id: to_shape(a.geom) for a in buurten}
    themes = {t.name: t for t in db.session.scalars(select(Theme))}
    municipality = current_municipality()
    boundary = to_shape(municipality.area.geom)
    for n in range(count):
        buurt = buurten[n % len(buurten)] if n < len(buurten) else rng.choice(buurten)
        title_t, theme_name, type_, text_t = IDEAS[rng.randrange(len(IDEAS))]
        street = rng.choice(STREETS)
        point = _random_point(rng, shapes[buurt.id])
        area_geojson = None
        if type_ == "self_management":
            d = rng.uniform(0.0002, 0.0005)
            square = box(point.x - d, point.y - d / 1.6, point.x + d, point.y + d / 1.6)
            if boundary.contains(square):
                area_geojson = json.dumps(mapping(square))
        theme = themes[theme_name]
        extra = rng.choice(list(themes.values()))
        owner = owners[n % len(owners)]
        data = InitiativeInput(
            title=title_t.format(street=street, buurt=buurt.name)[:120],
            summary=text_t.format(street=street, buurt=buurt.name)[:300],
            description=(
                f"{text_t.format(street=street, buurt=buurt.name)}\n\n"
                "**Wat we zoeken:** buren met een paar uur per maand, gereedschap en goede ideeën.\n\n"
                "**Wat we al hebben:** een groep enthousiaste bewoners en steun van de buurt."
            ),
            type=type_,
            theme_ids=tuple({theme.id, extra.id}),
            lat=point.y,
            lon=point.x,
            area_geojson=area_geojson,
            address=f"{street} {rng.randint(1, 140)}",
            links="https://www.example.org/buurt" if n % 7 == 0 else "",
            budget_requested=rng.randrange(500, 7500, 250) if type_ == "liveability" else None,
            status=rng.choice(STATUS_CHOICES),
        )
        ended = data.status if data.status in ENDED_STATUSES else None
        if ended:  # an initiative ends only with an outcome and its reason (closing the loop)
            data.status = "in_progress"
        item = create_initiative(owner, data)
        if ended == "completed":
            report_outcome(owner, item, "realised", "Het is gelukt: de buurt heeft het samen gedaan.", date(2026, 9, 1))
        elif ended:
            report_outcome(owner, item, "stopped", "Er waren te weinig handen om het vol te houden.", date(2026, 9, 1))
        item.municipal_role = ROLE_FOR_TYPE[type_]
        if item.budget_requested:
            item.budget_granted = item.budget_requested - rng.randrange(0, 3) * 250
            item.budget_spent = item.budget_granted if item.status == "completed" else item.budget_granted // 2
        item.created_at = item.updated_at = EPOCH + timedelta(days=n * 2, hours=rng.randrange(0, 9))
        touch(item.id, item.created_at)
        if n < count - 8:  # history: the municipality answered all but the newest few
            item.record_first_response(item.created_at + timedelta(hours=rng.randrange(3, 200)))
    transaction.commit()
    yield f"Initiatives: {count} placed"


COMMENTS = [
    "Goed plan! Ik help graag mee op zaterdag.",
    "Wanneer is de eerste bijeenkomst?",
    "Mijn buurvrouw heeft nog tuingereedschap over.",
    "Kunnen de kinderen van de school ook meedoen?",
    "Ik woon om de hoek en kom zeker kijken.",
]


def _co_creation(accounts: list[User], neighbours: list[User]) -> Iterator[str]:
    """A trajectory with framing, answers, a meeting and outcomes, so every role has something to see."""

    rng = random.Random(7)
    _resident, ambassador, civil, _moderator, _council, admin = accounts
    wijk = db.session.scalar(select(Area).where(Area.level == "district").order_by(Area.code))
    make_ambassador(admin, ambassador, [wijk.id])
    trajectory = create_trajectory(
        admin,
        f"Samen groener in {wijk.name.title()}",
        f"Hoe maken we {wijk.name.title()} samen groener en koeler, met ruimte om elkaar te ontmoeten?",
        "Stadsbeheer",
        date(2026, 9, 1),
        date(2027, 6, 30),
        [wijk.id],
    )
    add_framing(civil, "trajectory", trajectory.id, "budget", "Voor plannen in dit traject samen.", 25000)
    add_framing(civil, "trajectory", trajectory.id, "cannot", "Parkeerplaatsen blijven: dat besloot de raad in 2025.")
    add_framing(civil, "trajectory", trajectory.id, "council_plan", "De raad bespreekt de uitkomst in juni 2027.")
    buurt_ids = set(db.session.scalars(select(Area.id).where(Area.parent_id == wijk.id)))
    in_wijk = list(
        db.session.scalars(select(Initiative).where(Initiative.area_id.in_(buurt_ids)).order_by(Initiative.id))
    )
    for i, item in enumerate(in_wijk[:25]):
        owner = db.session.get(User, item.owner_id)
        place_in_trajectory(civil, item, trajectory)  # the municipality's call (initiators ask)
        for person in rng.sample(neighbours, 3):
            if person.id != item.owner_id:
                join(person, item, rng.choice(["Ik kan sjouwen", "Ik heb gereedschap", None]))
        post_comment(item, rng.choice(COMMENTS), rng.choice(neighbours))
        if i % 3 == 0:
            post_feedback(
                civil, item, "Mooi initiatief. We denken graag mee over de plek en de vergunning.", "Stadsbeheer"
            )
        if item.status == "completed":
            report_outcome(
                owner, item, "realised", "Het is gelukt: de buurt heeft het samen aangelegd.", date(2026, 10, 1)
            )
    meeting = create_meeting(
        ambassador,
        "Koffieochtend: groen in de buurt",
        datetime(2026, 10, 10, 10, 0),
        "Buurthuis",
        min(buurt_ids),
        trajectory,
    )
    for person in neighbours[:4]:
        register_attendance(ambassador, meeting, user=person)
    register_attendance(ambassador, meeting, count=9)
    yield f"Trajectory: {trajectory.title} ({min(len(in_wijk), 25)} initiatives, framing, answers, a meeting)"
