"""Pin ``evaluation.impact.did`` to R ``did`` 2.5.1 on ``mpdta`` (see reference/did/SOURCE.md).

Point estimates and analytical standard errors are deterministic and must agree to
1e-6 absolute / 1e-4 relative (achieved: about 1e-11). Bootstrap quantities depend on the
random draws, so they are compared within Monte Carlo error (see ``BOOT_*`` below).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evaluation.impact.did import att_gt

pytestmark = pytest.mark.reference

REF_DIR = Path(__file__).parent / "reference" / "did"
REFERENCE = json.loads((REF_DIR / "reference.json").read_text())
SPECS = {
    "nevertreated_unconditional": ("never_treated", []),
    "nevertreated_lpop_dr": ("never_treated", ["lpop"]),
    "notyettreated_unconditional": ("not_yet_treated", []),
    "notyettreated_lpop_dr": ("not_yet_treated", ["lpop"]),
}
# our aggregation name -> R aggte type
AGGREGATIONS = {"simple": "simple", "event": "dynamic", "cohort": "group", "calendar": "calendar"}

ATT_ATOL = 1e-6
SE_RTOL = 1e-4
WALD_RTOL = 1e-4
# Bootstrap tolerances. R's bootstrap SE is an IQR-based scale estimate from 1,000 draws;
# its Monte Carlo relative standard deviation is about 0.04 (measured: 200 repetitions
# of our bootstrap at 1,000 draws on mpdta gave 0.035-0.041 across cells). We use 20,000
# draws (relative sd ~0.009), so the difference has sd ~0.04 and 0.16 is 4 sd.
BOOT_SE_RTOL = 0.16
BOOT_ITERATIONS = 20_000
# The sup-t critical value from 1,000 draws has a Monte Carlo sd of about 0.05 (measured
# the same way: 0.049 for ATT(g,t), 0.055 for the event-study band); 0.22 is 4 sd of the
# difference.
BOOT_CRIT_ATOL = 0.22


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(REF_DIR / "mpdta.csv")


@pytest.fixture(scope="module")
def results(mpdta):
    return {
        name: att_gt(mpdta, outcome="lemp", time="year", unit="countyreal",
                     cohort="first.treat", covariates=cov, control_group=cg, method="dr")
        for name, (cg, cov) in SPECS.items()
    }


@pytest.mark.parametrize("spec", SPECS)
def test_att_gt_cells(results, spec):
    ours = results[spec].summary()
    ref = pd.DataFrame(REFERENCE[spec]["att_gt"])
    assert len(ours) == len(ref) == 12
    np.testing.assert_array_equal(ours["cohort"], ref["group"])
    np.testing.assert_array_equal(ours["time"], ref["time"])
    assert_allclose(ours["att"], ref["att"], rtol=0, atol=ATT_ATOL)
    assert_allclose(ours["se"], ref["se_analytical"], rtol=SE_RTOL)


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("kind", AGGREGATIONS)
def test_aggregations(results, spec, kind):
    ref = REFERENCE[spec]["aggte"][AGGREGATIONS[kind]]
    agg = results[spec].aggregate(kind)
    assert_allclose(agg.att, ref["overall_att"], rtol=0, atol=ATT_ATOL)
    assert_allclose(agg.se, ref["overall_se_analytical"], rtol=SE_RTOL)
    if "elements" in ref:
        el = pd.DataFrame(ref["elements"])
        table = agg.summary()
        np.testing.assert_array_equal(table.iloc[:, 0], el["e_or_g_or_t"])
        assert_allclose(table["att"], el["att"], rtol=0, atol=ATT_ATOL)
        assert_allclose(table["se"], el["se_analytical"], rtol=SE_RTOL)


@pytest.mark.parametrize("spec", SPECS)
def test_wald_pretest(results, spec):
    test = results[spec].pretest()
    assert test.df == 5
    assert_allclose(test.statistic, REFERENCE[spec]["pretest_wald_stat"], rtol=WALD_RTOL)
    # R rounds the p-value to 5 decimals
    assert_allclose(test.p_value, REFERENCE[spec]["pretest_wald_p"], atol=6e-6)


@pytest.mark.parametrize("spec", SPECS)
def test_bootstrap_att_gt(results, spec):
    boot = results[spec].bootstrap(iterations=BOOT_ITERATIONS, seed=20260101)
    ref = pd.DataFrame(REFERENCE[spec]["att_gt"])
    assert_allclose(boot.se, ref["se_bootstrap"], rtol=BOOT_SE_RTOL)
    assert_allclose(boot.crit_value, REFERENCE[spec]["uniform_crit_val_gt_bootstrap"],
                    atol=BOOT_CRIT_ATOL)


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("kind", AGGREGATIONS)
def test_bootstrap_aggregations(results, spec, kind):
    ref = REFERENCE[spec]["aggte"][AGGREGATIONS[kind]]
    boot = results[spec].aggregate(kind).bootstrap(iterations=BOOT_ITERATIONS, seed=7)
    assert_allclose(boot.se[-1], ref["overall_se_bootstrap"], rtol=BOOT_SE_RTOL)
    if "elements" in ref:
        el = pd.DataFrame(ref["elements"])
        assert_allclose(boot.se[:-1], el["se_bootstrap"], rtol=BOOT_SE_RTOL)
        assert_allclose(boot.crit_value, ref["uniform_crit_val_bootstrap"],
                        atol=BOOT_CRIT_ATOL)


def test_published_readme_numbers(results):
    """The did README (est_method='reg', unconditional) printed to 4 decimals."""
    pub = REFERENCE["published_cross_check"]
    ours = results["nevertreated_unconditional"]
    table = ours.summary()
    assert_allclose(table["att"], [row[2] for row in pub["att_gt_never_uncond"]], atol=5e-5)
    event = ours.aggregate("event")
    assert_allclose(event.att, pub["dynamic_overall"][0], atol=5e-5)
    assert_allclose(event.element_att, [row[1] for row in pub["dynamic_by_e"]], atol=5e-5)
    assert round(ours.pretest().p_value, 5) == pub["pretest_p"]
