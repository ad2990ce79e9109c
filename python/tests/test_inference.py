"""Inference from Python (issue 15): conf_int, bootstrap, simulate and resid against the
R-made references in tests/reference/inference/ (tests/reference/R/make_inference.R: lme4's
residuals(), simulate() moments and bootMer quantiles) and the CLI's numbers."""
import json

import numpy as np
import pandas as pd
import pytest

import weft

from conftest import DATA_DIR, SOURCE_DIR, read_csv

INFERENCE_DIR = SOURCE_DIR / "tests" / "reference" / "inference"


def expected(case):
    return json.loads((INFERENCE_DIR / case / "expected_inference.json").read_text())


@pytest.fixture(scope="module")
def sleepstudy_fit():
    data = read_csv(INFERENCE_DIR / "sleepstudy" / "data.csv")
    return weft.fit("Reaction ~ Days", data, random=["(Days | Subject)"])


def test_residuals_match_lmer(sleepstudy_fit):
    ref = expected("sleepstudy")["residuals"]
    for kind in ("response", "pearson", "deviance"):
        np.testing.assert_allclose(sleepstudy_fit.resid(kind), ref[kind], rtol=0, atol=1e-4 * np.std(ref[kind]))
    q = sleepstudy_fit.resid("quantile", nsim=300, seed=2)
    assert ((q > 0) & (q < 1)).all() and abs(q.mean() - 0.5) < 0.1


def test_simulate_moments_match_lme4(sleepstudy_fit):
    ref = expected("sleepstudy")["simulate"]["unconditional"]
    sims = sleepstudy_fit.simulate(nsim=2000, seed=4)
    assert list(sims.columns[:2]) == ["sim_1", "sim_2"] and sims.shape == (180, 2000)
    mean, sd = sims.mean(axis=1).to_numpy(), sims.std(axis=1).to_numpy()
    assert np.all(np.abs(mean - ref["mean"]) < 5 * np.array(ref["sd"]) * np.sqrt(1 / 2000 + 1 / 4000))
    assert np.all(np.abs(sd / ref["sd"] - 1) < 0.15)
    # data set d is the same whatever nsim is, and the seed fixes it
    a = sleepstudy_fit.simulate(nsim=3, seed=4)
    pd.testing.assert_frame_equal(a, sims.iloc[:, :3])


def test_bootstrap_matches_bootmer(sleepstudy_fit):
    ref = expected("sleepstudy")["bootstrap"]
    draws = sleepstudy_fit.bootstrap(nsim=400, seed=5)
    assert list(draws.columns) == ref["names"] + ["converged"]
    for j, name in enumerate(ref["names"]):
        iqr = ref["q75"][j] - ref["q25"][j]
        assert abs(draws[name].median() - ref["median"][j]) < 0.25 * iqr, name
    ci = sleepstudy_fit.conf_int("boot", nsim=400, seed=5)
    assert list(ci.columns) == ["2.5 %", "97.5 %"] and list(ci.index) == ref["names"]
    np.testing.assert_allclose(ci["2.5 %"], draws[ref["names"]].quantile(0.025), rtol=1e-12)


def test_conf_int_wald_and_profile(sleepstudy_fit):
    wald = sleepstudy_fit.conf_int("wald")
    fe = sleepstudy_fit.fe_params
    assert wald.loc["Days", "2.5 %"] < fe["Days"] < wald.loc["Days", "97.5 %"]
    # fixed effects: estimate -+ z SE, as lme4's confint(method = "Wald")
    np.testing.assert_allclose(wald.loc["Days", "97.5 %"] - fe["Days"], 1.959963984540054 * sleepstudy_fit.bse["Days"],
                               rtol=1e-9)
    with pytest.raises(weft.InputError, match="method"):
        sleepstudy_fit.conf_int("bayes")


def test_ordinal_simulate_gives_levels():
    wine = read_csv(DATA_DIR / "wine.csv")
    wine["rating"] = pd.Categorical(wine["rating"], ordered=True)
    m = weft.clmm("rating ~ temp + contact", wine, groups="judge")
    sims = m.simulate(nsim=2, seed=1)
    assert sims["sim_1"].cat.ordered and list(sims["sim_1"].cat.categories) == [str(c) for c in wine["rating"].cat.categories]
    with pytest.raises(weft.InputError, match="quantile"):
        m.resid("pearson")
