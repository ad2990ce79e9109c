"""weft.clmm (issue 14): wine from a pandas DataFrame with an ordered Categorical response,
against ordinal::clmm (tests/reference/ordinal/*/expected.json, made by
tests/reference/R/cases_ordinal.R) at the parity tolerances, and against `weft fit` on the
same data (the same numbers); predictions, threshold structures, levels and errors."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import weft
from conftest import SOURCE_DIR, read_csv, run_cli_fit, run_cli_predict

ORDINAL = SOURCE_DIR / "tests" / "reference" / "ordinal"


def reference(case):
    return json.loads((ORDINAL / case / "expected.json").read_text())


@pytest.fixture(scope="module")
def wine():
    df = read_csv(ORDINAL / "wine_logit" / "data.csv")
    df["rating"] = pd.Categorical(df["rating"], categories=[1, 2, 3, 4, 5], ordered=True)  # as ordinal's wine
    return df


def clmm_quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error", weft.ConvergenceWarning)
        return weft.clmm(*args, **kwargs)


def check_against(result, ref, thresholds_key="family_parameters"):
    assert result.converged and result.warnings == []
    assert list(result.fe_params.index) == list(ref["fixef"])
    for name, value in ref["fixef"].items():
        assert abs(result.fe_params[name] - value) <= 2e-3 * max(1.0, abs(value)), name
        assert abs(result.bse[name] - ref["se"][name]) <= 0.02 * ref["se"][name], name
    params = result.family_parameters if thresholds_key == "family_parameters" else result.thresholds
    for name, value in ref[thresholds_key].items():
        assert abs(params[name] - value) <= 0.02 * abs(value), name
    assert result.llf >= ref["loglik"] - 2e-3 and abs(result.llf - ref["loglik"]) < 0.01
    assert abs(result.aic - ref["aic"]) < 0.05 and abs(result.bic - ref["bic"]) < 0.05
    sd = result.variance_components["sdcor"].iloc[0]
    assert abs(sd - ref["random"][0]["sd"][0]) <= 3e-3 * max(1.0, ref["random"][0]["sd"][0])


def test_wine_from_an_ordered_categorical_matches_clmm(wine):
    result = clmm_quiet("rating ~ temp + contact", data=wine, groups="judge")
    ref = reference("wine_logit")
    check_against(result, ref)
    assert list(result.thresholds.index) == ["1|2", "2|3", "3|4", "4|5"]
    np.testing.assert_allclose(result.thresholds.values, list(ref["info"]["thresholds"].values()), atol=2e-4)
    np.testing.assert_allclose(result.threshold_bse.values, list(ref["info"]["threshold_se"].values()), rtol=2e-3)
    assert result.levels == ["1", "2", "3", "4", "5"]
    assert result.family == "ordinal" and result.link == "logit"
    assert "Threshold coefficients:" in result.summary()
    assert isinstance(result, weft.CLMMResult) and "CLMMResult" in repr(result)


@pytest.mark.parametrize("case,kwargs", [
    ("wine_probit", dict(link="probit")),
    ("wine_cloglog", dict(link="cloglog")),
    ("wine_agq5", dict(nAGQ=5)),
    ("wine_equidistant", dict(thresholds="equidistant")),
    ("wine_symmetric", dict(thresholds="symmetric")),
])
def test_links_quadrature_and_threshold_structures(wine, case, kwargs):
    result = clmm_quiet("rating ~ temp + contact + (1 | judge)", data=wine, **kwargs)
    ref = reference(case)
    check_against(result, ref)
    for name, value in ref["info"]["thresholds"].items():  # the implied thresholds
        assert abs(result.thresholds[name] - value) <= 0.02 * abs(value), name


def test_the_same_numbers_as_weft_fit(wine, cli, tmp_path):
    result = weft.clmm("rating ~ temp + contact", data=wine, groups="judge", link="probit")
    run = run_cli_fit(cli, tmp_path, {"formula": "rating ~ temp + contact", "groups": "judge",
                                      "family": {"name": "ordinal"}, "link": "probit"},
                      wine.assign(rating=wine["rating"].astype(int)), config_name="clmm")
    assert run.returncode == 0, run.stderr
    doc = run.document
    assert doc["fixef"] == result.to_dict()["fixef"]
    assert doc["family_parameters"] == result.family_parameters
    assert doc["loglik"] == result.llf
    # weft predict writes one probability column per level, as result.predict() returns them
    table = run_cli_predict(cli, tmp_path, result.to_json(), wine.head(6), column=None)
    assert list(table.columns) == ["1", "2", "3", "4", "5"]
    np.testing.assert_allclose(table.to_numpy(), result.predict(wine.head(6))[result.levels].to_numpy(), rtol=1e-12)


def test_predict_gives_level_probabilities_and_the_most_probable_class(wine):
    result = weft.clmm("rating ~ temp + contact + (1 | judge)", data=wine)
    probabilities = result.predict()
    assert list(probabilities.columns) == ["1", "2", "3", "4", "5", "class"]
    assert len(probabilities) == len(wine)
    np.testing.assert_allclose(probabilities[result.levels].sum(axis=1), 1.0, rtol=1e-12)
    assert (probabilities["class"] == probabilities[result.levels].idxmax(axis=1)).all()
    assert probabilities["class"].cat.ordered
    assert (result.predict(type="class") == probabilities["class"]).all()
    # eta = x'beta + z'u, without thresholds; population predictions set u = 0
    eta = result.predict(type="link", include_re=False)
    x = (wine["temp"] == "warm") * result.fe_params["tempwarm"] + (wine["contact"] == "yes") * result.fe_params["contactyes"]
    np.testing.assert_allclose(eta, x.to_numpy(), atol=1e-12)
    new = wine.head(3).assign(judge=["new judge"] * 3)  # an unseen level gets u = 0
    np.testing.assert_allclose(result.predict(new)[result.levels].to_numpy(),
                               result.predict(wine.head(3), include_re=False)[result.levels].to_numpy(), rtol=1e-12)
    with pytest.raises(weft.InputError, match="type: expected 'response', 'link' or 'class'"):
        result.predict(type="mean")


def test_text_levels_need_an_order(tmp_path):
    data = read_csv(ORDINAL / "string_levels" / "data.csv")
    with pytest.raises(weft.InputError, match=r"data: response y: text values \(high, low, mid\) have no order"):
        weft.clmm("y ~ x + trt + (1 | g)", data=data)
    with pytest.raises(weft.InputError, match="no order"):  # an unordered Categorical has none either
        weft.clmm("y ~ x + trt + (1 | g)", data=data.assign(y=data["y"].astype("category")))
    ref = reference("string_levels")
    by_list = clmm_quiet("y ~ x + trt + (1 | g)", data=data, levels=["low", "mid", "high"])
    check_against(by_list, ref)
    ordered = data.assign(y=pd.Categorical(data["y"], categories=["low", "mid", "high"], ordered=True))
    assert clmm_quiet("y ~ x + trt + (1 | g)", data=ordered).family_parameters == by_list.family_parameters


def test_levels_that_never_occur_are_dropped_as_ordinal_does():
    data = read_csv(ORDINAL / "unused_level_string" / "data.csv")
    result = clmm_quiet("y ~ x + (1 | g)", data=data, levels=["low", "mid", "high", "top"])
    check_against(result, reference("unused_level_string"))
    assert result.levels == ["low", "mid", "top"]
    assert list(result.thresholds.index) == ["low|mid", "mid|top"]


@pytest.mark.parametrize("kwargs,message", [
    (dict(thresholds="flexibel"), "clmm: thresholds: expected one of flexible, equidistant, symmetric"),
    (dict(link="identity"), "clmm: link: family 'ordinal' does not take the link 'identity'"),
    (dict(nAGQ=0), "clmm: nAGQ: expected an integer >= 1"),
    (dict(levels="low"), "clmm: levels: expected a list of the response's levels"),
    (dict(levels=[1, 2]), r"data: row 2 \(line 3\): response rating: '3' is not one of the levels in clmm: family.levels \(1, 2\)"),
    (dict(levels=[1, 2, 2, 3, 4, 5]), "clmm: family.levels: '2' appears twice"),
    (dict(thresholds="equidistant", formula="contact ~ temp + (1 | judge)", levels=["no", "yes"]),
     "clmm: family: equidistant thresholds need a response with at least 3 levels"),
    (dict(formula="rating ~ 0 + temp + (1 | judge)"), "clmm: formula: the family's parameters take the intercept's place"),
])
def test_bad_arguments_are_one_line_input_errors(wine, kwargs, message):
    kwargs = dict(kwargs)
    formula = kwargs.pop("formula", "rating ~ temp + (1 | judge)")
    with pytest.raises(weft.InputError, match=message):
        weft.clmm(formula, data=wine.assign(rating=wine["rating"].astype(int)), **kwargs)
