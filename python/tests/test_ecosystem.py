"""Issue 17 from Python: na_action, conditional SDs (lme4's condVar), pandas Categorical level
order, and the plots (PNG files that exist and are not trivial)."""
import json

import numpy as np
import pandas as pd
import pytest

import weft
from conftest import SOURCE_DIR, read_csv

REFERENCE_DIR = SOURCE_DIR / "tests" / "reference"


def test_na_action_omit_equals_the_fit_on_complete_rows():
    data = read_csv(REFERENCE_DIR / "formula" / "na_omit" / "data.csv")
    formula = "y ~ x + z + f + (1 | g)"
    omitted = weft.fit(formula, data, na_action="omit")
    complete = weft.fit(formula, data.dropna(subset=["y", "x", "z", "f", "g"]))
    expected = json.loads((REFERENCE_DIR / "formula" / "na_omit" / "expected.json").read_text())
    assert omitted.nobs == expected["nobs"] == complete.nobs
    assert omitted.n_omitted == len(data) - complete.nobs > 0
    np.testing.assert_allclose(omitted.fe_params, complete.fe_params, rtol=1e-8, atol=1e-10)
    assert omitted.llf == pytest.approx(complete.llf, rel=1e-10)
    assert "deleted due to missingness" in omitted.summary()
    with pytest.raises(weft.InputError, match="missing value"):
        weft.fit(formula, data)
    with pytest.raises(weft.InputError, match="na_action"):
        weft.fit(formula, data, na_action="drop")


def test_predict_gives_missing_values_for_rows_with_missing_values():
    data = read_csv(REFERENCE_DIR / "formula" / "na_omit" / "data.csv")
    result = weft.fit("y ~ x + z + f + (1 | g)", data, na_action="omit")
    newdata = data.head(12)
    predicted = result.predict(newdata)
    incomplete = newdata[["x", "z", "f", "g"]].isna().any(axis=1).to_numpy()
    assert incomplete.any() and (~incomplete).any()
    assert np.isnan(predicted[incomplete]).all()
    assert np.isfinite(predicted[~incomplete]).all()


def test_conditional_sds_match_lme4_condvar():
    case = REFERENCE_DIR / "condvar" / "sleepstudy_slopes"
    expected = json.loads((case / "expected.json").read_text())["ranef"]["Subject"]
    result = weft.fit("Reaction ~ Days + (Days | Subject)", read_csv(case / "data.csv"))
    sd = result.random_effects_sd["Subject"]
    assert list(sd.columns) == ["(Intercept)", "Days"]
    np.testing.assert_allclose(sd.to_numpy(), np.array(expected["condsd"]), rtol=0.02)


def test_categorical_order_sets_the_reference_level():
    data = read_csv(REFERENCE_DIR / "formula" / "na_omit" / "data.csv").dropna(subset=["y", "x", "z", "f", "g"])
    levels = sorted(data["f"].unique())
    reordered = data.assign(f=pd.Categorical(data["f"], categories=levels[::-1]))
    by_text = weft.fit("y ~ x + f + (1 | g)", data)
    by_category = weft.fit("y ~ x + f + (1 | g)", reordered)
    assert [n for n in by_category.fe_params.index if n.startswith("f")] == ["f" + l for l in levels[::-1][1:]]
    assert [n for n in by_text.fe_params.index if n.startswith("f")] == ["f" + l for l in levels[1:]]
    # the same model, other coding: same likelihood and fitted values
    assert by_category.llf == pytest.approx(by_text.llf, rel=1e-8)
    np.testing.assert_allclose(by_category.fittedvalues, by_text.fittedvalues, rtol=1e-6)


def test_plots_write_non_trivial_pngs(tmp_path):
    pytest.importorskip("matplotlib")
    case = REFERENCE_DIR / "condvar" / "sleepstudy_slopes"
    result = weft.fit("Reaction ~ Days + (Days | Subject)", read_csv(case / "data.csv"))
    for name, figure in (("ranef", result.plot_ranef()), ("residuals", result.plot_residuals())):
        path = tmp_path / f"{name}.png"
        figure.savefig(path, dpi=80)
        assert path.stat().st_size > 10_000, name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
