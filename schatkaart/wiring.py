"""Who listens to whom, in one place and one order.

Every receiver of a lower package's signals, every contributor to a lower package's pages and
every before-commit hook is connected here, by ``wire()``, called from ``create_app``. Importing
a module connects nothing (``tests/test_wiring.py`` imports every module in a fresh interpreter
and finds no receiver and no hook).

The order is the documented lock order (docs/decisions.md, "Council facts kept by deltas"): a
contribution first updates its initiative's counter row (in the service), then the council's
facts and the person's row (``council``), then the credit totals (``credits``); notifications
(``participation``) touch none of those rows and run first; the public record (``privacy``)
only collects, and appends under its one shared lock as the last step before commit.
Receivers of one signal run in the order their modules appear here (blinker calls receivers in
the order they were connected), and ``tests/test_wiring.py`` fails when they do not.
"""

from __future__ import annotations

from functools import partial

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import ambassadors.queries
import ambassadors.rules
import challenges.rules
import council.receivers
import council.rules
import council.shared
import credits.receivers
import initiatives.images
import initiatives.rules
import participation.notify
import participation.receivers
import participation.rules
import participation.services
import privacy.archive
import privacy.export
import privacy.package
import privacy.receivers
import reports.files
import reports.receivers
import response.services
import trajectories.outcomes
import trajectories.rules
import trajectories.services
from initiatives.signals import detail_page, gallery_page
from maps.services import current_municipality
from platform_core import jobs, mail, policy, settings
from response.queries import RESPONSE_PART, response_part, response_reader
from trajectories.queries import TRAJECTORY_PART, trajectory_part, trajectory_reader
from trajectories.signals import trajectory_page

#: the pages lower packages offer for others to add to, by name (``page_sections`` in templates)
PAGE_HOOKS = {hook.name: hook for hook in (detail_page, gallery_page, trajectory_page)}

#: the receivers' modules, in the order they run for every signal (the lock order)
RECEIVER_ORDER = (participation.receivers, council.receivers, credits.receivers, reports.receivers, privacy.receivers)


#: the packages that declare permission rules (platform_core.policy's registry)
RULE_PACKAGES = (
    policy,
    initiatives.rules,
    participation.rules,
    challenges.rules,
    trajectories.rules,
    ambassadors.rules,
    council.rules,
)


def wire() -> None:
    for rules in RULE_PACKAGES:
        rules.register()
    for module in RECEIVER_ORDER:
        module.receivers.connect()
    # the initiative page: taking part first (its forms, the reader's own), then its trajectory and
    # the response, the same for every reader alike (kept as pieces of the page while nothing is written)
    detail_page.add(participation.receivers.taking_part, 10, participation.receivers.TAKING_PART)
    detail_page.add(participation.receivers.standing_part, 15, participation.receivers.STANDING_PART, shared=True,
                    reader=participation.receivers.standing_reader)  # fmt: skip
    detail_page.add(trajectory_part, 20, TRAJECTORY_PART, shared=True, reader=trajectory_reader)
    detail_page.add(response_part, 30, RESPONSE_PART, shared=True, reader=response_reader)
    # ... and where each part shows: the page's template names places, never packages
    detail_page.section("assisted", "privacy/_initiative_assisted.html", 10, shared=True)
    detail_page.section("after-title", "trajectories/_initiative_trajectory.html", 10, shared=True)
    detail_page.section("after-summary", "trajectories/_initiative_outcome.html", 10, shared=True)
    detail_page.section("toolbar", "response/_initiative_toolbar.html", 10, shared=True)
    detail_page.section("toolbar", "trajectories/_initiative_toolbar.html", 20, shared=True)
    detail_page.section("toolbar", "participation/_initiative_toolbar.html", 30, shared=True)
    detail_page.section("main", "trajectories/_initiative_join_trajectory.html", 5, shared=True)
    detail_page.section("main", "response/_initiative_municipality.html", 10, shared=True)
    detail_page.section("main", "participation/_initiative_join.html", 20, shared=True)
    detail_page.section("main", "participation/_initiative_needs.html", 30)
    detail_page.section("main", "trajectories/_initiative_stakeholders.html", 40, shared=True)
    detail_page.section("after-facts", "participation/_initiative_comments.html", 10)
    detail_page.section("after-contact", "participation/_initiative_flag.html", 10, shared=True)
    gallery_page.add(participation.receivers.followable, 10, ("followable",))
    # the trajectory page: its meetings (ambassadors)
    trajectory_page.add(ambassadors.queries.meetings_of, 10, ambassadors.queries.TRAJECTORY_MEETINGS)
    trajectory_page.section("after-initiatives", "ambassadors/_trajectory_meetings.html", 10)
    privacy.archive.register()
    # work that leaves the request (platform_core.jobs): its handlers, and what runs periodically
    jobs.register("mail.send", mail.send_mail, _l("Een e-mail versturen"))
    jobs.register("notify.deliver", participation.notify.deliver, _l("Meldingen mailen"))
    jobs.register(
        "notify.comment", participation.services.comment_notifications, _l("Volgers over een reactie vertellen")
    )
    jobs.register("notify.status", participation.receivers.status_notifications,
                  _l("Volgers over een nieuwe status vertellen"))  # fmt: skip
    jobs.register(
        "notify.stage", trajectories.services.stage_notifications, _l("Volgers over een nieuwe fase vertellen")
    )
    jobs.register("digest.daily", partial(participation.notify.send_digests, "daily"),
                  _l("Dagelijks overzicht mailen"), every=("day", 86400))  # fmt: skip
    jobs.register("digest.weekly", partial(participation.notify.send_digests, "weekly"),
                  _l("Wekelijks overzicht mailen"), every=("week", 7 * 86400))  # fmt: skip
    jobs.register("retention.purge", _purge, _l("Gegevens opruimen na hun bewaartermijn"), every=("day", 86400))
    jobs.register("notify.trajectory", trajectories.services.trajectory_notifications,
                  _l("Iedereen in een traject over een nieuwe fase of de afronding vertellen"))  # fmt: skip
    jobs.register("notify.outcome", trajectories.outcomes.outcome_notifications,
                  _l("Betrokkenen vertellen hoe een initiatief afliep"))  # fmt: skip
    jobs.register("notify.feedback", response.services.feedback_notifications,
                  _l("Volgers over het antwoord van de gemeente vertellen"))  # fmt: skip
    jobs.register("privacy.export", privacy.export.prepare, _l("Iemands eigen gegevens klaarzetten"))
    jobs.register("images.derive", initiatives.images.derive, _l("Een foto schoonmaken en verkleinen"))
    jobs.register("archive.package", privacy.package.make, _l("Een pakket van het openbaar archief maken"))
    jobs.register("reports.files", reports.files.prepare, _l("De bestanden van een participatieverslag maken"))
    jobs.register("jobs.tidy", jobs.tidy, _l("Afgeronde taken vergeten"), every=("day", 86400))
    jobs.register("council.snapshot", council.shared.publish, _l("De cijfers voor de raad lezen en delen"),
                  every=("minute", 60))  # fmt: skip
    # what the municipality is called where nobody set it otherwise: from its imported boundaries
    settings.DERIVED["privacy_controller"] = _controller


def _purge() -> None:
    from privacy.retention import purge

    purge()


def _controller() -> str:
    municipality = current_municipality()
    return _("Gemeente %(name)s", name=municipality.name) if municipality else ""
