"""``anova()``: lme4's likelihood-ratio table of nested models (``anova(m1, m2)``; the CLI's
``weft compare``), computed from the results' log-likelihoods and parameter counts."""

import math

import numpy as np
import pandas as pd

from .model import GLMMResult, InputError

__all__ = ["anova"]

COLUMNS = ["npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)"]


def _chi_square_survival(x, df):
    """P(X > x) for X ~ chi-square with an integer number of degrees of freedom `df` > 0 (the
    closed forms of the regularised upper incomplete gamma Q(df/2, x/2))."""
    if x <= 0:
        return 1.0
    half = x / 2.0
    if df % 2 == 0:  # Q(k, h) = exp(-h) sum_{i<k} h^i / i!
        terms = (math.exp(i * math.log(half) - half - math.lgamma(i + 1)) for i in range(df // 2))
        return min(1.0, sum(terms))
    # Q(k + 1/2, h) = erfc(sqrt(h)) + exp(-h) sum_{i=1..k} h^(i - 1/2) / Gamma(i + 1/2)
    terms = (math.exp((i - 0.5) * math.log(half) - half - math.lgamma(i + 0.5)) for i in range(1, (df + 1) // 2))
    return min(1.0, math.erfc(math.sqrt(half)) + sum(terms))


def _parameter_count(result):
    # the result document has AIC = -2 logLik + 2 npar
    return int(round((result.aic + 2.0 * result.llf) / 2.0))


def anova(*models, **named_models):
    """lme4's ``anova(m1, m2, ...)`` for nested models fitted by :func:`weft.fit` or
    :func:`weft.glmer`: a DataFrame with columns npar, AIC, BIC, logLik, deviance, Chisq, Df,
    Pr(>Chisq), one row per model ordered by npar (smallest first), each row after the first
    tested against the row above (Chisq = 2 max(0, difference in logLik), Df = difference in
    npar). Rows are named m1, m2, ... in argument order, or by keyword:
    ``weft.anova(intercept=m1, slope=m2)``. REML fits are refitted by maximum likelihood first,
    as lme4's ``anova(refit = TRUE)``. Nesting is the caller's to ensure, as in lme4 (the CLI's
    ``weft compare`` checks it); models fitted to different numbers of observations raise
    :class:`weft.InputError`."""
    entries = [("m%d" % (i + 1), m) for i, m in enumerate(models)] + list(named_models.items())
    if len(entries) < 2:
        raise InputError("anova: give at least two fitted models")
    for name, model in entries:
        if not isinstance(model, GLMMResult):
            raise InputError("anova: %s is not a result of weft.fit or weft.glmer (got %s)" % (name, type(model).__name__))
    fits = []
    for name, model in entries:
        if model.criterion == "REML":
            if model._refit_ml is None:
                raise InputError("anova: %s is a REML fit that cannot be refitted by maximum likelihood" % name)
            model = model._refit_ml()
        fits.append((name, model))
    if len({model.nobs for _, model in fits}) > 1:
        raise InputError("anova: models were not all fitted to the same number of observations (%s)"
                         % ", ".join("%s: %d" % (name, model.nobs) for name, model in fits))
    fits.sort(key=lambda entry: _parameter_count(entry[1]))  # stable: ties keep the given order
    rows, previous = [], None
    for name, model in fits:
        npar = _parameter_count(model)
        chisq = df = p = np.nan
        if previous is not None:
            chisq = 2.0 * max(0.0, model.llf - previous.llf)
            df = npar - _parameter_count(previous)
            p = _chi_square_survival(chisq, df) if df > 0 else np.nan
        rows.append([npar, model.aic, model.bic, model.llf, -2.0 * model.llf, chisq, df, p])
        previous = model
    frame = pd.DataFrame(rows, columns=COLUMNS, index=pd.Index([name for name, _ in fits]))
    return frame.astype({"npar": "int64", "Df": "float64"})
