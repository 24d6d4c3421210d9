"""Events of the right to challenge, for the packages above (the public record).

Sent inside the step's write transaction; listeners are declared in schatkaart/wiring.py.
"""

from blinker import Namespace

_signals = Namespace()

#: sender: the Challenge; ``step``: filed, acknowledged, assessed, decided or converted.
challenge_step = _signals.signal("challenge-step")
