"""``glmer()`` and its result: keyword arguments -> the kernel's model spec, its result
document -> pandas objects. Every number comes from the compiled kernel (``weft._weft``)."""

import copy
import functools
import json
import numbers
import warnings

import numpy as np
import pandas as pd

from . import _weft
from ._data import extra_column, to_columns
from .families import Family

__all__ = ["fit", "glmer", "LMMResult", "GLMMResult", "ConvergenceWarning", "InputError", "plugins"]

InputError = _weft.InputError  # a ValueError: a problem with the model or data the user can fix

CONFIG_NAME = "glmer"      # names the arguments in messages, as the model YAML's file name does
DATA_NAME = "data"         # names the data in messages ("data: no column 'farm' ...")
NEWDATA_NAME = "newdata"
WEIGHTS_COLUMN = "(weights)"  # weights=/offset= given as arrays: hidden columns, as R's model.frame
OFFSET_COLUMN = "(offset)"


class ConvergenceWarning(UserWarning):
    """The optimizer stopped before the convergence checks passed (``converged`` is False)."""


class _ArgumentError(Exception):
    """A bad argument, raised by the helpers below; the public function that was called turns
    it into InputError("<function>: <key>: <what>") (see _arguments)."""


def _fail(key, what):
    raise _ArgumentError(f"{key}: {what}")


