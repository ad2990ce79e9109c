"""Makes the README's figure: the sleepstudy LMM's conditional modes with 95 % intervals from
the conditional variances (lme4's dotplot(ranef(fit, condVar = TRUE))).
    PYTHONPATH=build/python /usr/bin/python3 examples/plot_ranef.py docs/figures/ranef_sleepstudy.png"""
import sys

import pandas as pd

import weft

sleep = pd.read_csv("configs/data/sleepstudy.csv")
result = weft.fit("Reaction ~ Days + (Days | Subject)", sleep)
result.plot_ranef().savefig(sys.argv[1] if len(sys.argv) > 1 else "ranef_sleepstudy.png", dpi=90)
