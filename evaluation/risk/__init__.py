"""Independence risk: which centers will not reach *mandiri*, how sure we are, and why.

Notebooks use the functional front::

    from evaluation.risk import fit_risk, load_risk, evaluate_risk
    result = fit_risk(dataset)                # national fit, once per run
    result.save(path); load_risk(path).register_for("33")

Modules: ``features`` (labels and decision-age features, no leakage), ``models``
(the capacity score, logistic and boosted estimators, calibrated), ``validation`` (time split, grouped CV,
metrics), ``register`` (scored list with reasons, CSV/XLSX), ``survival`` (Kaplan-Meier, Cox).
"""

from .api import RiskResult, evaluate_risk, fit_risk, load_risk, load_truth
from .features import RiskSpec, center_features, label_frame
from .models import BoostedRiskModel, FactorRiskModel, LogisticRiskModel, RiskDesign
from .register import build_register, write_register_csv, write_register_xlsx
from .survival import cox_model, kaplan_meier, survival_frame

__all__ = [
    "RiskResult", "evaluate_risk", "fit_risk", "load_risk", "load_truth",
    "RiskSpec", "center_features", "label_frame",
    "BoostedRiskModel", "FactorRiskModel", "LogisticRiskModel", "RiskDesign",
    "build_register", "write_register_csv", "write_register_xlsx",
    "cox_model", "kaplan_meier", "survival_frame",
]
