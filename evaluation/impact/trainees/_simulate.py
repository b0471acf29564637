"""Synthetic trainee survey with selection on observables and a planted effect.

Used by the tests and the benchmark: people with lower schooling, lower prior income
and recent unemployment are more likely to train (so a raw comparison understates the
effect), the propensity is a logit in the ten covariates (so IPW is correctly
specified) and both outcomes are linear in them (so regression adjustment is too).
Effects differ by person, so the ATT and the ATE differ; the truth is returned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Covariates of the synthetic survey.
SIM_COVARIATES = [
    "age", "educ_years", "female", "married", "urban", "java",
    "prior_income_1", "prior_income_2", "unemployed_1", "unemployed_2",
]


def simulate_trainees(n: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """Return ``n`` synthetic respondents with survey weights and planted effects.

    Columns: the ten :data:`SIM_COVARIATES`, ``treat``, ``income`` (monthly, thousand
    rupiah), ``employed`` (0/1), ``weight`` (survey weight), and the person-level true
    effects ``effect_income`` and ``effect_employed``. ``df.attrs`` holds the true
    survey-weighted ATT and ATE of both outcomes.
    """
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 56, n).astype(float)
    educ = np.clip(np.round(rng.normal(10, 3, n)), 0, 18)
    female = rng.binomial(1, 0.45, n).astype(float)
    married = rng.binomial(1, np.clip(0.1 + 0.02 * (age - 18), 0, 0.85)).astype(float)
    urban = rng.binomial(1, 0.55, n).astype(float)
    java = rng.binomial(1, 0.57, n).astype(float)
    unemployed_2 = rng.binomial(1, 0.25, n).astype(float)
    unemployed_1 = rng.binomial(1, np.where(unemployed_2 == 1, 0.6, 0.15)).astype(float)
    base = 1200 * np.exp(rng.normal(0, 0.5, n)) * (1 + 0.06 * educ)
    prior_income_2 = np.where(unemployed_2 == 1, 0.0, base * np.exp(rng.normal(0, 0.2, n)))
    prior_income_1 = np.where(unemployed_1 == 1, 0.0, base * np.exp(rng.normal(0.03, 0.2, n)))

    index = (
        -1.9 - 0.04 * (age - 30) - 0.12 * (educ - 10) - 0.3 * female - 0.4 * married
        + 0.3 * urban - 0.2 * java - 0.0004 * (prior_income_1 - 2000)
        - 0.0002 * (prior_income_2 - 2000) + 0.6 * unemployed_1 + 0.3 * unemployed_2
    )
    treat = rng.binomial(1, 1 / (1 + np.exp(-index))).astype(float)

    effect_income = 250 + 30 * (12 - educ) + 250 * unemployed_1 - 100 * female + 200 * urban
    income = (
        1500 + 60 * educ + 15 * age + 0.4 * prior_income_1 + 0.2 * prior_income_2
        - 300 * female + 200 * urban + 150 * java + 100 * married - 250 * unemployed_1
        + effect_income * treat + rng.normal(0, 700, n)
    )
    effect_employed = 0.06 + 0.08 * unemployed_1
    p_employed = (
        0.55 + 0.01 * (educ - 10) - 0.08 * female + 0.05 * urban
        - 0.2 * unemployed_1 - 0.1 * unemployed_2 + effect_employed * treat
    )
    employed = rng.binomial(1, np.clip(p_employed, 0.01, 0.99)).astype(float)

    # Design weights: rural and off-Java households were oversampled.
    weight = np.where(urban == 1, 150.0, 60.0) * np.where(java == 1, 1.5, 1.0) * rng.uniform(0.8, 1.25, n)

    df = pd.DataFrame(
        {
            "age": age, "educ_years": educ, "female": female, "married": married, "urban": urban,
            "java": java, "prior_income_1": prior_income_1, "prior_income_2": prior_income_2,
            "unemployed_1": unemployed_1, "unemployed_2": unemployed_2, "treat": treat,
            "income": income, "employed": employed, "weight": weight,
            "effect_income": effect_income, "effect_employed": effect_employed,
        }
    )
    t = treat == 1
    df.attrs.update(
        {
            "att_income": float(np.average(effect_income[t], weights=weight[t])),
            "ate_income": float(np.average(effect_income, weights=weight)),
            "att_employed": float(np.average(effect_employed[t], weights=weight[t])),
            "ate_employed": float(np.average(effect_employed, weights=weight)),
        }
    )
    return df
