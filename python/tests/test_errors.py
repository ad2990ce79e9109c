"""Bad input raises weft.InputError (a ValueError) with exactly the one-line message `weft fit`
prints for the same model (the CLI runs on a YAML file named `glmer` and data named `data`,
the names the module uses in its messages)."""
import numpy as np
import pandas as pd
import pytest

import weft
from conftest import DATA_DIR, read_csv, run_cli_fit


def cbpp():
    return read_csv(DATA_DIR / "cbpp.csv")


def cbpp_changed(row, column, value):
    data = cbpp()
    data[column] = data[column].astype(object)
    data.loc[row, column] = value
    return data


def grouse_with_nan():
    data = read_csv(DATA_DIR / "grouseticks.csv")
    data.loc[6, "cHEIGHT"] = np.nan
    return data


def counts_with_negative():
    data = read_csv(DATA_DIR / "grouseticks.csv")
    data.loc[3, "TICKS"] = -1
    return data


P = "incidence / size ~ factor(period)"
CASES = {
    "unknown_family": (cbpp, dict(formula=P, family="binomal", groups="herd", weights="size"),
                       dict(formula=P, family="binomal", groups="herd", weights="size")),
    "unknown_third_party_family": (cbpp, dict(formula=P, family=weft.Family("my_family"), groups="herd"),
                                   dict(formula=P, family="my_family", groups="herd")),
    "missing_group_column": (cbpp, dict(formula=P, groups="farm", weights="size"),
                             dict(formula=P, family="binomial", groups="farm", weights="size")),
    "missing_formula_column": (cbpp, dict(formula="incidence / size ~ factor(perod)", groups="herd"),
                               dict(formula="incidence / size ~ factor(perod)", family="binomial", groups="herd")),
    "formula_syntax": (cbpp, dict(formula="incidence / size ~ factor(period +", groups="herd"),
                       dict(formula="incidence / size ~ factor(period +", family="binomial", groups="herd")),
    "no_random_term": (cbpp, dict(formula=P),
                       dict(formula=P, family="binomial")),
    "successes_exceed_trials": (lambda: cbpp_changed(4, "incidence", 99), dict(formula=P, groups="herd"),
                                dict(formula=P, family="binomial", groups="herd")),
    "negative_count": (counts_with_negative, dict(formula="TICKS ~ cHEIGHT", family="poisson", groups="BROOD"),
                       dict(formula="TICKS ~ cHEIGHT", family="poisson", groups="BROOD")),
    "missing_covariate": (grouse_with_nan, dict(formula="TICKS ~ cHEIGHT", family="poisson", groups="BROOD"),
                          dict(formula="TICKS ~ cHEIGHT", family="poisson", groups="BROOD")),
    "missing_group_level": (lambda: cbpp_changed(2, "herd", None), dict(formula=P, groups="herd"),
                            dict(formula=P, family="binomial", groups="herd")),
    "negative_weights": (lambda: cbpp_changed(1, "size", -3), dict(formula="incidence ~ 1", weights="size",
                                                                  groups="herd", family="poisson"),
                         dict(formula="incidence ~ 1", weights="size", groups="herd", family="poisson")),
    "agq_two_groups": (cbpp, dict(formula=P, groups=["herd", "period"], nAGQ=5),
                       dict(formula=P, family="binomial", groups=["herd", "period"],
                            integrator={"name": "agq", "points": 5})),
    "agq_too_many_points": (cbpp, dict(formula=P, groups="herd", nAGQ=101),
                            dict(formula=P, family="binomial", groups="herd",
                                 integrator={"name": "agq", "points": 101})),
    "bad_hessian": (cbpp, dict(formula=P, groups="herd", hessian="exact"),
                    dict(formula=P, family="binomial", groups="herd",
                         integrator={"name": "laplace", "hessian": "exact"})),
    "unknown_optimizer": (cbpp, dict(formula=P, groups="herd", optimizer="nelder_mead"),
                          dict(formula=P, family="binomial", groups="herd", optimizer="nelder_mead")),
    "unknown_optimizer_option": (cbpp, dict(formula=P, groups="herd", optimizer={"name": "bobyqa", "max_evals": 5}),
                                 dict(formula=P, family="binomial", groups="herd",
                                      optimizer={"name": "bobyqa", "max_evals": 5})),
    "bad_optimizer_option": (cbpp, dict(formula=P, groups="herd", optimizer="lbfgsb",
                                        optimizer_options={"max_evaluations": 0}),
                             dict(formula=P, family="binomial", groups="herd",
                                  optimizer={"name": "lbfgsb", "max_evaluations": 0})),
    "bad_theta": (lambda: read_csv(DATA_DIR / "grouseticks.csv"),
                  dict(formula="TICKS ~ 1", family=weft.NegativeBinomial2Family(theta=-1.0), groups="BROOD"),
                  dict(formula="TICKS ~ 1", family={"name": "nb2", "theta": -1.0}, groups="BROOD")),
    "unknown_family_parameter": (lambda: read_csv(DATA_DIR / "grouseticks.csv"),
                                 dict(formula="TICKS ~ 1", family=weft.Family("nb2", theta_=2), groups="BROOD"),
                                 dict(formula="TICKS ~ 1", family={"name": "nb2", "theta_": 2}, groups="BROOD")),
    "link_not_accepted": (cbpp, dict(formula=P, family=weft.BinomialFamily(link="log"), groups="herd"),
                          dict(formula=P, family="binomial", link="log", groups="herd")),
    "zi_for_binomial": (cbpp, dict(formula=P, groups="herd", zi="~ 1"),
                        dict(formula=P, family="binomial", groups="herd", zi="~ 1")),
    "cbind_for_poisson": (cbpp, dict(formula="cbind(incidence, size - incidence) ~ 1", family="poisson",
                                     groups="herd"),
                          dict(formula="cbind(incidence, size - incidence) ~ 1", family="poisson", groups="herd")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_message_equals_cli(name, cli, tmp_path):
    make_data, arguments, config = CASES[name]
    data = make_data()
    arguments = dict(arguments)
    with pytest.raises(ValueError) as caught:
        weft.glmer(arguments.pop("formula"), data, **arguments)
    assert isinstance(caught.value, weft.InputError)
    run = run_cli_fit(cli, tmp_path, config, data)
    assert run.returncode == 2, run.stderr
    assert str(caught.value) == run.message
    assert "\n" not in str(caught.value)


# ---- arguments only Python has ---------------------------------------------------------------

@pytest.mark.parametrize("arguments,words", [
    (dict(nAGQ=0), "glmer: nAGQ: expected an integer >= 1"),
    (dict(nAGQ=2.5), "glmer: nAGQ: expected an integer >= 1"),
    (dict(nAGQ=True), "glmer: nAGQ: expected an integer >= 1"),
    (dict(family=3), "glmer: family: expected a family name"),
    (dict(family=""), "glmer: family: expected a family name"),
    (dict(family=weft.BinomialFamily(link="probit"), link="logit"), "glmer: link: 'logit' differs"),
    (dict(groups=[1]), "glmer: groups: expected a column name"),
    (dict(random=[3]), "glmer: random: expected a random-effects term"),
    (dict(optimizer=5), "glmer: optimizer: expected an optimizer name"),
    (dict(optimizer={"max_evaluations": 5}), "glmer: optimizer.name: expected an optimizer name"),
    (dict(optimizer_options=[1]), "glmer: optimizer_options: expected a dict"),
    (dict(optimizer_options={"max_evaluations": [1]}), "glmer: optimizer.max_evaluations: expected a number or text"),
    (dict(hessian=1), "glmer: hessian: expected 'expected' or 'observed'"),
    (dict(zi=3), "glmer: zi: expected a one-sided formula"),
    (dict(weights=np.ones(5)), "data: column '(weights)' has 5 values, but column 'herd' has 56"),
    (dict(offset=np.ones((56, 2))), "data: offset: expected a column name or one value per row of data"),
    (dict(weights=np.array(["a"] * 56)), "data: weights: expected numbers"),
    (dict(plugin_path=3), "glmer: plugin_path: expected a folder"),
])
def test_python_argument_errors(arguments, words):
    data = cbpp()
    arguments = {"groups": "herd", **arguments}
    with pytest.raises(weft.InputError) as caught:
        weft.glmer(P, data, **arguments)
    assert str(caught.value).startswith(words), str(caught.value)


def test_formula_must_be_text():
    with pytest.raises(ValueError, match="glmer: formula: expected a model formula"):
        weft.glmer(None, cbpp(), groups="herd")


def test_data_must_be_a_frame_or_dict():
    with pytest.raises(ValueError, match="data: expected a pandas DataFrame or a dict of arrays, got list"):
        weft.glmer(P, [1, 2, 3], groups="herd")


def test_data_with_unequal_columns():
    with pytest.raises(ValueError, match="data: column 'b' has 2 values, but column 'a' has 3"):
        weft.glmer("a ~ 1", {"a": [1, 2, 3], "b": [1, 2]}, family="poisson", groups="b")


def test_data_with_one_row():
    with pytest.raises(ValueError, match="data: has only one row; a mixed model needs at least two rows"):
        weft.glmer("a ~ 1", {"a": [1], "b": ["x"]}, family="poisson", groups="b")


def test_predict_errors(cbpp_newdata):
    result = weft.glmer(P, cbpp(), groups="herd", weights="size")
    with pytest.raises(ValueError, match="predict: type: expected 'response' or 'link', got 'prob'"):
        result.predict(cbpp_newdata, type="prob")
    with pytest.raises(ValueError, match="newdata: no column 'period'"):
        result.predict(cbpp_newdata.drop(columns="period"))
    bad = cbpp_newdata.assign(period=[1, 2, 3, 9, 4])
    with pytest.raises(ValueError, match="newdata: row 4 \\(line 5\\)"):
        result.predict(bad)
    with pytest.raises(ValueError, match="predict: offset"):
        result.predict(cbpp_newdata, offset=np.zeros(5))


def test_predict_error_equals_cli(cli, tmp_path, cbpp_newdata):
    import subprocess
    result = weft.glmer(P, cbpp(), groups="herd", weights="size")
    bad = cbpp_newdata.assign(period=[1, 2, 3, 9, 4])
    (tmp_path / "result").write_text(result.to_json())
    bad.to_csv(tmp_path / "newdata", index=False)
    completed = subprocess.run([cli, "predict", "result", "--newdata", "newdata"], cwd=tmp_path,
                               capture_output=True, text=True)
    assert completed.returncode == 2
    with pytest.raises(ValueError) as caught:
        result.predict(bad)
    assert "error: " + str(caught.value) == completed.stderr.strip()
