"""Events of co-creation trajectories, for the packages above (credits, council facts, the record).

Each is sent by a service inside the action's write transaction, after its row is flushed;
listeners (declared in schatkaart/wiring.py) write only their own package's rows, never commit.
"""

from blinker import Namespace

from platform_core.wiring import PageHook

_signals = Namespace()

#: sender: the Initiative, placed in a trajectory (``assisted``: entered by an ambassador).
placed_in_trajectory = _signals.signal("placed-in-trajectory")
#: sender: the StageChange row (flushed); ``initiative``.
stage_reached = _signals.signal("stage-reached")
#: sender: the Outcome row (flushed); ``initiative``; ``actor_id``.
outcome_reported = _signals.signal("outcome-reported")

#: sender: the Framing row (flushed): a new text, or the next version of one.
framing_added = _signals.signal("framing-added")

#: The trajectory page, for packages above to add to (its meetings, from ``ambassadors``).
#: Called with the Trajectory. Read-only: runs inside the page's read transaction.
trajectory_page = PageHook("trajectory-detail", "The page of one co-creation trajectory.")
