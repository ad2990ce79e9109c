"""Each call of the quickstart (examples/quickstart.py), checked against lme4
(python/tests/data/lme4_reference.json, made by make_reference.R) with the parity suite's
tolerances: fixed effects 2e-3 x max(1, |ref|), SEs 2 %, SDs 3e-3 x max(1, ref), loglik no
worse than lme4's by more than 2e-3, predictions 1e-3 relative."""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import weft
from conftest import EXAMPLES_DIR, REFERENCE, SOURCE_DIR


def lme4_name(name):
    """lme4's coefficient names for factor columns (period2) are weft's with factor() (same)."""
    return name.replace("factor(YEAR)", "YEAR")


def check_fixef(result, ref, se=True):
    fixef = result.fe_params.rename(lme4_name)
    assert list(fixef.index) == list(ref["fixef"])
    for name, value in ref["fixef"].items():
        assert abs(fixef[name] - value) <= 2e-3 * max(1.0, abs(value)), name
    if se:
        bse = result.bse.rename(lme4_name)
        for name, value in ref["se"].items():
            assert abs(bse[name] - value) <= 0.02 * abs(value), name


def check_variance_components(result, ref):
    vc = result.variance_components
    expected = pd.DataFrame(ref["variance_components"])
    assert list(vc.columns) == ["grp", "var1", "var2", "vcov", "sdcor"]
    assert list(vc["grp"]) == list(expected["grp"])
    assert list(vc["var1"]) == list(expected["var1"])
    assert [None if pd.isna(v) else v for v in vc["var2"]] == [None if pd.isna(v) else v for v in expected["var2"]]
    for got, want, is_corr in zip(vc["sdcor"], expected["sdcor"], expected["var2"].notna()):
        assert abs(got - want) <= (0.02 if is_corr else 3e-3 * max(1.0, want))
    np.testing.assert_allclose(vc["vcov"], expected["vcov"], rtol=0.01, atol=1e-4)


def check_loglik(result, ref):
    assert result.llf >= ref["loglik"] - 2e-3
    assert abs(result.llf - ref["loglik"]) < 0.05


# ---- 1. cbpp, binomial, proportion form with weights -------------------------------------------

def test_cbpp_binomial_with_weights(cbpp, fit_quiet):
    result = fit_quiet("incidence / size ~ period", data=cbpp, family="binomial", groups="herd",
                       weights=cbpp["size"].values)
    ref = REFERENCE["cbpp"]
    assert result.converged and result.warnings == []
    check_fixef(result, ref)
    np.testing.assert_allclose(result.fe_params.values, [-1.3985, -0.9923, -1.1287, -1.5803], atol=5e-5)
    check_variance_components(result, ref)
    check_loglik(result, ref)
    assert abs(result.aic - ref["aic"]) < 0.01 and abs(result.bic - ref["bic"]) < 0.01
    assert result.nobs == 56 and result.ngroups == {"herd": 15} and result.df_resid == 51
    assert result.deviance == pytest.approx(-2 * result.llf)
    assert result.family == "binomial" and result.link == "logit"
    assert result.family_parameters == {} and result.zi_fe_params.empty and result.zi_bse.empty


def test_cbpp_random_effects(cbpp):
    result = weft.glmer("incidence / size ~ period", data=cbpp, family="binomial", groups="herd",
                        weights=cbpp["size"].values)
    ref = REFERENCE["cbpp"]["ranef_herd"]
    herd = result.random_effects["herd"]
    assert list(result.random_effects) == ["herd"]
    assert list(herd.columns) == ["(Intercept)"] and herd.index.name == "herd"
    assert list(herd.index) == ref["levels"]
    np.testing.assert_allclose(herd["(Intercept)"].values, ref["values"], atol=2e-3)


def test_groups_and_random_are_equivalent(cbpp):
    by_groups = weft.glmer("incidence / size ~ period", data=cbpp, family="binomial", groups="herd",
                           weights=cbpp["size"].values)
    by_random = weft.glmer("incidence / size ~ period", data=cbpp, family="binomial", random=["(1 | herd)"],
                           weights=cbpp["size"].values)
    bare_term = weft.glmer("incidence / size ~ period", data=cbpp, family="binomial", random="1 | herd",
                           weights=cbpp["size"].values)
    in_formula = weft.glmer("incidence / size ~ period + (1 | herd)", data=cbpp, family="binomial",
                            weights=cbpp["size"].values)
    for other in (by_random, bare_term, in_formula):
        pd.testing.assert_series_equal(other.fe_params, by_groups.fe_params, rtol=1e-10)
        pd.testing.assert_series_equal(other.bse, by_groups.bse, rtol=1e-10)
        assert other.llf == pytest.approx(by_groups.llf, rel=1e-12)
        pd.testing.assert_frame_equal(other.variance_components, by_groups.variance_components, rtol=1e-10)


