"""The Python module and `weft fit` give the same numbers for the same model: the whole result
document (fixef, se, random, ranef, loglik, aic, bic, family parameters, zero model, ...) is
equal apart from time_seconds; the text summary is the same text; predictions equal
`weft predict`'s."""
import numpy as np
import pandas as pd
import pytest

import weft
from conftest import case_data, read_csv, run_cli_fit, run_cli_predict, without, DATA_DIR


def owls_with_log():
    owls = read_csv(DATA_DIR / "owls.csv")
    owls["log_brood"] = np.log(owls["BroodSize"])
    return owls


CASES = {
    # name: (data, glmer arguments, the same model as YAML)
    "cbpp_groups_weights": (
        lambda: read_csv(DATA_DIR / "cbpp.csv"),
        dict(formula="incidence / size ~ factor(period)", family="binomial", groups="herd", weights="size"),
        dict(formula="incidence / size ~ factor(period)", family="binomial", groups="herd", weights="size")),
    "cbpp_cbind_random": (
        lambda: read_csv(DATA_DIR / "cbpp.csv"),
        dict(formula="cbind(incidence, size - incidence) ~ factor(period)", random=["(1 | herd)"]),
        dict(formula="cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", family="binomial")),
    "cbpp_bobyqa": (
        lambda: read_csv(DATA_DIR / "cbpp.csv"),
        dict(formula="incidence / size ~ factor(period)", groups="herd", weights="size", optimizer="bobyqa"),
        dict(formula="incidence / size ~ factor(period)", family="binomial", groups="herd", weights="size",
             optimizer="bobyqa")),
    "cbpp_agq25": (
        lambda: read_csv(DATA_DIR / "cbpp.csv"),
        dict(formula="incidence / size ~ factor(period)", groups="herd", weights="size", nAGQ=25),
        dict(formula="incidence / size ~ factor(period)", family="binomial", groups="herd", weights="size",
             integrator={"name": "agq", "points": 25})),
    "cbpp_probit_observed": (
        lambda: read_csv(DATA_DIR / "cbpp.csv"),
        dict(formula="incidence / size ~ factor(period)", family=weft.BinomialFamily(link="probit"),
             groups="herd", weights="size", hessian="observed"),
        dict(formula="incidence / size ~ factor(period)", family="binomial", link="probit", groups="herd",
             weights="size", integrator={"name": "laplace", "hessian": "observed"})),
    "grouseticks": (
        lambda: read_csv(DATA_DIR / "grouseticks.csv"),
        dict(formula="TICKS ~ factor(YEAR) + cHEIGHT", family="poisson", groups=["BROOD", "INDEX", "LOCATION"]),
        dict(formula="TICKS ~ factor(YEAR) + cHEIGHT", family="poisson", groups=["BROOD", "INDEX", "LOCATION"])),
    "owls_nb2_theta2": (
        lambda: read_csv(DATA_DIR / "owls.csv"),
        dict(formula="SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize)) + (1 | Nest)",
             family=weft.NegativeBinomial2Family(theta=2.0)),
        dict(formula="SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize)) + (1 | Nest)",
             family={"name": "nb2", "theta": 2.0})),
    "owls_nb2_offset_column": (
        owls_with_log,
        dict(formula="SiblingNegotiation ~ FoodTreatment * SexParent", family=weft.Family("nb2"),
             groups="Nest", offset="log_brood"),
        dict(formula="SiblingNegotiation ~ FoodTreatment * SexParent", family="nb2", groups="Nest",
             offset="log_brood")),
    "salamanders_zip": (
        lambda: read_csv(DATA_DIR / "salamanders.csv"),
        dict(formula="count ~ spp + mined + (1 | site)", zi="~ spp + mined",
             family=weft.ZeroInflatedPoissonFamily(), hessian="observed"),
        dict(formula="count ~ spp + mined + (1 | site)", zi="~ spp + mined", family="zip",
             integrator={"name": "laplace", "hessian": "observed"})),
    "salamanders_hurdle": (
        lambda: read_csv(DATA_DIR / "salamanders.csv"),
        dict(formula="count ~ spp + mined + (1 | site)", zi="spp + mined",
             family=weft.HurdlePoissonFamily(), hessian="observed"),
        dict(formula="count ~ spp + mined + (1 | site)", zi="~ spp + mined", family="hurdle_poisson",
             integrator={"name": "laplace", "hessian": "observed"})),
    "slopes_correlated": (
        lambda: case_data("slopes_correlated"),
        dict(formula="y ~ x + (1 + x | g)", family="poisson"),
        dict(formula="y ~ x + (1 + x | g)", family="poisson")),
    "nested": (
        lambda: case_data("nested"),
        dict(formula="y ~ x", family="poisson", random="(1 | a/b)"),
        dict(formula="y ~ x + (1 | a/b)", family="poisson")),
    "factor_interactions": (
        lambda: case_data("factor_interactions"),
        dict(formula="y ~ f1 * x + f2", family="poisson", groups="g"),
        dict(formula="y ~ f1 * x + f2", family="poisson", groups="g")),
    "zip_random_slope": (
        lambda: case_data("zip_random_slope"),
        dict(formula="y ~ x + (1 + x | g)", zi="~ z", family="zip", hessian="observed"),
        dict(formula="y ~ x + (1 + x | g)", zi="~ z", family="zip",
             integrator={"name": "laplace", "hessian": "observed"})),
}

