#!/usr/bin/env python3
"""make_data.py DIR N FAMILY: N simulated rows for the scaling curve (bench/scaling/run.sh).

binary:  y ~ Bernoulli(plogis(-0.5 + 0.4 x + b_g)),  b_g ~ N(0, 0.6^2)
poisson: y ~ Poisson(exp(0.3 + 0.4 x + b_g)),        b_g ~ N(0, 0.4^2)
with x ~ N(0, 1) and g one of 500 groups at random (seed 1). Writes DIR/<family>_<N>.csv.
crossed: bench/R/make_data.R's d_poisson1m design with numpy's generator (issue 16's benchmark),
         y ~ Poisson(exp(0.5 + 0.3 x + u_a + u_b)), a 500 levels (SD 0.5) and b 50 levels
         (SD 0.3) drawn at random per row; columns y,x,a,b.
Needs numpy (Debian's /usr/bin/python3 has it)."""
import os
import sys

import numpy as np


def main():
    out, n, family = sys.argv[1], int(float(sys.argv[2])), sys.argv[3]
    rng = np.random.default_rng(1)
    g = rng.integers(0, 500, n)
    x = rng.normal(size=n)
    if family == "crossed":
        write_crossed(out, n, rng)
        return
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


def write_crossed(out, n, rng):
    u_a, u_b = rng.normal(0, 0.5, 500), rng.normal(0, 0.3, 50)
    a, b = rng.integers(0, 500, n), rng.integers(0, 50, n)
    x = rng.normal(size=n)
    y = rng.poisson(np.exp(0.5 + 0.3 * x + u_a[a] + u_b[b]))
    with open(os.path.join(out, "crossed_%d.csv" % n), "w") as f:
        f.write("y,x,a,b\n")
        chunk = 1_000_000
        for s in range(0, n, chunk):
            e = min(n, s + chunk)
            f.write("".join("%d,%.6f,a%03d,b%02d\n" % t
                            for t in zip(y[s:e], x[s:e], a[s:e] + 1, b[s:e] + 1)))


if __name__ == "__main__":
    main()
