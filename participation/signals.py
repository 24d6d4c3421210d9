"""Contributions made and withdrawn, and moderation decisions, for the packages above.

Emitted by the services after they flushed the row, inside the action's transaction, so a
receiver's writes (council facts, credits) commit or roll back with the action itself.
Who listens, and in which order, is declared in one place: ``schatkaart/wiring.py``. A listener
may write only rows of its own package, must not commit, and must not send mail (use
``platform_core.transaction.after_commit``).
"""

from blinker import Namespace

_signals = Namespace()

#: sender: a ``platform_core.contributions.ContributionEvent``. Listeners: council (facts), credits
#: (awards), privacy (the public record). In the action's write transaction, after the row is flushed.
contributed = _signals.signal("contributed")
#: sender: the ``Contribution`` kind; ``source_id``; ``initiative_id`` (the initiative it was made
#: on); ``reason`` (shown with a credit reversal). Listeners: council, credits, reports (the
#: prepared files of that initiative's report). In the write transaction of the withdrawal
#: (delete, hide, erase).
withdrawn = _signals.signal("withdrawn")

#: sender: the ModerationDecision row (flushed); ``target``: the comment or initiative decided on.
#: Listeners: privacy (the public record). In the moderator's write transaction.
moderated = _signals.signal("moderated")
