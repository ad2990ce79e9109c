"""A fit that did not converge warns weft.ConvergenceWarning, has converged == False and lists
the kernel's warnings; its document equals `weft fit`'s (which exits 3)."""
import warnings

import pytest

import weft
from conftest import case_data, run_cli_fit, without


def test_convergence_warning_max_evaluations(cli, tmp_path):
    data = case_data("max_evaluations")
    with pytest.warns(weft.ConvergenceWarning, match="did not converge.*max_evaluations \\(5\\)") as record:
        result = weft.glmer("y ~ x + (1 + x | g)", data, family="poisson",
                            optimizer={"name": "bobyqa", "max_evaluations": 5})
    assert issubclass(weft.ConvergenceWarning, Warning)
    assert len([w for w in record if issubclass(w.category, weft.ConvergenceWarning)]) == 1
    assert record[0].filename == __file__  # points at the caller's glmer() line
    assert result.converged is False
    assert "optimizer (bobyqa): reached max_evaluations (5)" in result.warnings
    run = run_cli_fit(cli, tmp_path, dict(formula="y ~ x + (1 + x | g)", family="poisson",
                                          optimizer={"name": "bobyqa", "max_evaluations": 5}), data)
    assert run.returncode == 3
    assert without(result.to_dict(), "time_seconds") == without(run.document, "time_seconds")
    assert result.warnings == run.document["warnings"]
    assert "NOT converged" in repr(result)


def test_optimizer_options_keyword():
    data = case_data("max_evaluations")
    with pytest.warns(weft.ConvergenceWarning):
        result = weft.glmer("y ~ x + (1 + x | g)", data, family="poisson", optimizer="bobyqa",
                            optimizer_options={"max_evaluations": 5})
    assert not result.converged
    with pytest.warns(weft.ConvergenceWarning):
        as_dict = weft.glmer("y ~ x + (1 + x | g)", data, family="poisson",
                             optimizer={"name": "bobyqa", "max_evaluations": 5})
    assert without(result.to_dict(), "time_seconds") == without(as_dict.to_dict(), "time_seconds")


def test_converged_fit_does_not_warn(cbpp):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = weft.glmer("incidence / size ~ period", cbpp, groups="herd", weights="size")
    assert result.converged is True and result.warnings == []


def test_convergence_warning_can_be_silenced():
    data = case_data("max_evaluations")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("ignore", weft.ConvergenceWarning)
        result = weft.glmer("y ~ x + (1 + x | g)", data, family="poisson",
                            optimizer={"name": "bobyqa", "max_evaluations": 5})
    assert not result.converged and record == []
