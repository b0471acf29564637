"""Impact estimators: staggered difference-in-differences (Callaway-Sant'Anna), TWFE, power.

Light to import: numpy, pandas and the standard library only; matplotlib is loaded
inside ``plot()`` and scipy where a test statistic needs it.
"""

from .did import AggregateResult, AttGtResult, DidInputError, att_gt
from .power import mde, mde_from_result
from .twfe import TwfeResult, compare_twfe_cs, twfe, twfe_event_study

__all__ = [
    "AggregateResult",
    "AttGtResult",
    "DidInputError",
    "TwfeResult",
    "att_gt",
    "compare_twfe_cs",
    "mde",
    "mde_from_result",
    "twfe",
    "twfe_event_study",
]
