"""Contributions made and withdrawn, and moderation decisions, for the packages above.

Emitted by the services after they flushed the row, inside the action's transaction, so a
receiver's writes (council facts, credits) commit or roll back with the action itself.
"""

from blinker import Namespace

_signals = Namespace()

#: sender: a ``platform_core.contributions.ContributionEvent``.
contributed = _signals.signal("contributed")
#: sender: the ``Contribution`` kind; ``source_id``; ``reason`` (shown with a credit reversal).
withdrawn = _signals.signal("withdrawn")

#: sender: the ModerationDecision row (flushed); ``target``: the comment or initiative decided on.
moderated = _signals.signal("moderated")
