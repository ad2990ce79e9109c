"""The linear mixed model quickstart: lme4's lmer from Python (interlace's ``fit``).

    cmake -S . -B build && cmake --build build -j2
    PYTHONPATH=build/python /usr/bin/python3 examples/lmm_quickstart.py

Data: lme4's sleepstudy and Penicillin (configs/data/). The numbers are lmer's: REML by
default, beta and sigma profiled out, standard errors from sigma^2 (RX'RX)^-1.
"""
from pathlib import Path

import pandas as pd

import weft as interlace

DATA = Path(__file__).resolve().parent.parent / "configs" / "data"

# 1. lmer(Reaction ~ Days + (Days | Subject), sleepstudy): a correlated random slope, REML.
sleep = pd.read_csv(DATA / "sleepstudy.csv")
result = interlace.fit("Reaction ~ Days", data=sleep, random=["(Days | Subject)"])
print(result.summary())
print(result.fe_params.round(4).to_string())          # lmer: 251.4051  10.4673
print(result.bse.round(4).to_string())                # lmer:   6.8246   1.5458
print(result.variance_components.to_string())         # Subject: 24.74, 5.922, 0.066; Residual 25.59
print(f"REML logLik {result.llf:.4f} (lmer: -871.8141), scale {result.scale:.2f} (sigma^2)")
print(result.random_effects["Subject"].head(3).to_string())

# 2. Maximum likelihood (lmer's REML = FALSE), e.g. to compare fixed effects by AIC.
ml = interlace.fit("Reaction ~ Days", data=sleep, random=["(Days | Subject)"], reml=False)
print(f"\nML: logLik {ml.llf:.4f} (lmer: -875.9697), AIC {ml.aic:.2f}, BIC {ml.bic:.2f}")

# 3. Uncorrelated intercept and slope: lmer's (Days || Subject).
uncorrelated = interlace.fit("Reaction ~ Days + (Days || Subject)", data=sleep)
print(f"(Days || Subject): REML logLik {uncorrelated.llf:.4f} (lmer: -871.8346)")

# 4. Crossed random effects: lme4's Penicillin, groups= for random intercepts.
penicillin = pd.read_csv(DATA / "penicillin.csv")
crossed = interlace.fit("diameter ~ 1", data=penicillin, groups=["plate", "sample"])
print(crossed.variance_components.to_string())        # plate 0.8467, sample 1.932, Residual 0.5499

# 5. Predictions: with the subjects' effects, for a new subject (population level), and
#    without random effects at all.
newdata = pd.DataFrame({"Days": [0, 5, 5], "Subject": ["308", "308", "a new subject"]})
print("\npredictions:", result.predict(newdata).round(3))
print("population:", result.predict(newdata, include_re=False).round(3))