def _arguments(api):
    """Decorator: argument errors of the function are InputErrors named after `api` ("glmer"),
    as the model YAML's file name names them for `weft fit`."""
    def decorate(function):
        @functools.wraps(function)
        def checked(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except _ArgumentError as e:
                raise InputError(f"{api}: {e}") from None
        return checked
    return decorate


def _option_text(key, value):
    """A plugin option or family parameter as the text the kernel parses (as YAML scalars)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, str):
        return value
    _fail(key, f"expected a number or text, got {value!r:.60}")


def _options(section, mapping):
    return {str(k): _option_text(f"{section}.{k}", v) for k, v in mapping.items()}


def _text(key, value, expected, required=True):
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        _fail(key, f"expected {expected}, got {value!r:.60}")
    return value


def _names(key, value, expected):
    """One name or a list of names (groups=, random=, plugin_path=)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    try:
        items = list(items)
    except TypeError:
        _fail(key, f"expected {expected}, got {value!r:.60}")
    for item in items:
        _text(key, item, expected)
    return [str(item) for item in items]


def _family(family, link):
    if isinstance(family, Family):
        name, parameters, family_link = family.name, family.parameters, family.link
    elif isinstance(family, str) and family.strip():
        name, parameters, family_link = family, {}, None
    else:
        _fail("family", f"expected a family name (e.g. 'binomial') or a family object "
                        f"(e.g. NegativeBinomial2Family(theta=2.0)), got {family!r:.60}")
    link = _text("link", link, "a link name (e.g. 'logit')", required=False)
    if link is not None and family_link is not None and link != family_link:
        _fail("link", f"'{link}' differs from the family object's link '{family_link}'; give one of them")
    return name, _options("family", parameters), link if link is not None else family_link


def _optimizer(optimizer, optimizer_options):
    if isinstance(optimizer, dict):
        options = dict(optimizer)
        name = options.pop("name", None)
        _text("optimizer.name", name, "an optimizer name (e.g. 'lbfgsb' or 'bobyqa')")
    else:
        name = _text("optimizer", optimizer, "an optimizer name (e.g. 'lbfgsb' or 'bobyqa') or a dict "
                                             "{'name': 'bobyqa', 'max_evaluations': 20000}")
        options = {}
    if optimizer_options is not None:
        if not isinstance(optimizer_options, dict):
            _fail("optimizer_options", f"expected a dict such as {{'max_evaluations': 20000}}, got {optimizer_options!r:.60}")
        options.update(optimizer_options)
    return name, _options("optimizer", options)


def _integrator(nAGQ, hessian):
    if isinstance(nAGQ, (bool, np.bool_)) or not isinstance(nAGQ, numbers.Integral) or nAGQ < 1:
        _fail("nAGQ", f"expected an integer >= 1 (1 = Laplace, n > 1 = adaptive Gauss-Hermite "
                      f"with n points), got {nAGQ!r:.60}")
    options = {}
    if hessian is not None:
        options["hessian"] = _text("hessian", hessian, "'expected' or 'observed'")
    if int(nAGQ) == 1:
        return "laplace", options
    options["points"] = str(int(nAGQ))
    return "agq", options


def _random_terms(random):
    terms = []
    for term in _names("random", random, "a random-effects term such as '(1 | herd)' or a list of them"):
        term = term.strip()
        terms.append(term if term.startswith("(") else f"({term})")
    return terms


def _column_argument(key, value, column_name, columns):
    """weights=/offset=: a column name, or an array added as a hidden column."""
    if value is None:
        return None
    if isinstance(value, str):
        return _text(key, value, "a column name or an array")
    columns.append(extra_column(column_name, value, DATA_NAME, key))
    return column_name


def _fit(api, formula, data, family_name, family_options, family_lists=None, link=None, groups=None, random=None,
         weights=None, offset=None, nAGQ=1, hessian=None, optimizer="lbfgsb", optimizer_options=None, zi=None,
         plugin_path=None, reml=None, na_action="fail"):
    """The arguments every model function shares, checked and handed to the kernel; returns the
    compiled fit, the data's columns and whether the offset was given as an array."""
    formula = _text("formula", formula, "a model formula (e.g. 'y ~ x + (1 | g)')")
    terms = _random_terms(random)
    if terms:
        formula = " + ".join([formula] + terms)
    group_names = _names("groups", groups, "a column name or a list of column names")
    if zi is not None:
        zi = _text("zi", zi, "a one-sided formula (e.g. '~ x')")
        if not zi.lstrip().startswith("~"):
            zi = "~ " + zi
    if reml is not None and not isinstance(reml, (bool, np.bool_)):
        _fail("reml", f"expected True (REML) or False (maximum likelihood), got {reml!r:.60}")
    if na_action not in ("fail", "omit"):
        _fail("na_action", f"expected 'fail' or 'omit', got {na_action!r:.60}")
    integrator, integrator_options = _integrator(nAGQ, hessian)
    optimizer_name, optimizer_opts = _optimizer(optimizer, optimizer_options)
    dirs = _names("plugin_path", plugin_path, "a folder or a list of folders")

    columns = to_columns(data, DATA_NAME)
    weights_column = _column_argument("weights", weights, WEIGHTS_COLUMN, columns)
    offset_column = _column_argument("offset", offset, OFFSET_COLUMN, columns)

    fit = _weft.fit(columns, formula, family_name, family_options=family_options, family_lists=family_lists or {},
                    link=link, weights=weights_column, offset=offset_column, groups=group_names, zi=zi,
                    integrator=integrator, integrator_options=integrator_options,
                    optimizer=optimizer_name, optimizer_options=optimizer_opts,
                    plugin_path=dirs, config_name=api, data_name=DATA_NAME,
                    reml=None if reml is None else bool(reml), na_action=na_action)
    return fit, columns, offset_column == OFFSET_COLUMN


def _warn_if_not_converged(result):
    if not result.converged:
        detail = "; ".join(result.warnings) or "the optimizer did not reach its convergence criteria"
        warnings.warn(f"the model did not converge: {detail}", ConvergenceWarning, stacklevel=4)  # the caller of glmer()/clmm() (past the decorator)


@_arguments(CONFIG_NAME)
def glmer(formula, data, family="binomial", groups=None, random=None, weights=None, offset=None,
          nAGQ=1, optimizer="lbfgsb", link=None, zi=None, hessian=None, optimizer_options=None,
          plugin_path=None, reml=None, na_action="fail"):
    """Fits a generalised linear mixed model (lme4's ``glmer``, glmmTMB's families).

    formula   lme4 syntax: ``"incidence / size ~ period"``, ``"cbind(s, n - s) ~ x + (1 | g)"``
    data      a pandas DataFrame or a dict of equally long arrays
    family    a family name (``"binomial"``, ``"poisson"``, ``"nb2"``, ...) or object
              (``NegativeBinomial2Family(theta=2.0)``, ``Family("my_plugin", k=1)``)
    groups    ``"herd"`` or ``["site", "year"]``: a random intercept ``(1 | name)`` for each
    random    ``["(1 | herd)", "(0 + x | herd)"]``: terms appended to the formula
    weights   prior weights (binomial: trials): a column name or an array, one value per row
    offset    a column name or an array added to the linear predictor
    nAGQ      1: Laplace; n > 1: adaptive Gauss-Hermite quadrature with n points
    optimizer ``"lbfgsb"``, ``"bobyqa"`` or ``{"name": "bobyqa", "max_evaluations": 20000}``
    link      a link name the family accepts (its default otherwise)
    zi        zero-inflation / hurdle formula for zip, zinb2, hurdle_*: ``"~ spp + mined"``
    hessian   ``"expected"`` (lme4) or ``"observed"`` (glmmTMB) weights in the Laplace step
    optimizer_options  extra optimizer options, e.g. ``{"max_evaluations": 5}``
    plugin_path        extra folders searched for plugins (before ``$WEFT_PLUGIN_PATH``)
    reml      ``True``: glmmTMB's REML (the fixed effects integrated out by Laplace);
              ``None``/``False``: maximum likelihood (for ``family="gaussian"`` use :func:`fit`)
    na_action ``"fail"`` (default): a missing value in a column the model uses is an error;
              ``"omit"``: such rows are dropped (lme4's ``na.omit``), counted in ``n_omitted``

    Returns a :class:`GLMMResult`. Bad input raises :class:`weft.InputError` (a ValueError)
    with the one-line message ``weft fit`` prints; a fit that did not converge warns
    :class:`ConvergenceWarning` and has ``converged == False``. The GIL is released while
    fitting.
    """
    family_name, family_options, link = _family(family, link)
    fit, columns, array_offset = _fit(CONFIG_NAME, formula, data, family_name, family_options, link=link,
                                      groups=groups, random=random, weights=weights, offset=offset, nAGQ=nAGQ,
                                      hessian=hessian, optimizer=optimizer, optimizer_options=optimizer_options,
                                      zi=zi, plugin_path=plugin_path, reml=reml, na_action=na_action)
    result = GLMMResult(fit, columns, array_offset)
    result._refit_ml = functools.partial(
        glmer, formula, data, family=family, groups=groups, random=random, weights=weights, offset=offset, nAGQ=nAGQ,
        optimizer=optimizer, link=link, zi=zi, hessian=hessian, optimizer_options=optimizer_options,
        plugin_path=plugin_path, reml=False, na_action=na_action)
    _warn_if_not_converged(result)
    return result


@_arguments("fit")
def fit(formula, data, groups=None, random=None, reml=True, weights=None, offset=None, family="gaussian",
        link=None, optimizer="lbfgsb", optimizer_options=None, plugin_path=None, na_action="fail"):
    """Fits a linear mixed model (lme4's ``lmer``; interlace's ``fit``).

    formula   lme4 syntax: ``"Reaction ~ Days"``, ``"y ~ x + (1 + x | g)"``
    data      a pandas DataFrame or a dict of equally long arrays
    groups    ``"Subject"`` or ``["plate", "sample"]``: a random intercept ``(1 | name)`` for each
    random    ``["(Days | Subject)"]``: terms appended to the formula
    reml      ``True`` (default, as lmer): the REML criterion; ``False``: maximum likelihood
    weights   precision weights (residual variance sigma^2 / w): a column name or an array
    offset    a column name or an array added to the linear predictor
    family    ``"gaussian"`` (identity link: lmer's exact profiled likelihood); another family
              name or object fits a GLMM, where ``reml=True`` is glmmTMB's REML
    link      ``"identity"`` (default), ``"log"`` or ``"inverse"`` (glmmTMB's gaussian GLMM)
    optimizer ``"lbfgsb"``, ``"bobyqa"`` or a dict with options
    na_action ``"fail"`` (default) or ``"omit"`` (drop rows with missing values, as lme4's ``na.omit``)

    Returns an :class:`LMMResult` (statsmodels' names: ``fe_params``, ``bse``, ``scale``,
    ``llf``, ``variance_components``, ...). For the identity link beta and sigma are profiled
    out and ``bse`` is lmer's ``vcov()``, sigma^2 (RX'RX)^-1.
    """
    family_name, family_options, link = _family(family, link)
    fitted, columns, array_offset = _fit("fit", formula, data, family_name, family_options, link=link,
                                         groups=groups, random=random, weights=weights, offset=offset,
                                         optimizer=optimizer, optimizer_options=optimizer_options,
                                         plugin_path=plugin_path, reml=reml, na_action=na_action)
    result = LMMResult(fitted, columns, array_offset)
    result._refit_ml = functools.partial(
        fit, formula, data, groups=groups, random=random, reml=False, weights=weights, offset=offset, family=family,
        link=link, optimizer=optimizer, optimizer_options=optimizer_options, plugin_path=plugin_path,
        na_action=na_action)
    _warn_if_not_converged(result)
    return result


def _series(mapping, name):
    return pd.Series({k: (np.nan if v is None else float(v)) for k, v in mapping.items()},
                     dtype="float64", name=name)


def _number(value):
    return np.nan if value is None else float(value)


class GLMMResult:
    """A fitted model. Numbers are the kernel's result document (``to_json()``), the same
    document ``weft fit --format json`` writes."""

    def __init__(self, fit, columns, array_offset=False):
        self._fit = fit
        self._columns = columns          # the fitting data, for predict() without newdata
        self._array_offset = array_offset
        self._refit_ml = None            # the same model by maximum likelihood (set by fit()/glmer())
        self._doc = json.loads(fit.document())
        d = self._doc
        self.converged = bool(d["converged"])
        self.warnings = list(d["warnings"])
        self.family = d["family"]
        self.link = d["link"]
        self.nobs = int(d["nobs"])
        self.n_omitted = int(d.get("n_omitted", 0))  # rows dropped by na_action="omit"
        self.ngroups = {k: int(v) for k, v in d["ngroups"].items()}
        self.fe_params = _series(d["fixef"], "fe_params")
        self.bse = _series(d["se"], "bse")
        self.zi_fe_params = _series(d["zi_fixef"], "zi_fe_params")
        self.zi_bse = _series(d["zi_se"], "zi_bse")
        self.family_parameters = {k: _number(v) for k, v in d["family_parameters"].items()}
        self.family_parameters_se = {k: _number(v) for k, v in d.get("family_parameters_se", {}).items()}
        self.criterion = d.get("criterion", "ML")  # "REML" or "ML"
        self.llf = _number(d["loglik"])
        self.aic = _number(d["aic"])
        self.bic = _number(d["bic"])
        self.deviance = _number(d["deviance"])
        self.df_resid = int(d["df_resid"])
        self.variance_components = self._variance_components()
        self.random_effects = {
            group: pd.DataFrame([[_number(v) for v in row] for row in block["values"]],
                                index=pd.Index(block["levels"], name=group), columns=list(block["terms"]),
                                dtype="float64")
            for group, block in d["ranef"].items()}
        # lme4's condVar: the conditional SDs of the random effects (sqrt of the diagonal of
        # attr(ranef(fit, condVar = TRUE)[[g]], "postVar")), same shape as random_effects
        self.random_effects_sd = {
            group: pd.DataFrame([[_number(v) for v in row] for row in block["condsd"]],
                                index=pd.Index(block["levels"], name=group), columns=list(block["terms"]),
                                dtype="float64")
            for group, block in d["ranef"].items() if "condsd" in block}

    def _variance_components(self):
        """lme4's as.data.frame(VarCorr(fit)): per term, variances then covariances; a group
        with several terms (x || g) is named g, g.1, ... as lme4 names them."""
        rows, seen = [], {}
        for block in self._doc["random"]:
            group = block["group"]
            count = seen.get(group, 0)
            seen[group] = count + 1
            grp = group if count == 0 else f"{group}.{count}"
            terms = list(block["terms"])
            sd = [_number(s) for s in block["sd"]]
            corr = [[_number(c) for c in row] for row in block["corr"]]
            for i, term in enumerate(terms):
                rows.append((grp, term, None, sd[i] * sd[i], sd[i]))
            for j in range(len(terms)):          # lower triangle, column by column (R's lower.tri)
                for i in range(j + 1, len(terms)):
                    rows.append((grp, terms[j], terms[i], corr[i][j] * sd[i] * sd[j], corr[i][j]))
        frame = pd.DataFrame(rows, columns=["grp", "var1", "var2", "vcov", "sdcor"])
        return frame.astype({"vcov": "float64", "sdcor": "float64"})

    # ---- text and documents ------------------------------------------------------------------
    def summary(self):
        """The lme4-style summary ``weft fit`` prints."""
        return self._fit.summary()

    def to_json(self, path=None):
        """The result document (``weft fit --format json``) as JSON text; with ``path``, also
        written to that file (``weft predict`` reads it)."""
        text = self._fit.document()
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    def to_dict(self):
        """The result document as a dict (a copy)."""
        return copy.deepcopy(self._doc)

    @property
    def params(self):
        return self.fe_params

    @property
    def fittedvalues(self):
        """Predictions on the response scale for the fitting data, random effects included."""
        return self.predict()

    # ---- predictions ------------------------------------------------------------------------
    def predict(self, newdata=None, type="response", include_re=True, offset=None):
        """Predictions (numpy array, one per row): ``type="response"`` (mean, including the
        zero part for zip/hurdle families) or ``"link"``; ``include_re=False`` sets the random
        effects to zero; group levels not seen in fitting get zero (lme4's
        ``allow.new.levels = TRUE``). Without ``newdata``: the fitting data. A model fitted
        with ``offset=`` as an array needs ``offset=`` for new data too."""
        if type not in ("response", "link"):
            raise InputError(f"predict: type: expected 'response' or 'link', got {type!r:.60}")
        columns, values, _ = self._predict_table(newdata, type == "link", include_re, offset)
        if len(columns) > 1:  # a family with several prediction columns (levels: see clmm)
            return pd.DataFrame(values, columns=list(columns))
        return values[:, 0]

    def _predict_table(self, newdata, link_scale, include_re, offset):
        """(columns, rows x columns array, most probable levels) from the kernel's predict."""
        if newdata is None:
            if offset is not None:
                raise InputError("predict: offset: give it with newdata only (the fitting data keep their offset)")
            columns = self._columns
            name = DATA_NAME
        else:
            columns = to_columns(newdata, NEWDATA_NAME)
            name = NEWDATA_NAME
            if self._array_offset:
                if offset is None:
                    raise InputError("predict: offset: the model was fitted with offset= as an array; "
                                     "give offset= (one value per row of newdata) as well")
                columns.append(extra_column(OFFSET_COLUMN, offset, NEWDATA_NAME, "offset"))
            elif offset is not None:
                raise InputError("predict: offset: the model was fitted without an offset array; "
                                 "offsets named in the formula or as a column come from newdata")
        return self._fit.predict(columns, link_scale, not include_re, data_name=name)

    # ---- inference (weft fit --confint, weft bootstrap, weft simulate, weft residuals) ---------
    def conf_int(self, method="profile", level=0.95, nsim=500, seed=1):
        """Confidence intervals as lme4's ``confint(fit, method=, oldNames = FALSE)``: a
        DataFrame with one row per parameter (sd_(Intercept)|herd, cor_Days.(Intercept)|Subject,
        sigma, fixed effects) and the two ends. ``method``: "profile", "wald" or "boot"
        (parametric bootstrap percentiles of ``nsim`` replicates, seeded)."""
        if method not in ("profile", "wald", "boot"):
            raise InputError(f"conf_int: method: expected 'profile', 'wald' or 'boot', got {method!r:.60}")
        block = json.loads(self._fit.conf_int(method, float(level), int(nsim), int(seed)))["confint"]
        rows = []
        for e in block["random"]:
            rows += [(f"sd_{t}|{e['group']}", iv) for t, iv in zip(e["terms"], e["sd"])]
        rows += [(f"cor_{c['terms'][1]}.{c['terms'][0]}|{c['group']}", c["interval"]) for c in block["corr"]]
        rows += list(block["family_parameters"].items()) + list(block["fixef"].items())
        tail = 100 * (1 - level) / 2
        return pd.DataFrame([[_number(a), _number(b)] for _, (a, b) in rows], index=[name for name, _ in rows],
                            columns=[f"{tail:.1f} %", f"{100 - tail:.1f} %"], dtype="float64")

    def bootstrap(self, nsim=500, seed=1, level=0.95):
        """The parametric bootstrap (lme4's ``bootMer``): a DataFrame with one row per
        replicate, one column per parameter (``conf_int``'s names; NaN where a refit failed)
        and ``converged``. ``conf_int(method="boot")`` gives its percentile intervals."""
        names, draws, converged = self._fit.bootstrap(int(nsim), int(seed), float(level))
        frame = pd.DataFrame(draws, columns=list(names), dtype="float64")
        frame["converged"] = list(converged)
        return frame

    def simulate(self, nsim=1, seed=1, conditional=False):
        """Responses simulated from the fit, as R's ``simulate(fit, nsim, seed)``: a DataFrame
        with columns sim_1 ... sim_nsim, one row per fitting row (binomial: proportions; an
        ordered response: its levels as an ordered Categorical). New random effects, or with
        ``conditional=True`` the fitted ones (lme4's ``use.u = TRUE``). The same seed gives the
        same responses on any number of threads."""
        values, levels = self._fit.simulate(int(nsim), int(seed), bool(conditional))
        columns = [f"sim_{d + 1}" for d in range(values.shape[1])]
        if len(levels):
            return pd.DataFrame({c: pd.Categorical.from_codes(values[:, d].astype(int), categories=list(levels),
                                                              ordered=True) for d, c in enumerate(columns)})
        return pd.DataFrame(values, columns=columns)

    def resid(self, type="deviance", nsim=250, seed=1):
        """Residuals (numpy array, one per fitting row): "response" (y - fitted), "pearson"
        (divided by the response's SD, dispersion included, as glmmTMB), "deviance" (lme4's
        default for GLMMs) or "quantile" (DHARMa's simulation-based scaled residuals, uniform
        on (0, 1) under the model; ``nsim`` simulations, seeded)."""
        if type not in ("response", "pearson", "deviance", "quantile"):
            raise InputError(f"resid: type: expected 'response', 'pearson', 'deviance' or 'quantile', got {type!r:.60}")
        return self._fit.residuals(type, int(nsim), int(seed))

    # ---- plots (matplotlib is imported only here) ----------------------------------------------
    def plot_ranef(self, group=None, level=0.95):
        """A caterpillar plot of the conditional modes with intervals from the conditional
        variances (lme4's ``dotplot(ranef(fit, condVar = TRUE))``); returns the Figure."""
        from weft import plots
        return plots.caterpillar(self, group, level)

    def plot_residuals(self):
        """Response residuals against fitted values, and a normal QQ plot of the residuals;
        returns the Figure."""
        from weft import plots
        return plots.residuals(self)

    def __str__(self):
        return self.summary()

    def __repr__(self):
        state = "converged" if self.converged else "NOT converged"
        return (f"<weft.{type(self).__name__} {self.family}({self.link}), {self.criterion}, nobs={self.nobs}, "
                f"loglik={self.llf:.4f}, {state}>")


class LMMResult(GLMMResult):
    """A fitted linear mixed model (:func:`fit`): a :class:`GLMMResult` with the residual
    variance as statsmodels' ``scale`` and lme4's ``Residual`` row in ``variance_components``."""

    def __init__(self, fit, columns, array_offset=False):
        super().__init__(fit, columns, array_offset)
        sigma = self.family_parameters.get("sigma", np.nan)
        self.sigma = sigma                       # lmer's sigma(): the residual SD
        self.scale = sigma * sigma               # statsmodels' MixedLMResults.scale
        self.reml = self.criterion == "REML"

    def _variance_components(self):
        frame = super()._variance_components()
        sigma = _number(self._doc["family_parameters"].get("sigma"))
        residual = pd.DataFrame([("Residual", None, None, sigma * sigma, sigma)], columns=frame.columns)
        return pd.concat([frame, residual], ignore_index=True).astype({"vcov": "float64", "sdcor": "float64"})


@_arguments("plugins")
def plugins(plugin_path=None):
    """Every plugin file found (as ``weft plugins``): a DataFrame with kind, name, version,
    file and problem (empty when usable)."""
    dirs = _names("plugin_path", plugin_path, "a folder or a list of folders")
    return pd.DataFrame(_weft.plugins(dirs), columns=["kind", "name", "version", "file", "problem"])
