"""Monte Carlo of the regional estimator on the sample's data-generating process.

Run with ``.venv/bin/python benchmarks/mc_regional.py [--seeds 100] [--jobs 2]``.
Writes ``benchmarks/results/mc_regional.json``.

Each seed draws a fresh sample (``synthetic.generate(seed)``: new center allocation, new
regency noise) and estimates, for the open unemployment rate (TPT):

* **placebo**: the regency TPT replaced by the planted *untreated* TPT
  (``truth/regency_effects.csv``), so every true effect is exactly zero. Reported: the share
  of provinces (and of sampled regencies) whose 95% interval excludes zero, the share of
  provinces with at least 3 treated regencies that get an estimate, the share of regency
  requests refused, and the rejection rate of the sup-t pre-trend test at 5% (its size).
* **coverage**: on the sample itself, the share of 95% intervals that contain the planted
  effect averaged over exactly the regency-years the estimate uses.
* **choice of thresholds**: every province is also estimated with analytic inference
  forced (``min_treated=1``) and with placebo inference forced, so coverage can be read by
  the number of treated regencies; this is what ``regional.MIN_TREATED`` rests on. A second
  pass varies ``min_controls`` (the fewest comparison regencies per cell) on fewer seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from evaluation.config import PROJECT_ROOT
from evaluation.data import synthetic
from evaluation.impact import placebo, regional, within

OUT = PROJECT_ROOT / "benchmarks" / "results" / "mc_regional.json"
OUTCOME = "unemployment_rate"
REGENCIES_PER_SEED = 30


def panels(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(sample panel, placebo panel with the untreated TPT, regency_effects truth)."""
    t = synthetic.generate(seed)
    panel = regional.regency_panel(t["centers"], t["regency_years"])
    eff = t["truth/regency_effects"]
    untreated = eff.set_index(["regency_code", "year"])["untreated_unemployment_rate"]
    placebo_panel = panel.copy()
    placebo_panel[OUTCOME] = untreated.loc[list(zip(panel["regency_code"], panel["year"]))].to_numpy()
    return panel, placebo_panel, eff


def _row(r, **extra) -> dict:
    out = {"region": r.region, "status": r.status, "inference": r.inference, "n_treated": r.n_treated,
           "n_treated_identified": r.n_treated_identified, **extra}
    if r.estimated:
        lo, hi = r.simple.conf_int()
        out.update(estimate=r.simple.estimate, se=r.simple.se, ci_low=lo, ci_high=hi,
                   pretest_p=r.pretest.p_value if r.pretest.computed else None)
    return out


def one_seed(args) -> list[dict]:
    seed, min_controls, forced, draws = args
    panel, placebo_panel, eff = panels(seed)
    rows = []
    rng = np.random.default_rng(seed)
    for kind, data in (("placebo", placebo_panel), ("actual", panel)):
        d = within.design(data, OUTCOME)
        res = placebo.residuals(d)
        cells = within.within_cells(d, min_controls)
        provinces = sorted(set(d.province[d.cohort > 0]))
        common = dict(design=d, residuals=res, cells=cells, sensitivity=False, draws=draws, min_controls=min_controls)
        variants = {"default": {}}
        if forced:
            variants.update({"analytic": {"min_treated": 1}, "placebo": {"min_treated": 10**6}})
        for p in provinces:
            for name, opts in variants.items():
                r = regional.estimate(data, OUTCOME, p, **common, **opts)
                truth = regional.true_effect(r, eff)["att"] if (r.estimated and kind == "actual") else None
                rows.append(_row(r, seed=seed, panel=kind, scope="province", variant=name, truth=truth,
                                 min_controls=min_controls))
        treated = d.units[d.cohort > 0]
        for code in rng.choice(treated, size=min(REGENCIES_PER_SEED, len(treated)), replace=False):
            r = regional.estimate(data, OUTCOME, str(code), **common)
            truth = regional.true_effect(r, eff)["att"] if (r.estimated and kind == "actual") else None
            rows.append(_row(r, seed=seed, panel=kind, scope="regency", variant="default", truth=truth,
                             min_controls=min_controls))
        r = regional.estimate(data, OUTCOME, "ID", **common)
        truth = regional.true_effect(r, eff)["att"] if kind == "actual" else None
        rows.append(_row(r, seed=seed, panel=kind, scope="national", variant="default", truth=truth,
                         min_controls=min_controls, se_regency=r.se_by_cluster.get("regency"),
                         se_province=r.se_by_cluster.get("province")))
    return rows


def run(seeds: list[int], min_controls: int, forced: bool, draws: int, jobs: int) -> pd.DataFrame:
    tasks = [(s, min_controls, forced, draws) for s in seeds]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as ex:
            chunks = list(ex.map(one_seed, tasks))
    else:
        chunks = [one_seed(t) for t in tasks]
    return pd.DataFrame([row for chunk in chunks for row in chunk])


def _share(mask) -> float | None:
    mask = pd.Series(mask).dropna()
    return None if mask.empty else round(float(mask.mean()), 4)


