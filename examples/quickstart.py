"""The GLMM quickstart with weft's Python interface (interlace's API).

    cmake -S . -B build && cmake --build build -j2
    PYTHONPATH=build/python /usr/bin/python3 examples/quickstart.py

Data: lme4's cbpp and grouseticks, glmmTMB's Owls (configs/data/), new cbpp rows for
predict (examples/data/cbpp_newdata.csv). `import weft as interlace` runs interlace code as is.
"""
from pathlib import Path

import pandas as pd

import weft as interlace

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "configs" / "data"


def show(title, result):
    print(f"\n=== {title}")
    print(result.fe_params.round(4).to_string())
    print(f"AIC {result.aic:.2f}  BIC {result.bic:.2f}  logLik {result.llf:.3f}  converged {result.converged}")


# 1. Binomial: incidence of CBPP in 15 herds over 4 periods. `incidence / size` is the
#    proportion form; the trials go in as weights (lme4: cbind(incidence, size - incidence)).
cbpp = pd.read_csv(DATA / "cbpp.csv")
cbpp["period"] = cbpp["period"].astype("category")  # a factor, as in lme4's cbpp
result = interlace.glmer("incidence / size ~ period", data=cbpp, family="binomial",
                         groups="herd", weights=cbpp["size"].values)
show("cbpp, binomial (lme4: -1.3985 -0.9923 -1.1287 -1.5803)", result)
print(result.variance_components.to_string())
print(result.random_effects["herd"].head(3).to_string())
print(result.summary())

# 2. Poisson with several grouping factors: ticks on red grouse chicks (lme4's grouseticks).
grouse = pd.read_csv(DATA / "grouseticks.csv")
ticks = interlace.glmer("TICKS ~ factor(YEAR) + cHEIGHT", data=grouse, family="poisson",
                        groups=["BROOD", "INDEX", "LOCATION"])
show("grouseticks, Poisson, groups BROOD + INDEX + LOCATION", ticks)
print(ticks.variance_components.to_string())

# 3. Overdispersed counts: NB2 with theta fixed at 2 against Poisson (glmmTMB's Owls).
owls = pd.read_csv(DATA / "owls.csv")
formula = "SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize))"
poisson = interlace.glmer(formula, data=owls, family=interlace.PoissonFamily(), groups="Nest")
nb2 = interlace.glmer(formula, data=owls, family=interlace.NegativeBinomial2Family(theta=2.0),
                      groups="Nest")
show("Owls, Poisson", poisson)
show("Owls, NB2 (theta = 2)", nb2)
print(f"AIC Poisson {poisson.aic:.1f} vs NB2 {nb2.aic:.1f}: "
      f"{'NB2' if nb2.aic < poisson.aic else 'Poisson'} fits better")

# 4. The random= form (terms appended to the formula) and the BOBYQA optimizer.
by_random = interlace.glmer("incidence / size ~ period", data=cbpp, family="binomial",
                            random=["(1 | herd)"], weights=cbpp["size"].values, optimizer="bobyqa")
show("cbpp, random=['(1 | herd)'], optimizer='bobyqa'", by_random)

# 5. Adaptive Gauss-Hermite quadrature with 25 points (lme4's nAGQ = 25).
agq = interlace.glmer("incidence / size ~ period", data=cbpp, family="binomial", groups="herd",
                      weights=cbpp["size"].values, nAGQ=25)
show("cbpp, nAGQ = 25", agq)

# 6. Predictions on new data (herd 16 was never seen: its random effect is zero).
newdata = pd.read_csv(HERE / "data" / "cbpp_newdata.csv")
predictions = newdata.assign(
    response=result.predict(newdata=newdata, type="response"),
    link=result.predict(newdata=newdata, type="link"),
    population=result.predict(newdata=newdata, type="response", include_re=False))
print("\n=== predictions (response, link, response without random effects)")
print(predictions.round(4).to_string(index=False))
