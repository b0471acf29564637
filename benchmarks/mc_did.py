"""Monte Carlo: do the 95% intervals of ``att_gt`` cover a planted effect 95% of the time?

Staggered panels with effects that grow with exposure (0.1 * (years since start + 1)),
parallel trends by construction, cohorts drawn at random each replication. For each
replication we record whether the analytical 95% interval covers the truth for:
the simple ATT, every event-time effect, every ATT(g,t) cell, and (on a subsample of
replications) whether the bootstrap uniform band covers all event-time effects at once.
Static TWFE is run on the same data: its bias and the coverage of its interval sit
beside the Callaway-Sant'Anna numbers.

Run:  python benchmarks/mc_did.py [--reps 1000] [--units 500]
Writes benchmarks/results/mc_did.json. A few minutes at the defaults.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.impact.did import att_gt  # noqa: E402
from evaluation.impact.twfe import twfe  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "mc_did.json"
YEARS = np.arange(2016, 2022)              # 6 years
COHORTS = np.array([0, 2018, 2019, 2020])  # never treated + three cohorts
SHARES = np.array([0.3, 0.25, 0.25, 0.2])
SLOPE = 0.1
Z = 1.959963984540054


def truth():
    """Population ATT(g,t), event-time effects and simple ATT (cohort shares as weights)."""
    cells = {(g, t): SLOPE * (t - g + 1) for g in COHORTS[1:] for t in YEARS if t >= g}
    pre = {(g, t): 0.0 for g in COHORTS[1:] for t in YEARS[1:] if t < g}
    share = dict(zip(COHORTS[1:], SHARES[1:]))
    num = sum(share[g] * v for (g, _), v in cells.items())
    den = sum(share[g] for (g, _) in cells)
    event = {}
    for (g, t) in {**cells, **pre}:
        event.setdefault(t - g, SLOPE * (t - g + 1) if t >= g else 0.0)
    return {**cells, **pre}, event, num / den


def draw(rng, n, covariate):
    g = rng.choice(COHORTS, size=n, p=SHARES)
    T = len(YEARS)
    x = rng.normal(size=n)
    if covariate:
        # selection on x, and x changes the trend: unconditional PT fails, conditional holds
        g = np.where(rng.random(n) < 1 / (1 + np.exp(-(x - 0.5))), g, 0)
    alpha = rng.normal(size=n) + 0.5 * (g > 0)
    trend = 0.05 * np.arange(T)[None, :] * (1 + (0.6 * x[:, None] if covariate else 0))
    e = YEARS[None, :] - g[:, None]
    eff = np.where((g[:, None] > 0) & (e >= 0), SLOPE * (e + 1), 0.0)
    y = alpha[:, None] + trend + eff + rng.normal(scale=0.5, size=(n, T))
    return pd.DataFrame({"unit": np.repeat(np.arange(n), T), "year": np.tile(YEARS, n),
                         "y": y.ravel(), "cohort": np.repeat(g, T), "x": np.repeat(x, T)})


def run(reps: int, n: int, seed: int, covariate: bool, boot_every: int) -> dict:
    rng = np.random.default_rng(seed)
    cells_true, event_true, simple_true = truth()
    cover_simple, cover_event, cover_cells, cover_uniform = [], [], [], []
    simple_est, twfe_est, twfe_cover = [], [], []
    for i in range(reps):
        df = draw(rng, n, covariate)
        r = att_gt(df, outcome="y", time="year", unit="unit", cohort="cohort",
                   covariates=["x"] if covariate else [])
        s = r.aggregate("simple")
        simple_est.append(s.att)
        cover_simple.append(abs(s.att - simple_true) <= Z * s.se)
        ev = r.aggregate("event")
        et = np.array([event_true[e] for e in ev.elements])
        cover_event.append(np.abs(ev.element_att - et) <= Z * ev.element_se)
        ct = np.array([cells_true[(g, t)] for g, t in zip(r.cohort, r.time)])
        cover_cells.append(np.abs(r.att - ct) <= Z * r.se)
        if boot_every and i % boot_every == 0:
            b = ev.bootstrap(iterations=999, seed=int(rng.integers(2**31)))
            cover_uniform.append(bool(np.all(np.abs(ev.element_att - et)
                                             <= b.crit_value * b.se[:-1])))
        tw = twfe(df, outcome="y", time="year", unit="unit", cohort="cohort")
        twfe_est.append(tw.att)
        twfe_cover.append(abs(tw.att - simple_true) <= Z * tw.att_se)
    cover_event = np.array(cover_event)
    cover_cells = np.array(cover_cells)

    def share(x):
        x = np.asarray(x, dtype=float)
        return {"coverage": float(x.mean()), "mc_se": float(np.sqrt(x.mean() * (1 - x.mean())
                                                                     / x.size))}

    return {
        "replications": reps, "units": n, "years": len(YEARS), "covariate": covariate,
        "true_simple_att": simple_true,
        "cs_simple": {**share(cover_simple), "mean_estimate": float(np.mean(simple_est)),
                      "bias": float(np.mean(simple_est) - simple_true),
                      "sd_estimate": float(np.std(simple_est))},
        "cs_event_time": {int(e): share(cover_event[:, j])["coverage"]
                          for j, e in enumerate(sorted(event_true))},
        "cs_event_mean": share(cover_event.ravel()),
        "cs_cells_mean": share(cover_cells.ravel()),
        "cs_uniform_event_band": share(cover_uniform) if cover_uniform else None,
        "twfe": {"mean_estimate": float(np.mean(twfe_est)),
                 "bias": float(np.mean(twfe_est) - simple_true),
                 "relative_bias": float((np.mean(twfe_est) - simple_true) / simple_true),
                 **share(twfe_cover)},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--units", type=int, default=500)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--boot-every", type=int, default=4,
                    help="bootstrap the uniform band every k-th replication (0: never)")
    args = ap.parse_args()
    out = {}
    for label, cov in (("unconditional", False), ("covariate_dr", True)):
        t0 = time.perf_counter()
        res = run(args.reps, args.units, args.seed + cov, cov, args.boot_every)
        res["seconds"] = time.perf_counter() - t0
        out[label] = res
        cs, tw = res["cs_simple"], res["twfe"]
        print(f"\n{label}: {args.reps} replications of {args.units} units x {len(YEARS)} years "
              f"({res['seconds']:.0f} s)")
        print(f"  true simple ATT {res['true_simple_att']:.4f}")
        print(f"  CS simple ATT: mean {cs['mean_estimate']:.4f}, bias {cs['bias']:+.4f}, "
              f"95% CI coverage {cs['coverage']:.3f} (MC se {cs['mc_se']:.3f})")
        print(f"  CS event-time effects: mean coverage {res['cs_event_mean']['coverage']:.3f}; "
              f"by e: " + ", ".join(f"{e}: {c:.3f}" for e, c in res["cs_event_time"].items()))
        print(f"  CS ATT(g,t) cells: mean coverage {res['cs_cells_mean']['coverage']:.3f}")
        if res["cs_uniform_event_band"]:
            u = res["cs_uniform_event_band"]
            print(f"  CS uniform event band (bootstrap): joint coverage {u['coverage']:.3f} "
                  f"(MC se {u['mc_se']:.3f})")
        print(f"  TWFE: mean {tw['mean_estimate']:.4f}, bias {tw['bias']:+.4f} "
              f"({100 * tw['relative_bias']:+.0f}%), coverage of truth {tw['coverage']:.3f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2))
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
