#!/usr/bin/env python3
"""make_data.py DIR N FAMILY: N simulated rows for the scaling curve (bench/scaling/run.sh).

binary:  y ~ Bernoulli(plogis(-0.5 + 0.4 x + b_g)),  b_g ~ N(0, 0.6^2)
poisson: y ~ Poisson(exp(0.3 + 0.4 x + b_g)),        b_g ~ N(0, 0.4^2)
with x ~ N(0, 1) and g one of 500 groups at random (seed 1). Writes DIR/<family>_<N>.csv.
Needs numpy (Debian's /usr/bin/python3 has it)."""
import os
import sys

import numpy as np


def main():
    out, n, family = sys.argv[1], int(float(sys.argv[2])), sys.argv[3]
    rng = np.random.default_rng(1)
    g = rng.integers(0, 500, n)
    x = rng.normal(size=n)
    if family == "binary":
        eta = -0.5 + 0.4 * x + rng.normal(0, 0.6, 500)[g]
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    else:
        y = rng.poisson(np.exp(0.3 + 0.4 * x + rng.normal(0, 0.4, 500)[g]))
    path = os.path.join(out, "%s_%d.csv" % (family, n))
    with open(path, "w") as f:
        f.write("y,x,g\n")
        chunk = 1_000_000
        for s in range(0, n, chunk):
            e = min(n, s + chunk)
            f.write("".join("%d,%.6f,g%d\n" % t for t in zip(y[s:e], x[s:e], g[s:e])))


if __name__ == "__main__":
    main()
