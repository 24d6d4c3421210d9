"""What happens to initiatives, for the packages above to act on (follows, facts, credits)."""

from blinker import Namespace

from platform_core.wiring import PageHook

_signals = Namespace()

# Listeners are declared in schatkaart/wiring.py; they run inside the placing or changing
# write transaction, may write only their own package's rows and never commit.

#: sender: the new Initiative, flushed (it has an id). Listeners: participation (the initiator
#: follows it), council (its facts), privacy (the public record).
initiative_placed = _signals.signal("initiative-placed")
#: sender: the Initiative; ``changed``: the names of the fields that changed; ``old_status``;
#: ``actor_id``. Listeners: participation (followers hear of a new status), council, credits, privacy.
initiative_changed = _signals.signal("initiative-changed")

# Pages of this package that packages above add to (platform_core.wiring.PageHook): each
# contributor is added by schatkaart/wiring.py with a priority and the names it provides.
detail_page = PageHook(
    "initiative-detail",
    "The initiative page. Called with the Initiative; ``user``; ``reply_to_id``; ``forms`` (forms "
    "with errors, to show again as filled in). Read-only: runs inside the page's read transaction.",
)
gallery_page = PageHook(
    "initiative-gallery",
    "The list of initiatives. Called with the gallery's Filters; ``user``. Read-only.",
)
