"""pandas / dict data -> the kernel's cells: numbers stay numbers, strings and categoricals are
factors, integer columns keep R's integer level names, NaN is a missing value."""
import numpy as np
import pandas as pd
import pytest

import weft
from conftest import DATA_DIR, read_csv, run_cli_fit, without


def test_dict_of_arrays_equals_data_frame(cbpp_raw):
    frame = weft.glmer("incidence / size ~ factor(period)", cbpp_raw, groups="herd", weights="size")
    as_dict = weft.glmer("incidence / size ~ factor(period)", {k: cbpp_raw[k].values for k in cbpp_raw},
                         groups="herd", weights="size")
    as_lists = weft.glmer("incidence / size ~ factor(period)", {k: cbpp_raw[k].tolist() for k in cbpp_raw},
                          groups="herd", weights="size")
    for other in (as_dict, as_lists):
        assert without(other.to_dict(), "time_seconds") == without(frame.to_dict(), "time_seconds")


def test_string_and_categorical_columns_are_factors(cbpp_raw):
    numeric = weft.glmer("incidence / size ~ factor(period)", cbpp_raw, groups="herd", weights="size")
    as_text = cbpp_raw.assign(period=cbpp_raw["period"].astype(str))
    as_category = cbpp_raw.assign(period=pd.Categorical(cbpp_raw["period"]))
    for data in (as_text, as_category):
        result = weft.glmer("incidence / size ~ period", data, groups="herd", weights="size")
        assert list(result.fe_params.index) == ["(Intercept)", "period2", "period3", "period4"]
        np.testing.assert_array_equal(result.fe_params.values, numeric.fe_params.values)


def test_text_levels_sort_as_text_and_integer_levels_as_numbers(cbpp_raw):
    by_number = weft.glmer("incidence / size ~ factor(period)", cbpp_raw, groups="herd", weights="size")
    assert list(by_number.random_effects["herd"].index) == [str(k) for k in range(1, 16)]
    by_text = weft.glmer("incidence / size ~ factor(period)", cbpp_raw.assign(herd=cbpp_raw["herd"].astype(str)),
                         groups="herd", weights="size")
    assert list(by_text.random_effects["herd"].index) == sorted(str(k) for k in range(1, 16))
    assert by_text.llf == pytest.approx(by_number.llf, rel=1e-10)


def test_level_names_as_r_writes_them(cbpp_raw):
    # an integer column: 100000; a float column: 1e+05 (R's as.character of a double)
    big = cbpp_raw.assign(herd=cbpp_raw["herd"] * 100000)
    as_int = weft.glmer("incidence / size ~ factor(period)", big, groups="herd", weights="size")
    assert as_int.random_effects["herd"].index[0] == "100000"
    as_float = weft.glmer("incidence / size ~ factor(period)", big.assign(herd=big["herd"].astype(float)),
                          groups="herd", weights="size")
    assert as_float.random_effects["herd"].index[0] == "1e+05"
    nullable = weft.glmer("incidence / size ~ factor(period)", big.assign(herd=big["herd"].astype("Int64")),
                          groups="herd", weights="size")
    assert nullable.random_effects["herd"].index[0] == "100000"


def test_boolean_columns_are_logical_factors(cbpp_raw):
    data = cbpp_raw.assign(late=cbpp_raw["period"] > 2)
    result = weft.glmer("incidence / size ~ late", data, groups="herd", weights="size")
    assert list(result.fe_params.index) == ["(Intercept)", "lateTRUE"]


def test_missing_values_are_errors_as_in_the_cli(cli, tmp_path, cbpp_raw):
    for column, value in (("size", np.nan), ("herd", None)):
        data = cbpp_raw.copy()
        data[column] = data[column].astype(float if value is not None else object)
        data.loc[5, column] = value
        with pytest.raises(ValueError) as caught:
            weft.glmer("incidence / size ~ factor(period)", data, groups="herd", weights="size")
        run = run_cli_fit(cli, tmp_path / column, dict(formula="incidence / size ~ factor(period)",
                                                       family="binomial", groups="herd", weights="size"), data)
        assert run.returncode == 2 and str(caught.value) == run.message
        assert "row 6 (line 7)" in str(caught.value)


def test_infinite_values_are_errors(cbpp_raw):
    data = cbpp_raw.assign(x=np.where(np.arange(len(cbpp_raw)) == 3, np.inf, 1.0))
    with pytest.raises(ValueError, match="data: row 4 \\(line 5\\), column 'x': expected a number, got 'Inf'"):
        weft.glmer("incidence / size ~ x", data, groups="herd", weights="size")


def test_index_is_ignored(cbpp_raw):
    shuffled_index = cbpp_raw.set_index(np.arange(len(cbpp_raw))[::-1] * 7)
    a = weft.glmer("incidence / size ~ factor(period)", cbpp_raw, groups="herd", weights="size")
    b = weft.glmer("incidence / size ~ factor(period)", shuffled_index, groups="herd", weights="size")
    assert a.llf == b.llf


def test_weights_from_series_and_list(cbpp_raw):
    a = weft.glmer("incidence / size ~ factor(period)", cbpp_raw, groups="herd", weights="size")
    b = weft.glmer("incidence / size ~ factor(period)", cbpp_raw, groups="herd", weights=cbpp_raw["size"])
    c = weft.glmer("incidence / size ~ factor(period)", cbpp_raw, groups="herd", weights=cbpp_raw["size"].tolist())
    assert a.llf == b.llf == c.llf


def test_family_objects():
    assert weft.NegativeBinomial2Family(theta=2.0) == weft.Family("nb2", theta=2.0)
    assert weft.NegativeBinomial2Family().parameters == {}
    assert weft.BinomialFamily(link="probit").link == "probit"
    assert repr(weft.NegativeBinomial2Family(theta=2.0)) == "NegativeBinomial2Family(theta=2.0)"
    assert repr(weft.Family("my_family", k=3)) == "Family('my_family', k=3)"
    names = {weft.ZeroInflatedPoissonFamily().name, weft.HurdlePoissonFamily().name,
             weft.HurdleNegativeBinomial2Family().name, weft.ZeroInflatedNegativeBinomial2Family().name}
    assert names == {"zip", "hurdle_poisson", "hurdle_nb2", "zinb2"}


def test_plugins_are_found():
    found = weft.plugins()
    usable = found[found["problem"] == ""]
    families = set(usable[usable["kind"] == "family"]["name"])
    assert {"binomial", "poisson", "nb2", "zip", "zinb2", "hurdle_poisson", "hurdle_nb2"} <= families
    assert {"laplace", "agq"} <= set(usable[usable["kind"] == "integrator"]["name"])
    assert {"lbfgsb", "bobyqa"} <= set(usable[usable["kind"] == "optimizer"]["name"])


def test_plugin_path_environment_is_searched(tmp_path, monkeypatch):
    monkeypatch.setenv("WEFT_PLUGIN_PATH", str(tmp_path))
    from weft import _weft
    assert _weft.plugin_directories([])[0] == str(tmp_path)
    assert _weft.plugin_directories(["first"])[:2] == ["first", str(tmp_path)]


def test_input_error_is_a_value_error():
    assert issubclass(weft.InputError, ValueError)
    assert weft.__version__
