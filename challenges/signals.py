"""Events of the right to challenge, for the packages above (the public record)."""

from blinker import Namespace

_signals = Namespace()

#: sender: the Challenge; ``step``: filed, acknowledged, assessed, decided or converted.
challenge_step = _signals.signal("challenge-step")
