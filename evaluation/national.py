"""Fit once, report many: the national stage of a run, as one typed object.

:func:`fit_national` fits everything that is estimated for the whole country (the regional
impact designs, the trainee effects, the independence-risk model, the time to independence,
the NSW benchmark) into a :class:`National`. A report run fits it once, before the regional
notebooks, and stores it in the run's ``fit_dir``; each notebook reads it with
:func:`load_national` (attribute access, no string keys) and computes only its region's
slices. A notebook run by hand (no ``fit_dir``) fits it in process.

Every national fit calls :func:`evaluation.fitlog.record`, so a test can count fits per run.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__, fitlog, hashing

#: File name of the stored national stage inside a run's ``fit_dir``.
FILE_NAME = "national.pkl"


@dataclass
class ImpactFits:
    """Regional-impact estimates for the whole country: within provinces (what the regional
    pages use) and across the country (the R ``did`` reference) for both comparison groups."""

    within: dict        # outcome -> regional.RegionalImpact
    across: dict        # control group -> outcome -> regional.AcrossProvinces

    def headline(self, outcome: str = "unemployment_rate"):
        return self.within[outcome]


@dataclass
class Survival:
    """Time to *mandiri*: Kaplan-Meier by group and the Cox model of its drivers."""

    km: object          # risk.survival.KaplanMeierResult
    cox: object         # risk.survival.CoxResult


@dataclass
class National:
    """Everything estimated once for the whole country in a run."""

    key: str
    impact: ImpactFits
    trainees: object | None     # tracer.NationalTraineeEffects, None without a trainee table
    risk: object                # risk.RiskResult
    survival: Survival
    nsw: pd.DataFrame
    seconds: dict = field(default_factory=dict)


def fit_national(dataset, key: str | None = None) -> National:
    """Fit every national model on ``dataset`` (an :class:`evaluation.data.load.Dataset`)."""
    from .impact import regional, tracer
    from .risk import cox_model, fit_risk, kaplan_meier, survival_frame

    fitlog.record("fit_national")
    seconds = {}

    def timed(name, fn):
        started = time.perf_counter()
        out = fn()
        seconds[name] = round(time.perf_counter() - started, 3)
        return out

    panel = regional.regency_panel(dataset.centers, dataset.regency_years, dataset.center_years)
    estimates = timed("impact", lambda: regional.national_estimates(panel))
    impact = ImpactFits(within=estimates["within_province"],
                        across={cg: estimates[cg] for cg in regional.CONTROL_GROUPS})
    trainees = None
    if dataset.trainees is not None:
        trainees = timed("trainees", lambda: tracer.national_effects(
            dataset.trainees, dataset.centers, dataset.regency_years, dataset.center_years))
    risk = timed("risk", lambda: fit_risk(dataset))
    surv = survival_frame(dataset.centers, dataset.center_years, risk.spec.target_stage)
    survival = timed("survival", lambda: Survival(km=kaplan_meier(surv),
                                                  cox=cox_model(surv, risk.features, risk.spec.decision_age)))
    nsw = timed("nsw", tracer.nsw_benchmark)
    return National(key=key or hashing.data_key(hashing.data_hashes(dataset.data_dir), __version__), impact=impact, trainees=trainees, risk=risk,
                    survival=survival, nsw=nsw, seconds=seconds)


def store(national: National, fit_dir: str | Path) -> Path:
    """Write the national stage into ``fit_dir`` (atomically: parallel readers never see half a file)."""
    fit_dir = Path(fit_dir)
    fit_dir.mkdir(parents=True, exist_ok=True)
    path = fit_dir / FILE_NAME
    fd, tmp = tempfile.mkstemp(dir=fit_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(national, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


def load_national(data_dir: str | Path, fit_dir: str | Path | None = None) -> National:
    """The national stage: read from a report run's ``fit_dir``, or fitted here without one."""
    if fit_dir:
        path = Path(fit_dir) / FILE_NAME
        if not path.is_file():
            raise FileNotFoundError(f"no national fit in {fit_dir}: the report run's national stage did not complete")
        with path.open("rb") as fh:
            national = pickle.load(fh)
        if not isinstance(national, National):
            raise TypeError(f"{path} does not hold a National")
        return national
    from .data import load_dataset

    return fit_national(load_dataset(data_dir))


def ensure(data_dir: str | Path, runs_fit_root: str | Path, hashes: dict | None = None) -> tuple[Path, bool]:
    """The run's ``fit_dir`` for this data and package, fitted now unless already there.

    Returns the folder and whether a fit happened. Raises whatever the fit raises: a run
    never carries on as if a national model existed when it does not.
    """
    from .data import load_dataset

    key = hashing.data_key(hashes if hashes is not None else hashing.data_hashes(data_dir), __version__)
    fit_dir = Path(runs_fit_root) / key
    if (fit_dir / FILE_NAME).is_file():
        return fit_dir, False
    store(fit_national(load_dataset(data_dir), key), fit_dir)
    return fit_dir, True
