#!/usr/bin/env python3
"""Data whose quarters differ in what the design learns from rows (issue 16), for check_mpi.py:
split into 4 files (or 4 blocks), each process sees other levels, labels and values.
- f: text levels 'a' only in the first quarter, 'rare' only in the last;
- d: factor(d) of whole numbers, with 100000 in the first quarter (an integer label there) and
  2.5 in the last (so the labels are doubles everywhere: 1e+05);
- t: numbers in the first three quarters, text 'x' in the last (a text factor everywhere);
- g1:g2: combinations present in one quarter only;
- dup = 2 x: a rank-deficient X (lme4 drops the column);
- x, z: scale(x) and poly(z, 2), whose constants are sums over every row.
python3 make_data.py > data.csv"""
import math
import random

rng = random.Random(16)
n = 600
print("y,x,z,dup,f,d,t,g,g1,g2")
for i in range(n):
    quarter = 4 * i // n
    x = rng.gauss(10, 3)
    z = rng.uniform(-2, 2) + quarter * 0.3
    f = "a" if quarter == 0 and i % 3 == 0 else "rare" if quarter == 3 and i % 5 == 0 else rng.choice(["b", "c"])
    d = 100000 if quarter == 0 and i % 7 == 0 else 2.5 if quarter == 3 and i % 7 == 0 else rng.choice([1, 2])
    t = "x" if quarter == 3 and i % 4 == 0 else str(rng.choice([1, 2, 3]))
    g = "G%02d" % rng.randrange(30)
    g1 = "p%d" % rng.randrange(4)
    g2 = "q%d" % (quarter * 2 + rng.randrange(2))
    u = math.sin(int(g[1:])) * 0.4 + math.cos(int(g2[1:])) * 0.3
    eta = 0.5 + 0.08 * (x - 10) + 0.3 * z - 0.2 * z * z + (0.4 if f == "rare" else 0) + u
    lam = math.exp(eta)
    k, prob, cum, r = 0, math.exp(-lam), math.exp(-lam), rng.random()
    while r > cum and k < 200:
        k += 1
        prob *= lam / k
        cum += prob
    print("%d,%.6f,%.6f,%.6f,%s,%s,%s,%s,%s,%s" % (k, x, z, 2 * x, f, d, t, g, g1, g2))
