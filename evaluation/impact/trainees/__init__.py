"""Effect of BLK training on trainees' income and employment.

One front, :func:`training_effect`, over six estimators of the effect on trainees
(ATT, the default) or on everyone (ATE): a raw difference in means, OLS, regression
adjustment, normalised inverse probability weighting, nearest-neighbour matching on the
logit of the propensity score, and the doubly robust AIPW. Every call returns a
:class:`TrainingEffect` with the estimate, its standard error, a balance table, an
overlap summary, plain-language warnings and a figure.

Choices worth knowing
---------------------
* Standard errors. Every estimator returns a per-row influence function; with
  ``cluster=`` the standard error sums it within clusters (CR1 factor), otherwise it is
  heteroskedasticity-robust. RA, IPW and AIPW use influence functions that include the
  estimation of the outcome regression and of the propensity logit (the same sandwich
  as statsmodels' GMM, which it matches where that converges). Survey weights are
  treated as probability weights (linearisation). Matching uses the Abadie-Imbens
  (2006) variance unclustered and the Otsu-Rai (2017) linear representation when
  clustered. Naive and OLS report HC1 / CR1.
* Non-response (blank outcomes): ``missing_outcome="ipw"`` weights respondents by the
  inverse of their estimated response probability, with the response model in the
  standard error; ``"complete"`` drops them; :func:`lee_bounds` bounds the effect on
  respondents without a response model.
* Sensitivity: every result carries the Cinelli-Hazlett (2020) robustness value of the
  regression estimate and benchmarks against observed covariates (:class:`Sensitivity`).
* AIPW for the ATT is written here (statsmodels' AIPW is ATE-only): the IPW-ATT with
  normalised weights applied to the residual of an outcome model fitted on the
  comparison group (Sant'Anna & Zhao 2020, cross-section form).
* Scores are never clipped. ``trim`` drops rows (fixed bounds, the Crump et al. 2009
  rule or the common support), refits the propensity model, and warns that the
  estimand changed.
* Matching defaults to five neighbours with the Abadie-Imbens (2011) bias correction
  and a caliper of 0.2 SD of the logit score; single-neighbour matching with
  replacement leans on a few reused comparison persons.
* Large samples: the logit is warm-started on a 100,000-row subsample and matching
  is a binary search on the sorted one-dimensional score, so a million rows take
  seconds.

The estimators are benchmarked on the NSW job-training experiment (LaLonde 1986;
Dehejia & Wahba 1999) in ``tests/test_trainees_reference.py``.
"""

from ._design import parse_term
from ._front import ESTIMANDS, METHODS, training_effect
from ._propensity import crump_bounds
from ._response import LeeBounds, lee_bounds, response_probabilities
from ._result import TrainingEffect
from ._sensitivity import Sensitivity, benchmark_bound, robustness_value
from ._simulate import SIM_COVARIATES, simulate_trainees

#: Dehejia & Wahba's (1999) covariates for the NSW data.
NSW_COVARIATES = ["age", "educ", "black", "hisp", "married", "nodegree", "re74", "re75", "u74", "u75"]
#: Extra terms of Dehejia & Wahba's propensity model for the CPS comparison group.
NSW_PROPENSITY_TERMS = ["age**2", "age**3", "educ**2", "re74**2", "re75**2", "educ*re74"]

__all__ = [
    "ESTIMANDS",
    "LeeBounds",
    "METHODS",
    "NSW_COVARIATES",
    "NSW_PROPENSITY_TERMS",
    "SIM_COVARIATES",
    "Sensitivity",
    "TrainingEffect",
    "benchmark_bound",
    "crump_bounds",
    "lee_bounds",
    "parse_term",
    "response_probabilities",
    "robustness_value",
    "simulate_trainees",
    "training_effect",
]
