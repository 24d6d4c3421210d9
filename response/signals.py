"""Events of the municipality's response, for the packages above (credits, the public record,
notifications are sent by the service itself).

Sent by a service inside the action's write transaction, after its row is flushed; listeners
(declared in schatkaart/wiring.py) write only their own package's rows, never commit.
"""

from blinker import Namespace

_signals = Namespace()

#: sender: the Feedback row (flushed); ``initiative``; ``timely``: within the response norm.
feedback_given = _signals.signal("feedback-given")
