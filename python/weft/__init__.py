"""weft: linear and generalised linear mixed models with lme4 / glmmTMB numerics, from Python.

The interlace API over weft's C++ kernel and plugins: ``weft.fit`` (linear mixed models, lmer's
numbers) and ``weft.glmer``::

    sleep = pd.read_csv("tests/reference/lmm/sleepstudy_reml/data.csv")
    lmm = weft.fit("Reaction ~ Days", data=sleep, random=["(Days | Subject)"])   # REML, as lmer
    print(lmm.fe_params, lmm.scale)

    import pandas as pd
    import weft

    cbpp = pd.read_csv("configs/data/cbpp.csv")
    result = weft.glmer("incidence / size ~ factor(period)", data=cbpp, family="binomial",
                        groups="herd", weights=cbpp["size"].values)
    print(result.fe_params)          # lme4: -1.3985 -0.9923 -1.1287 -1.5803
    print(result.summary())

Nested models: ``weft.anova(m1, m2)`` (lme4's likelihood-ratio table; REML fits refitted by ML).
Ordered responses: ``weft.clmm("rating ~ temp + contact + (1 | judge)", data=wine)`` (R's
ordinal::clmm). See python/README.md. Bad input raises weft.InputError (a ValueError) with the message
`weft fit` prints; a fit that did not converge warns weft.ConvergenceWarning.
"""

from ._weft import __version__, abi_version
from .families import (BetaFamily, BinomialFamily, Family, GammaFamily, HurdleNegativeBinomial2Family,
                       HurdlePoissonFamily, NegativeBinomial1Family, NegativeBinomial2Family, PoissonFamily,
                       ZeroInflatedNegativeBinomial2Family, ZeroInflatedPoissonFamily, ZeroOneInflatedBetaFamily)
from .comparison import anova
from .model import ConvergenceWarning, GLMMResult, InputError, LMMResult, fit, glmer, plugins
from .ordinal import CLMMResult, clmm

__all__ = [
    "fit", "glmer", "anova", "GLMMResult", "LMMResult", "clmm", "CLMMResult", "ConvergenceWarning", "InputError", "plugins", "Family",
    "BinomialFamily", "PoissonFamily", "NegativeBinomial2Family", "NegativeBinomial1Family",
    "ZeroInflatedPoissonFamily", "ZeroInflatedNegativeBinomial2Family", "HurdlePoissonFamily",
    "HurdleNegativeBinomial2Family", "GammaFamily", "BetaFamily", "ZeroOneInflatedBetaFamily", "__version__", "abi_version",
]
