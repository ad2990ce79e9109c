"""weft.anova against lme4's anova() of nested models: the references in tests/reference/anova/
(made by tests/reference/R/make_anova.R), the tolerances of tests/reference/check_anova.py."""
import json

import numpy as np
import pytest

import weft
from conftest import SOURCE_DIR, read_csv

REFERENCE_DIR = SOURCE_DIR / "tests" / "reference"


def expected(case):
    return json.loads((REFERENCE_DIR / "anova" / case / "expected_anova.json").read_text())


def check(table, ref):
    assert list(table.index) == [row["name"] for row in ref["rows"]]
    for row in ref["rows"]:
        got = table.loc[row["name"]]
        assert got["npar"] == row["npar"]
        for column in ("AIC", "BIC", "logLik", "deviance"):
            assert got[column] == pytest.approx(row[column], abs=1e-3), (row["name"], column)
        if row["Df"] is None:
            assert np.isnan(got["Chisq"]) and np.isnan(got["Df"]) and np.isnan(got["Pr(>Chisq)"])
            continue
        assert got["Df"] == row["Df"]
        assert got["Chisq"] == pytest.approx(row["Chisq"], abs=1e-3, rel=1e-4)
        assert got["Pr(>Chisq)"] == pytest.approx(row["Pr(>Chisq)"], abs=1e-8, rel=1e-4)


def test_sleepstudy_reml_fits_are_refitted_by_ml():
    sleep = read_csv(REFERENCE_DIR / "confint" / "sleepstudy_ml" / "data.csv", dtype={"Subject": str})
    m1 = weft.fit("Reaction ~ Days", data=sleep, random=["(1 | Subject)"])
    m2 = weft.fit("Reaction ~ Days", data=sleep, random=["(Days | Subject)"])
    assert m1.criterion == "REML"
    check(weft.anova(m2=m2, m1=m1), expected("sleepstudy"))
    assert list(weft.anova(m1, m2).index) == ["m1", "m2"]


def test_cbpp_binomial():
    cbpp = read_csv(REFERENCE_DIR / "confint" / "cbpp" / "data.csv", dtype={"herd": str})
    g0 = weft.glmer("cbind(incidence, size - incidence) ~ 1 + (1 | herd)", data=cbpp)
    g1 = weft.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", data=cbpp)
    check(weft.anova(g0=g0, g1=g1), expected("cbpp"))


def test_different_observations_are_refused():
    cbpp = read_csv(REFERENCE_DIR / "confint" / "cbpp" / "data.csv", dtype={"herd": str})
    g0 = weft.glmer("cbind(incidence, size - incidence) ~ 1 + (1 | herd)", data=cbpp.iloc[:40])
    g1 = weft.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", data=cbpp)
    with pytest.raises(weft.InputError, match="same number of observations"):
        weft.anova(g0, g1)
    with pytest.raises(weft.InputError, match="at least two"):
        weft.anova(g0)