def summarise(df: pd.DataFrame) -> dict:
    est = df[df["status"] == "estimated"]
    excludes = (est["ci_low"] > 0) | (est["ci_high"] < 0)
    covered = (est["ci_low"] <= est["truth"]) & (est["truth"] <= est["ci_high"])
    out = {}
    d = df["variant"] == "default"
    prov = d & (df["scope"] == "province")
    reg = d & (df["scope"] == "regency")
    pl, ac = df["panel"] == "placebo", df["panel"] == "actual"
    e = df["status"] == "estimated"
    out["provinces"] = {
        "estimated": int((prov & pl & e).sum()),
        "placebo_ci_excludes_zero": _share(excludes[prov & pl & e]),
        "share_with_3plus_treated_estimated": _share(e[prov & pl & (df["n_treated"] >= 3)]),
        "coverage_of_truth": _share(covered[prov & ac & e]),
        "pretest_rejects_at_5pct_on_placebo": _share((est.loc[prov & pl & e, "pretest_p"] < 0.05)
                                                     .where(est.loc[prov & pl & e, "pretest_p"].notna())),
        "by_inference": {
            m: {"n": int((prov & pl & e & (df["inference"] == m)).sum()),
                "placebo_ci_excludes_zero": _share(excludes[prov & pl & e & (df["inference"] == m)]),
                "coverage_of_truth": _share(covered[prov & ac & e & (df["inference"] == m)])}
            for m in ("analytic", "placebo")
        },
    }
    out["regencies"] = {
        "requests": int((reg & pl).sum()),
        "refused": _share(~e[reg & pl]),
        "placebo_ci_excludes_zero_when_estimated": _share(excludes[reg & pl & e]),
        "coverage_of_truth": _share(covered[reg & ac & e]),
        "pretest_rejects_at_5pct_on_placebo": _share((est.loc[reg & pl & e, "pretest_p"] < 0.05)
                                                     .where(est.loc[reg & pl & e, "pretest_p"].notna())),
    }
    nat = d & (df["scope"] == "national")
    out["national"] = {
        "placebo_ci_excludes_zero": _share(excludes[nat & pl & e]),
        "coverage_of_truth": _share(covered[nat & ac & e]),
        "pretest_rejects_at_5pct_on_placebo": _share(est.loc[nat & pl & e, "pretest_p"] < 0.05),
        "mean_se_regency_clustered": round(float(df.loc[nat & ac, "se_regency"].mean()), 4) if "se_regency" in df else None,
        "mean_se_province_clustered": round(float(df.loc[nat & ac, "se_province"].mean()), 4) if "se_province" in df else None,
        "sd_of_estimate_minus_truth": round(float((est.loc[nat & ac, "estimate"] - est.loc[nat & ac, "truth"]).std()), 4),
    }
    # coverage by number of treated regencies, analytic vs placebo forced
    buckets = [(1, 2), (3, 4), (5, 9), (10, 19), (20, 10**6)]
    table = []
    for lo_n, hi_n in buckets:
        sel = (df["scope"] == "province") & ac & e & df["n_treated_identified"].between(lo_n, hi_n)
        sel_p = (df["scope"] == "province") & pl & e & df["n_treated_identified"].between(lo_n, hi_n)
        row = {"treated_regencies": f"{lo_n}-{hi_n if hi_n < 10**6 else 'more'}"}
        for m in ("analytic", "placebo"):
            v = df["variant"] == m
            row[f"{m}_n"] = int((sel & v).sum())
            row[f"{m}_coverage"] = _share(covered[sel & v])
            row[f"{m}_placebo_excludes_zero"] = _share(excludes[sel_p & v])
        table.append(row)
    out["coverage_by_treated_regencies"] = table
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--draws", type=int, default=1999)
    parser.add_argument("--min-controls-seeds", type=int, default=30,
                        help="seeds for the comparison of min_controls values")
    args = parser.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    started = time.perf_counter()
    df = run(seeds, within.MIN_CONTROLS, forced=True, draws=args.draws, jobs=args.jobs)
    main_summary = summarise(df)
    print(json.dumps(main_summary, indent=1))
    choice = {}
    for mc in (2, 3, 4, 6, 8):
        if mc == within.MIN_CONTROLS:
            sub = df[df["seed"].isin(seeds[: args.min_controls_seeds])]
        else:
            sub = run(seeds[: args.min_controls_seeds], mc, forced=False, draws=args.draws, jobs=args.jobs)
        s = summarise(sub)
        choice[str(mc)] = {"provinces_estimated_share_3plus": s["provinces"]["share_with_3plus_treated_estimated"],
                           "province_placebo_excludes_zero": s["provinces"]["placebo_ci_excludes_zero"],
                           "province_coverage": s["provinces"]["coverage_of_truth"],
                           "pretest_size": s["provinces"]["pretest_rejects_at_5pct_on_placebo"],
                           "regencies_refused": s["regencies"]["refused"],
                           "regency_placebo_excludes_zero": s["regencies"]["placebo_ci_excludes_zero_when_estimated"]}
        print("min_controls", mc, choice[str(mc)])
    result = {
        "benchmark": "regional estimator (within-province comparisons) on fresh samples of the sample's DGP",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "seeds": [seeds[0], seeds[-1]],
        "outcome": OUTCOME,
        "defaults": {"min_controls": within.MIN_CONTROLS, "min_treated": regional.MIN_TREATED, "draws": args.draws},
        "summary": main_summary,
        "min_controls_choice": {"seeds": args.min_controls_seeds, "by_value": choice},
        "seconds": round(time.perf_counter() - started, 1),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written {OUT} in {result['seconds']} s")


if __name__ == "__main__":
    main()
