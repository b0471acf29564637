"""The embedded synthetic sample: reproducible, calibrated, internally consistent."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.config import SAMPLE_DIR
from evaluation.data.reference import load_regencies, load_tpt_province
from evaluation.data.schema import IDENTIFIER_PATTERNS, REGENCY_EXTRAS, TABLES
from evaluation.data.stages import StageThresholds, derive_stage
from evaluation.data.synthetic import COHORT_COUNTS, DEFAULT_SEED, FIXED_REGENCY_COUNTS, write_sample

CODE_COLS = {"province_code": str, "regency_code": str, "center_id": str, "person_id": str}
HAND_WRITTEN = {"DATA_CARD.md"}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / f"{name}.csv", dtype=CODE_COLS, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def centers():
    return _read("centers")


@pytest.fixture(scope="module")
def center_years(centers):
    cy = _read("center_years")
    return cy.merge(centers[["center_id", "cohort"]], on="center_id", validate="many_to_one").assign(
        age=lambda d: d["year"] - d["cohort"] + 1
    )


@pytest.fixture(scope="module")
def regency_years():
    return _read("regency_years")


@pytest.fixture(scope="module")
def trainees():
    return _read("trainees")


def _committed_files() -> list[Path]:
    return sorted(p for p in SAMPLE_DIR.rglob("*") if p.is_file() and p.name not in HAND_WRITTEN)


def test_regeneration_is_byte_identical(tmp_path):
    written = write_sample(tmp_path, DEFAULT_SEED)
    committed = _committed_files()
    assert committed, "data/sample is empty"
    assert {p.relative_to(tmp_path) for p in written} == {p.relative_to(SAMPLE_DIR) for p in committed}
    for path in committed:
        new = tmp_path / path.relative_to(SAMPLE_DIR)
        assert new.read_bytes() == path.read_bytes(), f"{path.relative_to(SAMPLE_DIR)} differs after regeneration"


@pytest.mark.parametrize("name", ["centers", "center_years", "regency_years", "trainees"])
def test_columns_match_schema(name):
    header = (SAMPLE_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    extras = {c.name for c in REGENCY_EXTRAS}  # optional checks a source may add; the sample does not
    assert header == [n for n in TABLES[name].names if n not in extras]
    df = _read(name)
    assert not df.duplicated(list(TABLES[name].key)).any()
    for col in TABLES[name].columns:
        if col.name in extras:
            continue
        if not col.nullable:
            assert df[col.name].notna().all(), f"{name}.{col.name} has blanks"
        if col.allowed:
            assert set(df[col.name].dropna()) <= set(col.allowed)
        if col.kind == "bool":
            assert set(df[col.name].dropna().unique()) <= {0, 1}
        if col.nonnegative:
            assert (df[col.name].dropna() >= 0).all()


@pytest.mark.parametrize("name", ["centers", "center_years", "regency_years", "trainees"])
def test_no_identifier_columns(name):
    header = (SAMPLE_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    for col in header:
        assert not any(re.search(p, col.lower()) for p in IDENTIFIER_PATTERNS), col


def test_codes_are_two_digit_strings(centers, regency_years, trainees):
    regs = load_regencies()
    assert set(regency_years["regency_code"]) == set(regs["regency_code"])
    assert "33.10" in set(regency_years["regency_code"])
    for df in (centers, regency_years, trainees):
        assert df["regency_code"].str.fullmatch(r"\d{2}\.\d{2}").all()
    assert centers["province_code"].str.fullmatch(r"\d{2}").all()
    assert (centers["regency_code"].str[:2] == centers["province_code"]).all()
    assert set(centers["regency_code"]) <= set(regs["regency_code"])
    raw = (SAMPLE_DIR / "regency_years.csv").read_text(encoding="utf-8")
    assert "\n33.10," in raw and "\n33.1," not in raw


def test_cohort_counts_exact(centers):
    assert centers["cohort"].value_counts().sort_index().to_dict() == COHORT_COUNTS
    assert len(centers) == 4282 and centers["center_id"].is_unique


def test_regency_counts(centers, regency_years):
    n = centers.groupby("regency_code").size()
    for code, count in FIXED_REGENCY_COUNTS.items():
        assert n[code] == count
    n = n.reindex(regency_years["regency_code"].unique(), fill_value=0)
    kota = n.index.str[-2:].astype(int) >= 71
    assert n[kota].mean() < n[~kota].mean()
    first = centers.groupby("regency_code")["cohort"].min().reindex(n.index)
    assert 5 <= first.isna().sum() <= 60  # never-treated controls exist
    counts = first.value_counts()
    assert counts.get(2017, 0) + counts.get(2018, 0) >= 20
    assert counts.get(2019, 0) + counts.get(2020, 0) >= 150
    assert counts.get(2021, 0) + counts.get(2022, 0) + counts.get(2023, 0) >= 30


def test_center_attributes(centers):
    share = centers["host_type"].value_counts(normalize=True)
    assert 0.75 <= share["pesantren"] <= 0.85
    assert 0.12 <= share["other_religious"] <= 0.20
    assert 0.02 <= share.get("union", 0) <= 0.05
    assert share.get("community", 0) <= 0.02
    assert (centers.loc[centers["host_type"] == "union", "cohort"] >= 2020).all()
    early = centers[centers["cohort"] <= 2018]
    assert set(early["vocation"]) <= {"TIK", "Menjahit", "Otomotif Sepeda Motor", "Las"}
    voc = centers["vocation"].value_counts(normalize=True)
    assert abs(voc["TIK"] - 0.30) < 0.03 and abs(voc["Menjahit"] - 0.22) < 0.03
    grant = centers["grant_idr"]
    assert (grant[centers["cohort"].isin([2019, 2020])] == 1_000_000_000).all()
    assert grant.between(500_000_000, 1_000_000_000).all()
    assert centers["center_name"].str.startswith("BLKK ").all()


def test_center_years_cover_operation(centers, center_years):
    n_years = center_years.groupby("center_id").size()
    expected = (2024 - centers.set_index("center_id")["cohort"] + 1)
    assert (n_years.reindex(expected.index) == expected).all()
    assert center_years["year"].max() == 2024


def test_criteria_consistency(center_years):
    cy = center_years
    assert (cy["trainees_completed"] <= cy["trainees_enrolled"]).all()
    assert (cy["trainees_certified"] <= cy["trainees_completed"]).all()
    assert (cy["alumni_employed"] + cy["alumni_self_employed"] <= cy["trainees_completed"]).all()
    packages = cy["packages_apbn"] + cy["packages_self_funded"]
    assert (cy["trainees_enrolled"] >= 16 * packages).all() and (cy["trainees_enrolled"] <= 20 * packages).all()
    early = cy["age"] <= 2
    assert cy.loc[early, "packages_apbn"].between(3, 5).all()
    assert cy.loc[~early, "packages_apbn"].between(0, 2).all()
    rate = (cy["alumni_employed"] + cy["alumni_self_employed"]).sum() / cy["trainees_completed"].sum()
    assert 0.3 <= rate <= 0.7
    assert (cy.loc[cy["age"] == 1, "instructors"] == 1).all() and cy["instructors"].between(1, 3).all()
    assert cy["partnerships"].between(0, 5).all()
    b = cy["stage"] == "berkembang"
    m = cy["stage"] == "mandiri"
    assert (cy.loc[b | m, "alumni_database"] == 1).all()
    assert (cy.loc[b, "partnerships"] >= 1).all() and (cy.loc[m, "partnerships"] >= 2).all()
    assert ((cy.loc[m, "licensed"] == 1) | (cy.loc[m, "accredited"] == 1)).all()
    assert cy.loc[m, "own_revenue_idr"].between(25_000_000, 250_000_000).all()
    assert cy.loc[b, "own_revenue_idr"].between(5_000_000, 50_000_000).all()
    assert cy.loc[cy["stage"] == "tumbuh", "own_revenue_idr"].between(0, 10_000_000).all()


def test_stage_equals_derived(center_years):
    assert (derive_stage(center_years, StageThresholds()) == center_years["stage"]).all()
    # thresholds are parameters: stricter revenue -> fewer mandiri
    strict = derive_stage(center_years, StageThresholds(mandiri_min_own_revenue_idr=100_000_000))
    assert (strict == "mandiri").sum() < (center_years["stage"] == "mandiri").sum()


def test_stages_do_not_go_backwards(center_years):
    order = center_years["stage"].map({"tumbuh": 0, "berkembang": 1, "mandiri": 2})
    back = order.groupby(center_years["center_id"]).diff() < 0
    assert back.mean() < 0.01


def test_stage_shares_2023(center_years):
    cy = center_years[(center_years["year"] == 2023) & (center_years["cohort"] <= 2022)]
    share = cy["stage"].value_counts(normalize=True)
    assert abs(share["tumbuh"] - 0.46) <= 0.03
    assert abs(share["berkembang"] - 0.41) <= 0.03
    assert abs(share["mandiri"] - 0.13) <= 0.03
    assert abs(cy["accredited"].mean() - 0.033) <= 0.01
    assert abs(cy["incubator"].mean() - 0.033) <= 0.01


def test_mandiri_rises_with_age(center_years):
    by_age = center_years["stage"].eq("mandiri").groupby(center_years["age"]).mean()
    n = center_years.groupby("age").size()
    rates = by_age[n >= 500].to_numpy()
    assert len(rates) >= 5
    assert (np.diff(rates) >= 0).all()
    assert rates[-1] > 0.15


def test_mandiri_truth(centers):
    truth = _read("truth/center_mandiri_probability")
    assert (truth["center_id"] == centers["center_id"]).all()
    assert truth["p_mandiri_within_4y"].between(0, 1).all()
    obs = truth[truth["outcome_observed"] == 1]
    assert set(obs["cohort"]) == {2017, 2018, 2019, 2020, 2021}
    # realised outcome consistent with the probabilities
    assert abs(obs["mandiri_within_4y"].mean() - obs["p_mandiri_within_4y"].mean()) < 0.03
    from sklearn.metrics import roc_auc_score

    auc = roc_auc_score(obs["mandiri_within_4y"], obs["p_mandiri_within_4y"])
    assert 0.75 <= auc <= 0.87


def test_mandiri_truth_matches_paths(center_years):
    truth = _read("truth/center_mandiri_probability").set_index("center_id")
    cy = center_years[center_years["age"] <= 4]
    reached = cy["stage"].eq("mandiri").groupby(cy["center_id"]).any()
    obs = truth[truth["outcome_observed"] == 1]
    assert (reached.reindex(obs.index).astype(int) == obs["mandiri_within_4y"]).all()


def _province_rates(regency_years: pd.DataFrame) -> pd.Series:
    ry = regency_years.assign(province_code=regency_years["regency_code"].str[:2])
    g = ry.groupby(["province_code", "year"])[["unemployed", "labour_force"]].sum()
    return 100 * g["unemployed"] / g["labour_force"]


def _aggregate_noise_sd(regency_years: pd.DataFrame, provinces: list[str], year: int) -> float:
    """SD of the labour-force weighted mean of the regencies' own noise (see DATA_CARD.md):
    what a provincial aggregate is expected to stray from its target, like a survey's
    sampling error."""
    from evaluation.data.synthetic import NOISE_AR, NOISE_SD_SHARE

    target = _read("truth/province_tpt_target")
    sub = regency_years[(regency_years["year"] == year) & regency_years["regency_code"].str[:2].isin(provinces)]
    level = target[target["province_code"].isin(provinces)].groupby("province_code")["target_tpt"].mean()
    sd = NOISE_SD_SHARE * sub["regency_code"].str[:2].map(level) / np.sqrt(1 - NOISE_AR**2)
    w = sub["labour_force"] / sub["labour_force"].sum()
    return float(np.sqrt(((w * sd) ** 2).sum()))


def test_province_tpt_tracks_real(regency_years):
    """Provincial aggregates stay within the target band (0.3 pp, Jawa Tengah 0.1 pp) plus
    0.2 pp for the effect and rounding, plus three standard deviations of the aggregated
    regency noise, which is not centred away within province-years."""
    rates = _province_rates(regency_years)
    ry = regency_years.assign(province_code=regency_years["regency_code"].str[:2])
    real = load_tpt_province()
    successors = {"91": ["91", "93", "94", "95"], "92": ["92", "96"]}
    checked, outside_band = 0, 0
    for r in real.itertuples(index=False):
        flag = r.flag if isinstance(r.flag, str) else ""
        if "suspicious" in flag:
            continue
        provs = successors[r.kemendagri_province_code] if "pre-2022" in flag else [r.kemendagri_province_code]
        sub = ry[(ry["year"] == r.year) & ry["province_code"].isin(provs)]
        synth = 100 * sub["unemployed"].sum() / sub["labour_force"].sum()
        band = 0.3 if r.kemendagri_province_code == "33" else 0.5
        noise = _aggregate_noise_sd(regency_years, provs, r.year)
        assert abs(synth - r.tpt_pct) <= band + 3 * noise, (r.kemendagri_province_code, r.year, synth, r.tpt_pct, noise)
        outside_band += abs(synth - r.tpt_pct) > band
        checked += 1
    assert checked >= 230
    assert outside_band <= 0.1 * checked  # the noise moves few province-years out of the band
    assert rates[("33", 2020)] - rates[("33", 2019)] > 1.5  # the 2020 shock


def test_regencies_of_a_province_share_its_swings_unevenly():
    """Province-correlated shocks: each regency follows its province's swings with a loading
    around 1 (labour-force weighted mean 1 within the province); the untreated outcome is
    the province target, a level, the loading times the swing, and noise that is not
    centred within province-years."""
    eff = _read("truth/regency_effects")
    load = eff.groupby("regency_code")["province_swing_loading"].first()
    assert 0.1 < load.std() < 0.4 and load.between(0.3, 1.7).all()
    target = _read("truth/province_tpt_target")
    y0 = eff.assign(province_code=eff["regency_code"].str[:2]).merge(target, on=["province_code", "year"])
    resid = y0["untreated_unemployment_rate"] - y0["target_tpt"]
    # the noise is not centred within province-years: its plain mean there varies
    by_py = resid.groupby([y0["province_code"], y0["year"]]).mean()
    by_p = resid.groupby(y0["province_code"]).mean()
    spread = (by_py - by_py.index.get_level_values(0).map(by_p)).std()
    assert spread > 0.05


def test_regency_panel(regency_years):
    ry = regency_years
    assert len(ry) == 514 * 10 and set(ry["year"]) == set(range(2015, 2025))
    share = ry["labour_force"] / ry["population"]
    assert share.between(0.5, 0.58).all()
    assert (ry["unemployed"] == np.round(ry["labour_force"] * ry["unemployment_rate"] / 100)).all()
    kota = ry["regency_code"].str[-2:].astype(int) >= 71
    assert ry.loc[kota, "unemployment_rate"].mean() > ry.loc[~kota, "unemployment_rate"].mean()
    jt = ry[(ry["regency_code"].str[:2] == "33") & (ry["year"] >= 2019)]
    assert jt["unemployment_rate"].between(1.0, 11.0).all()
    wide = ry.pivot(index="regency_code", columns="year", values="unemployment_rate")
    assert wide[2019].corr(wide[2023], method="spearman") > 0.8  # rank persistence
    ratio = ry["mean_wage_idr"] / ry["min_wage_idr"]
    assert ratio.between(0.95, 1.25).all()
    umk = ry[(ry["year"] == 2024) & (ry["regency_code"] == "33.74")]["min_wage_idr"].iloc[0]
    assert umk == 3_243_969
    pop = ry.pivot(index="regency_code", columns="year", values="population")
    assert (pop[2015] < pop[2024]).all()


def test_regency_effects_truth(regency_years, centers):
    eff = _read("truth/regency_effects")
    first = centers.groupby("regency_code")["cohort"].min()
    assert (eff.groupby("regency_code")["cohort"].first().reindex(first.index) == first).all()
    pre = eff[eff["cohort"].isna() | (eff["year"] < eff["cohort"])]
    assert (pre["effect_unemployment_rate_pp"] == 0).all() and (pre["effect_log_mean_wage"] == 0).all()
    post = eff[eff["year"] >= eff["cohort"]]
    assert (post["effect_unemployment_rate_pp"] <= 0).all() and (post["effect_log_mean_wage"] >= 0).all()
    per_year = post["effect_unemployment_rate_pp"] / post["exposure_years"].clip(lower=1)
    assert per_year.min() >= -0.1  # at most 0.1 pp per year of exposure
    att = _read("truth/att_gt")
    check = post.groupby(["cohort", "year"])["effect_unemployment_rate_pp"].mean()
    a = att.set_index(["cohort", "year"])["att_unemployment_rate"]
    assert np.allclose(a.reindex(check.index).to_numpy(), check.to_numpy(), atol=1e-5)
    merged = regency_years.merge(eff, on=["regency_code", "year"])
    diff = merged["unemployment_rate"] - (merged["untreated_unemployment_rate"] + merged["effect_unemployment_rate_pp"])
    assert diff.abs().max() <= 0.006


def test_trainees(trainees, centers):
    tr = trainees
    t = tr["trained"] == 1
    assert 5000 <= t.sum() <= 8000 and 20000 <= (~t).sum() <= 30000
    assert tr["person_id"].str.fullmatch(r"P\d{6}").all()
    assert tr.loc[~t, "center_id"].isna().all() and tr.loc[t, "center_id"].isin(centers["center_id"]).all()
    assert set(tr.loc[t, "year"]) <= set(range(2019, 2024))
    assert (tr.loc[t, "weight"] == 1).all() and (tr.loc[~t, "weight"] > 1).all()
    ctr = centers.set_index("center_id")
    assert (ctr.loc[tr.loc[t, "center_id"], "regency_code"].to_numpy() == tr.loc[t, "regency_code"].to_numpy()).all()
    assert (ctr.loc[tr.loc[t, "center_id"], "cohort"].to_numpy() <= tr.loc[t, "year"].to_numpy()).all()
    first = centers.groupby("regency_code")["cohort"].min()
    assert (tr.loc[~t, "regency_code"].map(first) <= tr.loc[~t, "year"]).all()  # same kind of regencies
    # selection on observables
    assert tr.loc[t, "age"].mean() < tr.loc[~t, "age"].mean() - 3
    assert tr.loc[t, "employed_before"].mean() < tr.loc[~t, "employed_before"].mean() - 0.15
    assert tr.loc[t, "education_years"].mean() > tr.loc[~t, "education_years"].mean()
    answered = tr["employed_after"].notna()
    assert ((tr.loc[answered, "income_after_idr"] > 0) == (tr.loc[answered, "employed_after"] == 1)).all()
    # tracer non-response: only trainees, both outcomes blank together, about 62% answer
    assert (answered == tr["income_after_idr"].notna()).all() and answered[~t].all()
    assert 0.5 < answered[t].mean() < 0.75


def test_trainee_truth(trainees):
    eff = _read("truth/trainee_effects")
    overall = eff[eff["scope"] == "overall"].iloc[0]
    assert 300_000 <= overall["att_income_idr_expected"] <= 600_000
    assert 300_000 <= overall["att_income_idr_sample"] <= 600_000
    assert 5 <= overall["att_employed_pp_expected"] <= 12
    # the naive comparison is badly biased
    assert overall["naive_income_idr"] < overall["att_income_idr_sample"] - 150_000
    assert set(eff["scope"]) == {"overall", "vocation", "host_type"}
    po = _read("truth/trainee_potential_outcomes")
    assert (po["person_id"] == trainees["person_id"]).all()
    t = trainees["trained"] == 1
    answered = trainees["income_after_idr"].notna()  # tracer non-response blanks the outcomes
    assert (po.loc[t & answered, "income_after_1_idr"] == trainees.loc[t & answered, "income_after_idr"]).all()
    assert (po.loc[~t, "income_after_0_idr"] == trainees.loc[~t, "income_after_idr"]).all()
    sample_att = (po.loc[t, "income_after_1_idr"] - po.loc[t, "income_after_0_idr"]).mean()
    assert sample_att == pytest.approx(overall["att_income_idr_sample"], abs=0.01)


def test_early_indicators_carry_the_signal(centers, center_years):
    """Data up to age 2 predict mandiri-within-4-years nearly as well as the true probabilities."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    truth = _read("truth/center_mandiri_probability").set_index("center_id")
    early = center_years[center_years["age"] <= 2].copy()
    completed = early["trainees_completed"].clip(lower=1)
    early["placement"] = (early["alumni_employed"] + early["alumni_self_employed"]) / completed
    early["completion"] = early["trainees_completed"] / early["trainees_enrolled"].clip(lower=1)
    early["certification"] = early["trainees_certified"] / completed
    early["log_revenue"] = np.log1p(early["own_revenue_idr"] / 1e6)
    early["berkembang"] = (early["stage"] != "tumbuh").astype(int)
    feats = ["placement", "completion", "certification", "log_revenue", "packages_self_funded", "partnerships",
             "licensed", "alumni_database", "instructors", "berkembang"]
    x = early.groupby("center_id")[feats].agg(["mean", "last"])
    x.columns = ["_".join(c) for c in x.columns]
    attrs = centers.set_index("center_id")
    x = x.join(pd.get_dummies(attrs["host_type"], dtype=float))
    x = x.join(pd.get_dummies(attrs["vocation"].where(attrs["vocation"].map(attrs["vocation"].value_counts()) > 50,
                                                      "other"), prefix="v", dtype=float))
    x["java"] = attrs["province_code"].isin(["31", "32", "33", "34", "35", "36"]).astype(float)
    obs = truth[truth["outcome_observed"] == 1]
    xo, y = x.loc[obs.index].fillna(0.0), obs["mandiri_within_4y"]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.5))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    pred = cross_val_predict(model, xo, y, cv=folds, method="predict_proba")[:, 1]
    oracle = roc_auc_score(y, obs["p_mandiri_within_4y"])
    assert roc_auc_score(y, pred) >= oracle - 0.035