# every family class against the reference cases' models (tests/reference/cases/<name>)
for _name, _family, _yaml_family, _extra in [
        ("gamma_log", weft.GammaFamily(link="log"), {"family": "gamma", "link": "log"}, {}),
        ("beta", weft.BetaFamily(), {"family": "beta"}, {}),
        ("nb1", weft.NegativeBinomial1Family(), {"family": "nb1"}, {}),
        ("zoib", weft.ZeroOneInflatedBetaFamily(), {"family": "zoib"}, {}),
        ("hurdle_nb2", weft.HurdleNegativeBinomial2Family(), {"family": "hurdle_nb2"}, {"zi": "~ z"}),
        ("zinb2", weft.ZeroInflatedNegativeBinomial2Family(), {"family": "zinb2"}, {"zi": "~ z"}),
        ("nb2_fixed_theta", weft.NegativeBinomial2Family(theta=2), {"family": {"name": "nb2", "theta": 2}}, {})]:
    _hessian = {} if _name == "nb2_fixed_theta" else {"hessian": "observed"}
    _integrator = {} if _name == "nb2_fixed_theta" else {"integrator": {"name": "laplace", "hessian": "observed"}}
    CASES["family_" + _name] = (
        (lambda n=_name: case_data(n)),
        dict(formula="y ~ x + (1 | g)", family=_family, **_extra, **_hessian),
        dict(formula="y ~ x + (1 | g)", **_yaml_family, **_extra, **_integrator))


@pytest.mark.parametrize("name", list(CASES))
def test_result_document_equals_cli(name, cli, tmp_path):
    make_data, arguments, config = CASES[name]
    data = make_data()
    arguments = dict(arguments)
    result = weft.glmer(arguments.pop("formula"), data, **arguments)
    run = run_cli_fit(cli, tmp_path, config, data)
    assert run.returncode == (0 if result.converged else 3), run.stderr
    expected = run.document
    got = result.to_dict()
    assert without(got, "time_seconds") == without(expected, "time_seconds")
    # and the attributes read from it
    assert result.fe_params.to_dict() == expected["fixef"]
    assert result.bse.to_dict() == expected["se"]
    assert result.zi_fe_params.to_dict() == expected["zi_fixef"]
    assert result.llf == expected["loglik"] and result.aic == expected["aic"] and result.bic == expected["bic"]
    assert result.deviance == expected["deviance"] and result.nobs == expected["nobs"]
    assert result.family_parameters == expected["family_parameters"]
    for group, block in expected["ranef"].items():
        frame = result.random_effects[group]
        assert list(frame.index) == block["levels"] and list(frame.columns) == block["terms"]
        assert frame.values.tolist() == block["values"]


def test_summary_equals_cli_text(cli, tmp_path):
    data = read_csv(DATA_DIR / "cbpp.csv")
    result = weft.glmer("incidence / size ~ factor(period)", data, groups="herd", weights="size")
    run = run_cli_fit(cli, tmp_path, dict(formula="incidence / size ~ factor(period)", family="binomial",
                                          groups="herd", weights="size"), data, fmt="text")
    assert run.returncode == 0
    assert result.summary() == run.stdout
    assert str(result) == run.stdout


def test_array_weights_equal_weights_column(cli, tmp_path):
    data = read_csv(DATA_DIR / "cbpp.csv")
    result = weft.glmer("incidence / size ~ factor(period)", data, groups="herd", weights=data["size"].values)
    run = run_cli_fit(cli, tmp_path, dict(formula="incidence / size ~ factor(period)", family="binomial",
                                          groups="herd", weights="size"), data)
    # the model block names the hidden column "(weights)" instead of "size"; all numbers agree
    assert without(result.to_dict(), "time_seconds", "model") == without(run.document, "time_seconds", "model")


def test_offset_array_equals_offset_column(cli, tmp_path):
    owls = owls_with_log()
    result = weft.glmer("SiblingNegotiation ~ FoodTreatment * SexParent", owls, family="poisson",
                        groups="Nest", offset=owls["log_brood"].to_numpy())
    run = run_cli_fit(cli, tmp_path, dict(formula="SiblingNegotiation ~ FoodTreatment * SexParent",
                                          family="poisson", groups="Nest", offset="log_brood"), owls)
    assert without(result.to_dict(), "time_seconds", "model") == without(run.document, "time_seconds", "model")


@pytest.mark.parametrize("kind,population", [("response", False), ("link", False), ("response", True),
                                             ("link", True)])
def test_predict_equals_cli(kind, population, cli, tmp_path, cbpp_newdata):
    data = read_csv(DATA_DIR / "cbpp.csv")
    result = weft.glmer("incidence / size ~ factor(period)", data, groups="herd", weights="size")
    expected = run_cli_predict(cli, tmp_path, result.to_json(), cbpp_newdata, kind, population)
    got = result.predict(cbpp_newdata, type=kind, include_re=not population)
    np.testing.assert_array_equal(got, expected)


def test_predict_zip_equals_cli(cli, tmp_path, salamanders):
    result = weft.glmer("count ~ spp + mined + (1 | site)", salamanders, family="zip", zi="~ spp + mined")
    newdata = salamanders.iloc[::37].copy()
    newdata.loc[newdata.index[0], "site"] = "never-seen"
    for kind in ("response", "link"):
        expected = run_cli_predict(cli, tmp_path, result.to_json(), newdata, kind)
        np.testing.assert_array_equal(result.predict(newdata, type=kind), expected)


def test_to_json_file_is_a_cli_result(cli, tmp_path, cbpp_newdata):
    data = read_csv(DATA_DIR / "cbpp.csv")
    result = weft.glmer("incidence / size ~ factor(period)", data, groups="herd", weights="size")
    text = result.to_json(tmp_path / "fit.json")
    assert (tmp_path / "fit.json").read_text() == text
    expected = run_cli_predict(cli, tmp_path, text, cbpp_newdata)
    np.testing.assert_array_equal(result.predict(cbpp_newdata), expected)