def test_cbind_form_and_weights_column(cbpp):
    proportion = weft.glmer("incidence / size ~ period", data=cbpp, groups="herd", weights="size")
    cbind = weft.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", data=cbpp)
    pd.testing.assert_series_equal(cbind.fe_params, proportion.fe_params, rtol=1e-8)
    assert cbind.llf == pytest.approx(proportion.llf, rel=1e-10)


# ---- 2. Poisson with crossed grouping factors (lme4's grouseticks) ------------------------------

def test_grouseticks_poisson_crossed_groups(grouse, fit_quiet):
    result = fit_quiet("TICKS ~ factor(YEAR) + cHEIGHT", data=grouse, family=weft.PoissonFamily(),
                       groups=["BROOD", "INDEX", "LOCATION"])
    ref = REFERENCE["grouseticks"]
    check_fixef(result, ref)
    check_variance_components(result, ref)
    check_loglik(result, ref)
    assert result.ngroups == {"INDEX": 403, "BROOD": 118, "LOCATION": 63}
    assert set(result.random_effects) == {"INDEX", "BROOD", "LOCATION"}
    assert result.random_effects["LOCATION"].shape == (63, 1)


# ---- 3. NB2 with theta = 2 against Poisson: AIC ---------------------------------------------

def test_owls_nb2_theta_fixed_versus_poisson(owls, fit_quiet):
    formula = "SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize))"
    poisson = fit_quiet(formula, data=owls, family="poisson", groups="Nest")
    nb2 = fit_quiet(formula, data=owls, family=weft.NegativeBinomial2Family(theta=2.0), groups="Nest")
    check_fixef(poisson, REFERENCE["owls_poisson"])
    check_loglik(poisson, REFERENCE["owls_poisson"])
    assert poisson.aic == pytest.approx(REFERENCE["owls_poisson"]["aic"], abs=0.01)
    check_fixef(nb2, REFERENCE["owls_nb2_theta2"])
    check_loglik(nb2, REFERENCE["owls_nb2_theta2"])
    check_variance_components(nb2, REFERENCE["owls_nb2_theta2"])
    assert nb2.family == "nb2" and nb2.family_parameters == {"theta": 2.0}
    assert nb2.family_parameters_se == {}  # fixed, not estimated
    # theta fixed is not a parameter: 4 fixed effects + 1 SD (lme4 counts a scale, AIC + 2)
    assert nb2.aic == pytest.approx(-2 * nb2.llf + 2 * 5)
    assert nb2.aic < poisson.aic - 1000


def test_owls_nb2_theta_estimated(owls, fit_quiet):
    result = fit_quiet("SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize))", data=owls,
                       family=weft.NegativeBinomial2Family(), groups="Nest")
    assert set(result.family_parameters) == {"theta"} and set(result.family_parameters_se) == {"theta"}
    assert 0.5 < result.family_parameters["theta"] < 1.5
    assert result.aic == pytest.approx(-2 * result.llf + 2 * 6)


def test_offset_array_equals_offset_in_formula(owls):
    in_formula = weft.glmer("SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize))", data=owls,
                            family="poisson", groups="Nest")
    as_array = weft.glmer("SiblingNegotiation ~ FoodTreatment * SexParent", data=owls, family="poisson",
                          groups="Nest", offset=np.log(owls["BroodSize"].values))
    pd.testing.assert_series_equal(as_array.fe_params, in_formula.fe_params, rtol=1e-8)
    assert as_array.llf == pytest.approx(in_formula.llf, rel=1e-10)
    with pytest.raises(ValueError, match="offset"):
        as_array.predict(owls.head())
    np.testing.assert_allclose(as_array.predict(owls.head(), offset=np.log(owls["BroodSize"].values[:5])),
                               in_formula.predict(owls.head()), rtol=1e-8)
    np.testing.assert_allclose(as_array.predict(), in_formula.predict(), rtol=1e-8)


