"""``clmm()``: cumulative link mixed models for ordered responses (R's ordinal::clmm), over the
kernel's ``ordinal`` family plugin, and its result. The response's levels come from a pandas
ordered Categorical, an explicit ``levels=`` list, or numeric order for a numeric column."""

import numpy as np
import pandas as pd

from ._data import _text as _cell_text
from .model import (GLMMResult, InputError, _arguments, _fail, _fit, _number, _series, _text,
                    _warn_if_not_converged)

__all__ = ["clmm", "CLMMResult"]

API = "clmm"
THRESHOLDS = ("flexible", "equidistant", "symmetric")


def _response_column(formula, data):
    """The response's column when the left of `~` is a bare column name of `data`, else None."""
    lhs = formula.split("~", 1)[0].strip() if "~" in formula else ""
    if lhs.startswith("`") and lhs.endswith("`") and len(lhs) > 1:
        lhs = lhs[1:-1]
    try:
        return data[lhs] if lhs and lhs in data else None
    except (TypeError, KeyError):
        return None


def _levels(formula, data, levels):
    """The response's levels as the text weft reads them: `levels=` when given, else the
    categories of an ordered pandas Categorical response, else None (the kernel orders a
    numeric response numerically and refuses unordered text)."""
    if levels is not None:
        if isinstance(levels, (str, bytes)) or not hasattr(levels, "__iter__"):
            _fail("levels", f"expected a list of the response's levels in their order, got {levels!r:.60}")
        items = list(levels)
        if not items:
            _fail("levels", "expected a list of the response's levels in their order, got an empty list")
        return [_cell_text(v) for v in items]
    column = _response_column(formula, data) if isinstance(formula, str) else None
    if column is None:
        return None
    dtype = getattr(column, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        return [_cell_text(v) for v in dtype.categories]
    return None


@_arguments(API)
def clmm(formula, data, groups=None, random=None, link="logit", nAGQ=1, thresholds="flexible", levels=None,
         weights=None, offset=None, optimizer="lbfgsb", optimizer_options=None, plugin_path=None):
    """Fits a cumulative link mixed model (R's ``ordinal::clmm``):
    P(Y <= j) = F(theta_j - eta), eta = x'beta + z'u without an intercept (the thresholds
    theta_j take its place), F the inverse link.

    formula    ``"rating ~ temp + contact + (1 | judge)"`` (lme4 syntax; the response is a
               column with ordered levels)
    data       a pandas DataFrame or a dict of equally long arrays
    groups     ``"judge"`` or a list: a random intercept ``(1 | name)`` for each
    random     ``["(1 | judge)"]``: terms appended to the formula
    link       ``"logit"`` (default), ``"probit"``, ``"cloglog"``, ``"loglog"``, ``"cauchit"``
    nAGQ       1: Laplace; n > 1: adaptive Gauss-Hermite with n points (one random intercept)
    thresholds ``"flexible"`` (default), ``"equidistant"`` or ``"symmetric"``
    levels     the response's levels in their order; by default those of an ordered pandas
               Categorical, or numeric order for numbers. Levels that never occur are dropped,
               as ordinal does; a text response without an order is an InputError.
    weights, offset, optimizer, optimizer_options, plugin_path  as in ``glmer``

    Returns a :class:`CLMMResult`. Laplace uses the observed Hessian, as clmm.
    """
    if not isinstance(thresholds, str) or thresholds not in THRESHOLDS:
        _fail("thresholds", f"expected one of {', '.join(THRESHOLDS)}, got {thresholds!r:.60}")
    link = _text("link", link, "a link name (logit, probit, cloglog, loglog or cauchit)")
    order = _levels(formula, data, levels)
    fit, columns, array_offset = _fit(API, formula, data, "ordinal", {"thresholds": thresholds},
                                      {"levels": order} if order is not None else {}, link=link, groups=groups,
                                      random=random, weights=weights, offset=offset, nAGQ=nAGQ,
                                      optimizer=optimizer, optimizer_options=optimizer_options,
                                      plugin_path=plugin_path)
    result = CLMMResult(fit, columns, array_offset)
    _warn_if_not_converged(result)
    return result


class CLMMResult(GLMMResult):
    """A fitted cumulative link mixed model: everything a :class:`GLMMResult` has, and

    thresholds      Series: the thresholds "1|2", "2|3", ... (for equidistant and symmetric
                    structures those their parameters imply; ``family_parameters`` holds
                    clmm's own parameters: threshold.1 and spacing, central and spacing.k)
    threshold_bse   their standard errors (delta method)
    levels          the response's levels, in order
    """

    def __init__(self, fit, columns, array_offset=False):
        super().__init__(fit, columns, array_offset)
        d = self._doc
        self.thresholds = _series(d["derived_parameters"], "thresholds")
        self.threshold_bse = _series(d["derived_parameters_se"], "threshold_bse")
        self.levels = list(d["response_levels"])

    def predict(self, newdata=None, type="response", include_re=True, offset=None):
        """``type="response"``: a DataFrame with the probability of each level (one column per
        level) and ``class``, the most probable level (an ordered Categorical);
        ``type="class"``: that Categorical alone (a Series); ``type="link"``: eta = x'beta +
        z'u (numpy array; the thresholds are not in it). ``include_re=False`` sets the random
        effects to zero; group levels not seen in fitting get zero."""
        if type not in ("response", "link", "class"):
            raise InputError(f"predict: type: expected 'response', 'link' or 'class', got {type!r:.60}")
        columns, values, classes = self._predict_table(newdata, type == "link", include_re, offset)
        if type == "link":
            return values[:, 0]
        most_probable = pd.Categorical(classes, categories=self.levels, ordered=True)
        if type == "class":
            return pd.Series(most_probable, name="class")
        frame = pd.DataFrame(np.asarray(values), columns=list(columns))
        frame["class"] = most_probable
        return frame

    def __repr__(self):
        state = "converged" if self.converged else "NOT converged"
        return (f"<weft.CLMMResult ordinal({self.link}), {len(self.levels)} levels, nobs={self.nobs}, "
                f"loglik={_number(self.llf):.4f}, {state}>")
