"""Fit once, report many: the national stage of a run, as one typed object.

:func:`fit_national` fits everything that is estimated for the whole country (the regional
impact designs, the trainee effects, the independence-risk model, the time to independence,
the NSW benchmark) into a :class:`National`. A report run fits it once, before the regional
notebooks, and stores it in the run's ``fit_dir``; each notebook reads it with
:func:`load_national` (attribute access, no string keys) and computes only its region's
slices. A notebook run by hand (no ``fit_dir``) reads the fit from the hand-run cache
(:func:`cache_dir`), keyed like a run's by the data, the package source and the settings, and
fits and stores it there the first time: the second notebook a researcher opens starts from
it, and a changed data file or package gives a new key.

The run parameters that change what is estimated (:class:`Settings`: the comparison
thresholds of the regional estimates and the ministry's support capacity) are part of the
fit and of its key: a run fits with its own parameters, and a page that asks for other ones
than the stored fit was made with is refused rather than shown numbers of another setting.

Every national fit calls :func:`evaluation.fitlog.record`, so a test can count fits per run.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import pandas as pd

from . import __version__, fitlog, hashing

#: File name of the stored national stage inside a run's ``fit_dir``.
FILE_NAME = "national.pkl"
#: Environment variable naming the hand-run cache folder; ``off`` (or ``0``, ``none``) fits in
#: process every time, as without a cache.
CACHE_ENV = "BLKK_FIT_CACHE"


def cache_dir() -> Path | None:
    """The hand-run cache of national fits: ``$BLKK_FIT_CACHE``, else ``blkk/national`` in the
    user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``); None when switched off."""
    value = os.environ.get(CACHE_ENV, "").strip()
    if value.lower() in ("off", "0", "none", "false"):
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "blkk" / "national"


def _default(name: str) -> int:
    from .impact import regional, within
    from .risk import register

    return {"min_controls": within.MIN_CONTROLS, "min_treated": regional.MIN_TREATED,
            "capacity": register.CAPACITY}[name]


@dataclass(frozen=True)
class Settings:
    """Run parameters that change published numbers on more than one page, so the national
    stage is fitted with them and every page reads them from it.

    ``min_controls``/``min_treated``: comparison thresholds of the regional estimates (03, 00,
    the index); ``capacity``: centers the ministry can support, the size of the high and
    medium risk bands (05, 00, the index, what changed between runs).
    """

    min_controls: int = field(default_factory=lambda: _default("min_controls"))
    min_treated: int = field(default_factory=lambda: _default("min_treated"))
    capacity: int = field(default_factory=lambda: _default("capacity"))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_parameters(cls, parameters: dict) -> "Settings":
        """The settings a run's (or a page's) parameters ask for; defaults for the others."""
        return cls(**{k: int(parameters[k]) for k in cls.names() if parameters.get(k) is not None})

    def as_dict(self) -> dict:
        return asdict(self)

    def differences(self, asked: dict) -> dict:
        """``{name: (this value, asked value)}`` for every asked setting that differs."""
        mine = self.as_dict()
        return {k: (mine[k], int(v)) for k, v in asked.items() if k in mine and v is not None and int(v) != mine[k]}


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
    settings: Settings = field(default_factory=Settings)


def fit_key(hashes: dict, settings: Settings | None = None) -> str:
    """Key of a national fit: the data, the package version and the settings it was fitted with."""
    settings = settings or Settings()
    tag = __version__ if settings == Settings() else f"{__version__}|{sorted(settings.as_dict().items())}"
    return hashing.data_key(hashes, tag)


def fit_national(dataset, key: str | None = None, settings: Settings | None = None) -> National:
    """Fit every national model on ``dataset`` (an :class:`evaluation.data.load.Dataset`)
    with the run's :class:`Settings` (defaults when None)."""
    from .impact import regional, tracer
    from .risk import cox_model, fit_risk, kaplan_meier, survival_frame

    fitlog.record("fit_national")
    settings = settings or Settings()
    seconds = {}

    def timed(name, fn):
        started = time.perf_counter()
        out = fn()
        seconds[name] = round(time.perf_counter() - started, 3)
        return out

    panel = regional.regency_panel(dataset.centers, dataset.regency_years, dataset.center_years)
    estimates = timed("impact", lambda: regional.national_estimates(panel, min_controls=settings.min_controls,
                                                                     min_treated=settings.min_treated))
    impact = ImpactFits(within=estimates["within_province"],
                        across={cg: estimates[cg] for cg in regional.CONTROL_GROUPS})
    trainees = None
    if dataset.trainees is not None:
        trainees = timed("trainees", lambda: tracer.national_effects(
            dataset.trainees, dataset.centers, dataset.regency_years, dataset.center_years))
    risk = timed("risk", lambda: fit_risk(dataset, k=settings.capacity))
    surv = survival_frame(dataset.centers, dataset.center_years, risk.spec.target_stage)
    survival = timed("survival", lambda: Survival(km=kaplan_meier(surv),
                                                  cox=cox_model(surv, risk.features, risk.spec.decision_age)))
    nsw = timed("nsw", tracer.nsw_benchmark)
    return National(key=key or fit_key(hashing.data_hashes(dataset.data_dir), settings), impact=impact,
                    trainees=trainees, risk=risk, survival=survival, nsw=nsw, seconds=seconds, settings=settings)


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