# ---- 4. optimizer and integrator choices ------------------------------------------------------

def test_bobyqa(cbpp, fit_quiet):
    result = fit_quiet("incidence / size ~ period", data=cbpp, family="binomial", groups="herd",
                       weights=cbpp["size"].values, optimizer="bobyqa")
    check_fixef(result, REFERENCE["cbpp"])
    check_loglik(result, REFERENCE["cbpp"])
    assert result.to_dict()["optimizer"]["name"] == "bobyqa"


def test_nagq_25(cbpp, fit_quiet):
    result = fit_quiet("incidence / size ~ period", data=cbpp, family="binomial", random=["(1 | herd)"],
                       weights=cbpp["size"].values, nAGQ=25)
    ref = REFERENCE["cbpp_agq25"]
    check_fixef(result, ref)
    sd = result.variance_components["sdcor"].iloc[0]
    assert abs(sd - ref["sd"]) <= 3e-3
    assert result.to_dict()["integrator"] == {"name": "agq", "hessian": "expected", "points": 25}
    laplace = weft.glmer("incidence / size ~ period", data=cbpp, groups="herd", weights="size")
    # AGQ loglik on the same scale as Laplace's (full binomial constants), slightly higher here
    assert abs(result.llf - laplace.llf) < 0.1


# ---- 5. predict in three variants ------------------------------------------------------------

def test_predict_three_variants(cbpp, cbpp_newdata):
    result = weft.glmer("incidence / size ~ period", data=cbpp, family="binomial", groups="herd",
                        weights=cbpp["size"].values)
    ref = REFERENCE["cbpp"]["predict_newdata"]
    response = result.predict(newdata=cbpp_newdata, type="response")
    link = result.predict(newdata=cbpp_newdata, type="link")
    population = result.predict(newdata=cbpp_newdata, type="response", include_re=False)
    population_link = result.predict(newdata=cbpp_newdata, type="link", include_re=False)
    for got in (response, link, population, population_link):
        assert isinstance(got, np.ndarray) and got.dtype == np.float64 and got.shape == (len(cbpp_newdata),)
    np.testing.assert_allclose(response, ref["response"], rtol=1e-3)
    np.testing.assert_allclose(link, ref["link"], rtol=1e-3)
    np.testing.assert_allclose(population, ref["response_population"], rtol=1e-3)
    np.testing.assert_allclose(population_link, ref["link_population"], rtol=1e-3)
    # herd 16 was never seen: its random effect is zero (lme4's allow.new.levels = TRUE)
    np.testing.assert_allclose(response[3:], population[3:], rtol=1e-12)
    # without newdata: the fitting data (fitted values)
    np.testing.assert_allclose(result.predict(), REFERENCE["cbpp"]["fitted_response"], rtol=1e-3)
    np.testing.assert_allclose(result.fittedvalues, result.predict(), rtol=0)
    one_row = result.predict(newdata=cbpp_newdata.head(1))
    np.testing.assert_allclose(one_row, response[:1], rtol=1e-12)


# ---- 6. the quickstart script itself -------------------------------------------------------------

def test_quickstart_script_runs():
    env = dict(os.environ)
    completed = subprocess.run([sys.executable, str(EXAMPLES_DIR / "quickstart.py")], cwd=SOURCE_DIR, env=env,
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    for value in ("-1.3985", "-0.9923", "-1.1287", "-1.5803"):
        assert value in out
    assert "AIC" in out and "Traceback" not in completed.stderr


# ---- variance components as lme4's as.data.frame(VarCorr(fit)) -------------------------------------

def test_variance_components_correlated_slopes(fit_quiet):
    from conftest import case_data
    result = fit_quiet("y ~ x + (1 + x | g)", data=case_data("slopes_correlated"), family="poisson")
    check_variance_components(result, REFERENCE["slopes_correlated"])
    check_fixef(result, REFERENCE["slopes_correlated"])
    assert list(result.random_effects["g"].columns) == ["(Intercept)", "x"]


def test_variance_components_uncorrelated_slopes(fit_quiet):
    from conftest import case_data
    result = fit_quiet("cbind(s, n - s) ~ x + (x || g)", data=case_data("slopes_uncorrelated"))
    check_variance_components(result, REFERENCE["slopes_uncorrelated"])  # grp g and g.1, as lme4
    assert list(result.random_effects["g"].columns) == ["(Intercept)", "x"]
