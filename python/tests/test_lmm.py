"""weft.fit (linear mixed models, issue 13) against lmer: the R-made references in
tests/reference/lmm/ (made by tests/reference/R/cases_lmm.R), with the parity tolerances;
the same numbers as `weft fit`; the LMM quickstart runs."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import weft
from conftest import EXAMPLES_DIR, SOURCE_DIR, read_csv

LMM_DIR = SOURCE_DIR / "tests" / "reference" / "lmm"


def reference(case):
    return json.loads((LMM_DIR / case / "expected.json").read_text())


def data(case):
    return read_csv(LMM_DIR / case / "data.csv", dtype={"Subject": str, "Batch": str})


def check(result, ref):
    assert result.converged and result.criterion == ref["criterion"]
    for name, value in ref["fixef"].items():
        assert abs(result.fe_params[name] - value) <= 2e-3 * max(1.0, abs(value)), name
    for name, value in ref["se"].items():
        assert abs(result.bse[name] - value) <= 0.02 * abs(value), name
    assert abs(result.sigma - ref["family_parameters"]["sigma"]) <= 0.02 * ref["family_parameters"]["sigma"]
    assert result.scale == pytest.approx(result.sigma ** 2)
    assert ref["loglik"] - 2e-3 <= result.llf <= ref["loglik"] + 1e-3
    assert abs(result.aic - ref["aic"]) < 0.02 and abs(result.bic - ref["bic"]) < 0.02


def test_sleepstudy_reml_is_lmers_default():
    result = weft.fit("Reaction ~ Days", data=data("sleepstudy_reml"), random=["(Days | Subject)"])
    ref = reference("sleepstudy_reml")
    check(result, ref)
    vc = result.variance_components
    assert list(vc["grp"]) == ["Subject", "Subject", "Subject", "Residual"]
    assert vc["sdcor"].iloc[0] == pytest.approx(ref["random"][0]["sd"][0], rel=3e-3)
    assert vc["sdcor"].iloc[3] == pytest.approx(ref["family_parameters"]["sigma"], rel=3e-3)
    modes = result.random_effects["Subject"]
    np.testing.assert_allclose(modes.iloc[:5].values, ref["info"]["ranef"]["Subject"]["values"], rtol=2e-3, atol=1e-2)
    assert "REML criterion at convergence" in result.summary() and "t value" in result.summary()


def test_sleepstudy_ml_and_uncorrelated():
    d = data("sleepstudy_ml")
    check(weft.fit("Reaction ~ Days", data=d, random=["(Days | Subject)"], reml=False), reference("sleepstudy_ml"))
    check(weft.fit("Reaction ~ Days + (Days || Subject)", data=d), reference("sleepstudy_uncorr_reml"))


def test_dyestuff_groups_and_singular_fit():
    check(weft.fit("Yield ~ 1", data=data("dyestuff_reml"), groups="Batch"), reference("dyestuff_reml"))
    check(weft.fit("Yield ~ 1", data=data("dyestuff_ml"), groups="Batch", reml=False), reference("dyestuff_ml"))
    singular = weft.fit("Yield ~ 1", data=data("dyestuff2_singular"), groups="Batch")
    assert singular.converged and any("singular" in w for w in singular.warnings)
    assert singular.variance_components["sdcor"].iloc[0] < 1e-3


def test_precision_weights_as_array_and_column():
    d = data("weights_ml")
    by_array = weft.fit("y ~ x", data=d.drop(columns=["w"]), groups="g", weights=d["w"].values, reml=False)
    by_column = weft.fit("y ~ x", data=d, groups="g", weights="w", reml=False)
    check(by_array, reference("weights_ml"))
    assert by_array.llf == pytest.approx(by_column.llf, abs=1e-9)


def test_same_numbers_as_the_command_line(cli):
    case = LMM_DIR / "penicillin_crossed"
    completed = subprocess.run([cli, "fit", str(case / "config.yaml"), "--format", "json"], cwd=case,
                               capture_output=True, check=True)
    doc = json.loads(completed.stdout)
    result = weft.fit("diameter ~ 1 + (1 | plate) + (1 | sample)", data=data("penicillin_crossed"))
    check(result, reference("penicillin_crossed"))
    assert doc["loglik"] == pytest.approx(result.llf, abs=1e-9)
    assert doc["fixef"] == pytest.approx(result.fe_params.to_dict(), abs=1e-9)


def test_predict_new_levels_and_population():
    d = data("sleepstudy_reml")
    result = weft.fit("Reaction ~ Days", data=d, random=["(Days | Subject)"])
    b = result.random_effects["Subject"].loc["308"]
    beta = result.fe_params
    newdata = pd.DataFrame({"Days": [0.0, 5.0, 5.0], "Subject": ["308", "308", "new"]})
    expected = [beta.iloc[0] + b.iloc[0], beta.iloc[0] + b.iloc[0] + 5 * (beta.iloc[1] + b.iloc[1]),
                beta.iloc[0] + 5 * beta.iloc[1]]
    np.testing.assert_allclose(result.predict(newdata), expected, rtol=1e-12)
    np.testing.assert_allclose(result.predict(newdata, include_re=False),
                               beta.iloc[0] + newdata["Days"] * beta.iloc[1], rtol=1e-12)
    np.testing.assert_allclose(result.fittedvalues[:1], expected[:1], rtol=1e-12)


def test_glmm_reml_matches_glmmtmb():
    d = read_csv(LMM_DIR / "glmmtmb_reml_poisson" / "data.csv")
    result = weft.glmer("y ~ x + f", data=d, family="poisson", groups="g", hessian="observed", reml=True)
    ref = reference("glmmtmb_reml_poisson")
    assert result.criterion == "REML"
    assert result.llf == pytest.approx(ref["loglik"], abs=2e-3)
    for name, value in ref["se"].items():
        assert abs(result.bse[name] - value) <= 0.02 * value


def test_bad_reml_is_an_input_error():
    with pytest.raises(weft.InputError, match="reml"):
        weft.fit("Yield ~ 1", data=data("dyestuff_reml"), groups="Batch", reml="yes")


def test_lmm_quickstart_runs():
    out = subprocess.run([sys.executable, str(EXAMPLES_DIR / "lmm_quickstart.py")], capture_output=True, text=True,
                         check=True).stdout
    assert "Linear mixed model fit by REML" in out and "251.4051" in out
