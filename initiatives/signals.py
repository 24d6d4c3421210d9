"""What happens to initiatives, for the packages above to act on (follows, facts, credits)."""

from blinker import Namespace

_signals = Namespace()

#: sender: the new Initiative, flushed (it has an id).
initiative_placed = _signals.signal("initiative-placed")
#: sender: the Initiative; ``changed``: the names of the fields that changed; ``old_status``.
initiative_changed = _signals.signal("initiative-changed")

#: Pages of this package that packages above add to. Receivers return a dict that is merged into
#: the template's context. sender: the Initiative; ``user``; ``reply_to_id``; ``forms``
#: (forms with errors, to show again as they were filled in).
detail_page = _signals.signal("detail-page")
#: sender: the gallery's Filters; ``user``. Receivers return a dict for the template.
gallery_page = _signals.signal("gallery-page")


def page_context(signal, sender, **kwargs) -> dict:  # noqa: ANN001
    context: dict = {}
    for _receiver, extra in signal.send(sender, **kwargs):
        context.update(extra or {})
    return context