def test_other_seed_keeps_exact_calibration():
    from evaluation.data.synthetic import generate

    tables = generate(seed=7)
    c, cy = tables["centers"], tables["center_years"]
    assert c["cohort"].value_counts().sort_index().to_dict() == COHORT_COUNTS
    n = c.groupby("regency_code").size()
    assert all(n[k] == v for k, v in FIXED_REGENCY_COUNTS.items())
    assert (derive_stage(cy) == cy["stage"]).all()
    assert (tables["centers"]["regency_code"].to_numpy() != _read("centers")["regency_code"].to_numpy()).any()


def _trainee_truth_frames(trainees):
    po = _read("truth/trainee_potential_outcomes")
    assert (po["person_id"] == trainees["person_id"]).all()
    return po, trainees["trained"] == 1


def test_trainee_nonresponse_depends_on_center_and_trait(trainees, centers):
    """Blank outcomes are exactly the trainees who did not answer; answering is not at random."""
    po, t = _trainee_truth_frames(trainees)
    assert ((po["responded"] == 1) == trainees["employed_after"].notna()).all()
    answered = po["responded"] == 1
    cap = trainees["center_id"].map(_read("truth/center_mandiri_probability").set_index("center_id")["latent_capacity"])
    # better centers and motivated trainees answer more (neither is in the public table)
    assert cap[t & answered].mean() > cap[t & ~answered].mean() + 0.2
    assert po.loc[t & answered, "motivation"].mean() > po.loc[t & ~answered, "motivation"].mean()
    # so the respondents' effect differs from the effect on all trainees, and the truth records both
    eff = _read("truth/trainee_effects")
    overall = eff[eff["scope"] == "overall"].iloc[0]
    resp = (po.loc[t & answered, "income_after_1_idr"] - po.loc[t & answered, "income_after_0_idr"]).mean()
    assert resp == pytest.approx(overall["att_income_idr_responders_sample"], abs=0.01)
    assert overall["att_income_idr_responders_sample"] > overall["att_income_idr_sample"]
    assert po.loc[~t, "response_probability"].isna().all() and po.loc[t, "response_probability"].between(0, 1).all()