class SettingsMismatch(ValueError):
    """A page asks for other settings than the stored national fit was made with."""


def read_national(fit_dir: str | Path) -> National:
    """The national stage stored in ``fit_dir`` (raises if there is none)."""
    path = Path(fit_dir) / FILE_NAME
    if not path.is_file():
        raise FileNotFoundError(f"no national fit in {fit_dir}: the report run's national stage did not complete")
    with path.open("rb") as fh:
        national = pickle.load(fh)
    if not isinstance(national, National):
        raise TypeError(f"{path} does not hold a National")
    if "settings" not in vars(national):  # stored before settings were recorded: the defaults
        national = replace(national, settings=Settings())
    return national


def load_national(data_dir: str | Path, fit_dir: str | Path | None = None, **settings) -> National:
    """The national stage: read from a report run's ``fit_dir``, or without one from the
    hand-run cache (:func:`cached`).

    ``settings`` (any of :class:`Settings`' names) are the values the page declares; a stored
    fit made with other values is refused (its numbers would not be the page's), and a fit
    made here uses them.
    """
    asked = {k: v for k, v in settings.items() if v is not None}
    unknown = sorted(set(asked) - set(Settings.names()))
    if unknown:
        raise TypeError(f"unknown national settings: {unknown}; known: {list(Settings.names())}")
    if fit_dir:
        national = read_national(fit_dir)
        differ = national.settings.differences(asked)
        if differ:
            said = ", ".join(f"{k}={fit} (this page asks for {page})" for k, (fit, page) in differ.items())
            raise SettingsMismatch(f"the national fit in {fit_dir} was made with {said}; run the report with the "
                                   "same parameters for every notebook, or leave fit_dir empty to fit here")
        return national
    return cached(data_dir, Settings.from_parameters(asked))


def cached(data_dir: str | Path, settings: Settings | None = None, root: str | Path | None = None) -> National:
    """The national fit of this data, package source and settings from the hand-run cache
    (``root``, default :func:`cache_dir`), fitted and stored there when it is not; fitted in
    process when the cache is off or cannot be written."""
    from .data import load_dataset

    settings = settings or Settings()
    root = Path(root) if root is not None else cache_dir()
    if root is None:
        return fit_national(load_dataset(data_dir), settings=settings)
    hashes = hashing.data_hashes(data_dir)
    folder = root / hashing.source_digest()[:16] / fit_key(hashes, settings)
    try:
        return read_national(folder)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged or outdated file is refitted, never trusted
        (folder / FILE_NAME).unlink(missing_ok=True)
    national = fit_national(load_dataset(data_dir), folder.name, settings)
    try:
        store(national, folder)
    except OSError:  # a read-only home: the page still gets its numbers
        pass
    return national


def fit_dir_for(data_dir: str | Path, runs_fit_root: str | Path, hashes: dict | None = None,
                settings: Settings | None = None) -> Path:
    """Where the fit of this data, package and settings is (or would be) stored."""
    hashes = hashes if hashes is not None else hashing.data_hashes(data_dir)
    return Path(runs_fit_root) / fit_key(hashes, settings)


def ensure(data_dir: str | Path, runs_fit_root: str | Path, hashes: dict | None = None,
           settings: Settings | None = None) -> tuple[Path, bool]:
    """The run's ``fit_dir`` for this data, package and settings, fitted now unless already there.

    Returns the folder and whether a fit happened. Raises whatever the fit raises: a run
    never carries on as if a national model existed when it does not.
    """
    from .data import load_dataset

    settings = settings or Settings()
    fit_dir = fit_dir_for(data_dir, runs_fit_root, hashes, settings)
    if (fit_dir / FILE_NAME).is_file():
        return fit_dir, False
    store(fit_national(load_dataset(data_dir), fit_dir.name, settings), fit_dir)
    return fit_dir, True