def test_trainee_potential_outcomes_of_respondents(trainees):
    po, t = _trainee_truth_frames(trainees)
    answered = trainees["income_after_idr"].notna()
    assert (po.loc[t & answered, "income_after_1_idr"] == trainees.loc[t & answered, "income_after_idr"]).all()
    assert (po.loc[~t, "income_after_0_idr"] == trainees.loc[~t, "income_after_idr"]).all()
    assert (po["employed_after_1"] >= po["employed_after_0"]).all()  # training never costs a job


def test_trainee_pre_training_dip(trainees):
    """Trainees who worked before training earned temporarily little; their later outcomes revert."""
    po, t = _trainee_truth_frames(trainees)
    emp = trainees["employed_before"] == 1
    assert po.loc[t & emp, "transitory_log_income"].mean() < -0.1
    assert abs(po.loc[~t & emp, "transitory_log_income"].mean()) < 0.03
    # recent job losers (recorded as not employed) are far more often employed a year later
    lost = po["recent_job_loss"] == 1
    assert (trainees.loc[lost, "employed_before"] == 0).all()
    assert po.loc[~t & lost, "employed_after_0"].mean() > po.loc[~t & ~lost & ~emp, "employed_after_0"].mean() + 0.2


def test_trainee_unobserved_trait_and_recorded_biases(trainees):
    po, t = _trainee_truth_frames(trainees)
    assert po.loc[t, "motivation"].mean() > po.loc[~t, "motivation"].mean() + 0.1  # it drives training
    assert abs(po["motivation"].mean()) < 0.05 and 0.95 < po["motivation"].std() < 1.05
    eff = _read("truth/trainee_effects")
    overall = eff[eff["scope"] == "overall"].iloc[0]
    # modest on purpose: together well under a tenth of the effect, and positive (overstating)
    for key in ("income_idr", "employed_pp"):
        planted = overall[f"bias_unobserved_{key}"] + overall[f"bias_nonresponse_{key}"]
        assert 0 < planted < 0.1 * overall[f"att_{key}_expected"]
