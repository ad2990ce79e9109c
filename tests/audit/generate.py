#!/usr/bin/env python3
"""Seeded generator of GLMMs for weft's optimum audit (see README.md beside this file).

    python3 tests/audit/generate.py OUT_DIR [--count N] [--seed S]     # the full audit's models
    python3 tests/audit/generate.py OUT_DIR --subset ci                # the CI subset (committed)

Each model is a folder OUT_DIR/<id>/ with data.csv and config.yaml (weft's model YAML). The
config's first line is a comment `# audit-meta: {json}` naming the family, link, random-effect
structure, size and data scenario; audit.py reads it for its tables.

The plan is deterministic: model i is cell i % len(CELLS) (family/link x structure), its
scenario is the k-th (k = i // len(CELLS)) of the family's scenario list, and its data come
from numpy's Generator(PCG64(SeedSequence([seed, i]))), so model i does not depend on --count.
Data drawn by another numpy version may differ in the last bits; the CI subset is therefore
committed as files, and the full audit is regenerated at run time.

Every model is legal and identifiable by construction: at least 5 levels per grouping factor,
several rows per level for random slopes, both outcomes present in binomial data (never
complete separation), zeros and positive counts where a zero model needs them, strictly
positive gamma data and beta data strictly inside (0, 1).
"""

import argparse
import json
import math
import os
import shutil
import sys

import numpy as np

SEED = 20240612          # the committed seed of the full audit
DEFAULT_COUNT = 300

# (family, link) combinations; binomial's response form (0/1, cbind, proportion+weights)
# cycles within each binomial cell.
FAMILY_LINKS = [
    ("binomial", "logit"), ("binomial", "probit"), ("binomial", "cloglog"),
    ("poisson", "log"), ("nb2", "log"), ("nb1", "log"),
    ("zip", "log"), ("zinb2", "log"), ("hurdle_poisson", "log"), ("hurdle_nb2", "log"),
    ("gamma", "log"), ("gamma", "inverse"), ("beta", "logit"), ("zoib", "logit"),
]
STRUCTURES = ["intercept", "slope", "uncorrelated", "crossed", "nested"]
CELLS = [(f, l, s) for (f, l) in FAMILY_LINKS for s in STRUCTURES]

ZERO_MODEL = {"zip", "zinb2", "hurdle_poisson", "hurdle_nb2"}
COUNTS = {"poisson", "nb2", "nb1"} | ZERO_MODEL
NB2_LIKE = {"nb2", "zinb2", "hurdle_nb2"}

# Scenario lists, most important first: with the default 300 models every cell gets the
# first four or five.
SCENARIOS = {
    "binomial": ["typical", "near_separation", "huge_sd", "tiny_sd", "rare", "typical"],
    "poisson": ["typical", "big_counts", "many_zeros", "huge_sd", "tiny_sd"],
    "nb2": ["typical", "large_theta", "small_theta", "big_counts", "huge_sd", "tiny_sd"],
    "nb1": ["typical", "big_counts", "small_phi", "large_phi", "huge_sd", "tiny_sd"],
    "zip": ["typical", "many_zeros", "big_counts", "huge_sd", "tiny_sd"],
    "zinb2": ["typical", "many_zeros", "large_theta", "small_theta", "big_counts", "huge_sd"],
    "hurdle_poisson": ["typical", "many_zeros", "big_counts", "huge_sd", "tiny_sd"],
    "hurdle_nb2": ["typical", "large_theta", "small_theta", "many_zeros", "big_counts"],
    ("gamma", "log"): ["typical", "shape_large", "shape_small", "huge_sd", "big_mean"],
    ("gamma", "inverse"): ["typical", "shape_large", "shape_small", "tiny_sd", "typical"],
    "beta": ["typical", "phi_large", "phi_small", "huge_sd", "tiny_sd"],
    "zoib": ["typical", "phi_large", "phi_small", "huge_sd", "tiny_sd"],
}
BINOMIAL_FORMS = ["binary", "cbind", "proportion"]

# The CI subset: (family, link, structure, size, scenario, binomial form, hessian), each small
# and fast; together they cover every family, link, response form, structure and flavour.
CI_SUBSET = [
    ("binomial", "logit", "intercept", "small", "typical", "binary", "expected"),
    ("binomial", "logit", "crossed", "small", "near_separation", "cbind", "observed"),
    ("binomial", "probit", "slope", "small", "typical", "proportion", "expected"),
    ("binomial", "probit", "nested", "small", "huge_sd", "binary", "observed"),
    ("binomial", "cloglog", "uncorrelated", "small", "typical", "cbind", "observed"),
    ("binomial", "cloglog", "intercept", "small", "rare", "proportion", "expected"),
    ("poisson", "log", "intercept", "small", "big_counts", None, "expected"),
    ("poisson", "log", "slope", "small", "typical", None, "observed"),
    ("poisson", "log", "nested", "small", "many_zeros", None, "expected"),
    ("nb2", "log", "intercept", "small", "small_theta", None, "observed"),
    ("nb2", "log", "slope", "small", "large_theta", None, "observed"),
    ("nb2", "log", "crossed", "small", "typical", None, "expected"),
    ("nb1", "log", "intercept", "small", "big_counts", None, "observed"),
    ("nb1", "log", "uncorrelated", "small", "typical", None, "expected"),
    ("zip", "log", "intercept", "small", "many_zeros", None, "observed"),
    ("zip", "log", "crossed", "small", "typical", None, "expected"),
    ("zinb2", "log", "intercept", "small", "typical", None, "observed"),
    ("zinb2", "log", "nested", "small", "large_theta", None, "expected"),
    ("hurdle_poisson", "log", "slope", "small", "typical", None, "observed"),
    ("hurdle_poisson", "log", "intercept", "small", "big_counts", None, "expected"),
    ("hurdle_nb2", "log", "intercept", "small", "small_theta", None, "observed"),
    ("hurdle_nb2", "log", "uncorrelated", "small", "typical", None, "expected"),
    ("gamma", "log", "intercept", "small", "shape_small", None, "observed"),
    ("gamma", "log", "slope", "small", "typical", None, "expected"),
    ("gamma", "inverse", "intercept", "small", "shape_large", None, "expected"),
    ("gamma", "inverse", "crossed", "small", "typical", None, "observed"),
    ("beta", "logit", "intercept", "small", "phi_small", None, "observed"),
    ("beta", "logit", "nested", "small", "typical", None, "expected"),
    ("zoib", "logit", "intercept", "small", "phi_large", None, "expected"),
    ("zoib", "logit", "uncorrelated", "small", "typical", None, "observed"),
    ("nb2", "log", "intercept", "medium", "huge_sd", None, "expected"),
    ("binomial", "logit", "slope", "medium", "tiny_sd", "binary", "observed"),
]
CI_SEED = 7


def scenarios_for(family, link):
    return SCENARIOS.get((family, link), SCENARIOS.get(family))


# ----------------------------------------------------------------------------- design

def draw_size(rng, size, structure):
    """Group layout: a dict with the grouping columns' level counts and rows per unit."""
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))
    if structure in ("intercept", "slope", "uncorrelated"):
        slope = structure != "intercept"
        if size == "small":
            return {"groups": r(8, 10) if slope else r(5, 10), "rows": r(5, 8) if slope else r(3, 8)}
        if size == "medium":
            return {"groups": r(15, 40), "rows": r(5, 15)}
        return {"groups": r(60, 150), "rows": r(10, 25)}
    if structure == "crossed":
        if size == "small":
            return {"a": r(5, 7), "b": r(5, 7), "rows": r(1, 2), "fill": 1.0}
        if size == "medium":
            return {"a": r(10, 20), "b": r(8, 15), "rows": r(1, 3), "fill": float(rng.uniform(0.6, 1.0))}
        return {"a": r(30, 60), "b": r(20, 40), "rows": r(1, 2), "fill": float(rng.uniform(0.7, 1.0))}
    # nested
    if size == "small":
        return {"a": r(5, 7), "b": r(2, 3), "rows": r(3, 5)}
    if size == "medium":
        return {"a": r(10, 20), "b": r(3, 5), "rows": r(3, 8)}
    return {"a": r(30, 60), "b": r(4, 8), "rows": r(4, 10)}


def layout(rng, structure, lay):
    """Row-level grouping columns (as integer codes) for the structure."""
    cols = {}
    if structure in ("intercept", "slope", "uncorrelated"):
        g = np.repeat(np.arange(lay["groups"]), lay["rows"])
        cols["g"] = g
    elif structure == "crossed":
        a, b = np.meshgrid(np.arange(lay["a"]), np.arange(lay["b"]), indexing="ij")
        a, b = a.ravel(), b.ravel()
        keep = rng.uniform(size=a.size) < lay["fill"]
        # every level of a and b keeps at least one cell
        for lev in range(lay["a"]):
            if not keep[a == lev].any():
                keep[np.flatnonzero(a == lev)[0]] = True
        for lev in range(lay["b"]):
            if not keep[b == lev].any():
                keep[np.flatnonzero(b == lev)[0]] = True
        a, b = a[keep], b[keep]
        cols["a"] = np.repeat(a, lay["rows"])
        cols["b"] = np.repeat(b, lay["rows"])
    else:
        a = np.repeat(np.arange(lay["a"]), lay["b"] * lay["rows"])
        b = np.tile(np.repeat(np.arange(lay["b"]), lay["rows"]), lay["a"])
        cols["a"], cols["b"] = a, b
    return cols


def random_sds(rng, scenario, family, link):
    """(intercept SD, slope SD, correlation) of the random effects for this scenario."""
    if scenario == "tiny_sd":
        return 0.01, 0.01, 0.0
    if scenario == "huge_sd":
        return float(rng.uniform(3.0, 5.0)), float(rng.uniform(0.5, 1.5)), float(rng.uniform(-0.5, 0.5))
    if family == "gamma" and link == "inverse":
        return float(rng.uniform(0.05, 0.15)), 0.03, float(rng.uniform(-0.5, 0.5))
    if scenario == "big_counts" and rng.uniform() < 0.5:
        # the NB1 case: moderate intercept, SD about 4 on the log scale
        return float(rng.uniform(3.0, 4.5)), float(rng.uniform(0.2, 0.6)), float(rng.uniform(-0.5, 0.5))
    return float(rng.uniform(0.4, 1.2)), float(rng.uniform(0.2, 0.6)), float(rng.uniform(-0.6, 0.6))


def linear_predictor(rng, structure, cols, x, sd0, sd1, rho):
    n = x.size
    eta = np.zeros(n)
    if structure in ("intercept", "slope", "uncorrelated"):
        ng = cols["g"].max() + 1
        if structure == "intercept":
            u0 = rng.normal(0, sd0, ng)
            eta += u0[cols["g"]]
        else:
            cov = np.array([[sd0 ** 2, rho * sd0 * sd1], [rho * sd0 * sd1, sd1 ** 2]])
            if structure == "uncorrelated":
                cov[0, 1] = cov[1, 0] = 0.0
            u = rng.multivariate_normal(np.zeros(2), cov, ng, method="cholesky")
            eta += u[cols["g"], 0] + u[cols["g"], 1] * x
    elif structure == "crossed":
        ua = rng.normal(0, sd0, cols["a"].max() + 1)
        ub = rng.normal(0, sd0 * float(rng.uniform(0.4, 1.0)), cols["b"].max() + 1)
        eta += ua[cols["a"]] + ub[cols["b"]]
    else:
        na, nb = cols["a"].max() + 1, cols["b"].max() + 1
        ua = rng.normal(0, sd0, na)
        uab = rng.normal(0, sd0 * float(rng.uniform(0.4, 1.0)), (na, nb))
        eta += ua[cols["a"]] + uab[cols["a"], cols["b"]]
    return eta


def random_formula(structure):
    return {
        "intercept": "(1 | g)",
        "slope": "(1 + x | g)",
        "uncorrelated": "(x || g)",
        "crossed": "(1 | a) + (1 | b)",
        "nested": "(1 | a/b)",
    }[structure]


# ----------------------------------------------------------------------------- responses

def inv_link(link, eta):
    if link == "logit":
        return 1.0 / (1.0 + np.exp(-eta))
    if link == "probit":
        return 0.5 * np.vectorize(math.erfc)(-eta / math.sqrt(2.0))
    if link == "cloglog":
        return -np.expm1(-np.exp(eta))
    if link == "log":
        return np.exp(eta)
    if link == "inverse":
        return 1.0 / eta
    raise ValueError(link)


def nb2_draw(rng, mu, theta):
    return rng.poisson(rng.gamma(theta, mu / theta))


def nb1_draw(rng, mu, phi):
    return rng.poisson(rng.gamma(mu / phi, phi))


def truncated(rng, draw, mu, *args):
    """Zero-truncated draws by rejection (a few hundred rounds; leftovers are set to 1)."""
    y = draw(rng, mu, *args)
    for _ in range(200):
        zero = y == 0
        if not zero.any():
            break
        y[zero] = draw(rng, mu[zero], *(a if np.isscalar(a) else a[zero] for a in args))
    y[y == 0] = 1
    return y


def coefficients(rng, family, link, scenario):
    """Fixed-effect intercept and slope of x on the link scale; family parameters."""
    par = {}
    b0 = float(rng.uniform(-0.5, 0.5))
    b1 = float(rng.uniform(0.3, 0.8)) * (1 if rng.uniform() < 0.5 else -1)
    if family == "binomial":
        if scenario == "near_separation":
            b0, b1 = float(rng.uniform(-0.5, 0.5)), float(rng.uniform(4.0, 7.0))
            if link == "probit":
                b1 /= 1.7
        elif scenario == "rare":
            b0 = -3.5 if link != "cloglog" else -3.8
            if link == "probit":
                b0 = -2.0
        if link == "cloglog" and scenario != "rare":
            b0 -= 0.4
    elif family in COUNTS:
        b0 = float(rng.uniform(0.5, 1.5))
        if scenario == "big_counts":
            b0 = float(rng.uniform(5.0, 7.0))
        elif scenario == "many_zeros" and family in ("poisson", "nb2", "nb1"):
            b0 = -1.5
        elif scenario == "huge_sd":
            b0 = float(rng.uniform(0.0, 1.0))
        if family in NB2_LIKE:
            par["theta"] = {"large_theta": float(rng.uniform(200, 1000)),
                            "small_theta": float(rng.uniform(0.1, 0.2))}.get(scenario, float(rng.uniform(1.0, 5.0)))
        if family == "nb1":
            par["phi"] = {"large_phi": float(rng.uniform(20, 50)),
                          "small_phi": 0.01}.get(scenario, float(rng.uniform(0.5, 3.0)))
        if family in ZERO_MODEL:
            p0 = 0.78 if scenario == "many_zeros" else float(rng.uniform(0.2, 0.4))
            par["zi"] = (math.log(p0 / (1 - p0)), float(rng.uniform(0.3, 0.8)))
    elif family == "gamma":
        if link == "log":
            b0 = float(rng.uniform(0.0, 1.0)) + (8.0 if scenario == "big_mean" else 0.0)
        else:
            b0, b1 = float(rng.uniform(1.0, 2.0)), float(rng.uniform(0.05, 0.15))
        par["shape"] = {"shape_large": float(rng.uniform(50, 100)),
                        "shape_small": float(rng.uniform(0.3, 0.6))}.get(scenario, float(rng.uniform(1.5, 6.0)))
    else:  # beta, zoib
        par["phi"] = {"phi_large": float(rng.uniform(200, 500)),
                      "phi_small": float(rng.uniform(1.0, 2.0))}.get(scenario, float(rng.uniform(5.0, 30.0)))
        if family == "zoib":
            par["zoi"], par["coi"] = float(rng.uniform(0.1, 0.3)), float(rng.uniform(0.3, 0.7))
    return b0, b1, par


def simulate_response(rng, family, link, scenario, eta, z, par, form):
    """Returns a dict of response columns (and the name of the weights column, if any)."""
    n = eta.size
    if family == "binomial":
        mu = np.clip(inv_link(link, eta), 0.0, 1.0)
        if form == "binary":
            return {"y": rng.binomial(1, mu)}
        trials = rng.integers(1, 21, n) if form == "cbind" else rng.integers(2, 31, n)
        s = rng.binomial(trials, mu)
        if form == "cbind":
            return {"s": s, "n": trials}
        return {"p": s / trials, "n": trials}
    if family in COUNTS:
        mu = inv_link(link, np.clip(eta, -20.0, 12.5))
        if family == "poisson" or family in ("zip", "hurdle_poisson"):
            draw, args = (lambda r, m: r.poisson(m)), ()
        elif family == "nb1":
            draw, args = nb1_draw, (par["phi"],)
        else:
            draw, args = nb2_draw, (par["theta"],)
        if family.startswith("hurdle"):
            p0 = 1.0 / (1.0 + np.exp(-(par["zi"][0] + par["zi"][1] * z)))
            y = truncated(rng, draw, mu, *args)
            y[rng.uniform(size=n) < p0] = 0
        else:
            y = draw(rng, mu, *args)
            if family in ZERO_MODEL:
                p0 = 1.0 / (1.0 + np.exp(-(par["zi"][0] + par["zi"][1] * z)))
                y[rng.uniform(size=n) < p0] = 0
        return {"y": y.astype(np.int64)}
    if family == "gamma":
        if link == "inverse":
            eta = np.maximum(eta, 0.05)
        mu = inv_link(link, eta)
        y = rng.gamma(par["shape"], mu / par["shape"])
        return {"y": np.maximum(y, 1e-300)}
    mu = np.clip(inv_link(link, eta), 1e-12, 1 - 1e-12)
    phi = par["phi"]
    y = rng.beta(mu * phi, (1 - mu) * phi)
    y = np.clip(y, 1e-12, 1 - 1e-12)
    if family == "zoib":
        boundary = rng.uniform(size=n) < par["zoi"]
        ones = rng.uniform(size=n) < par["coi"]
        y = np.where(boundary, np.where(ones, 1.0, 0.0), y)
    return {"y": y}


def legal(family, form, resp, x, scenario):
    """Is the simulated response legal and informative for the family?"""
    if family == "binomial":
        if form == "binary":
            y = resp["y"]
            if y.min() == y.max() or y.sum() < 3 or (1 - y).sum() < 3:
                return False
            # no complete separation along x
            return x[y == 1].min() < x[y == 0].max() and x[y == 0].min() < x[y == 1].max()
        s = resp["s"] if "s" in resp else np.rint(resp["p"] * resp["n"]).astype(int)
        n = resp["n"]
        if s.sum() < 3 or (n - s).sum() < 3:
            return False
        has1, has0 = s > 0, s < n
        return x[has1].min() < x[has0].max() and x[has0].min() < x[has1].max()
    y = resp["y"]
    if family in COUNTS:
        positive = (y > 0).sum()
        zeros = (y == 0).sum()
        if positive < 5:
            return False
        if family in ZERO_MODEL and zeros < 3:
            return False
        return len(np.unique(y)) >= 3
    if family == "zoib":
        inner = (y > 0) & (y < 1)
        return inner.sum() >= 5 and (y == 0).sum() >= 1 and (y == 1).sum() >= 1
    return len(np.unique(y)) >= 5


# ----------------------------------------------------------------------------- models

def fmt(v):
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return repr(float(v))


def build_model(seed, index, family, link, structure, size, scenario, form, hessian):
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, index])))
    lay = draw_size(rng, size, structure)
    cols = layout(rng, structure, lay)
    n = next(iter(cols.values())).size
    use_factor = size != "small" and rng.uniform() < 0.3
    for attempt in range(50):
        x = rng.normal(0.0, 1.0, n)
        z = rng.normal(0.0, 1.0, n)
        f = rng.integers(0, 3, n)
        sd0, sd1, rho = random_sds(rng, scenario, family, link)
        b0, b1, par = coefficients(rng, family, link, scenario)
        eta = b0 + b1 * x + linear_predictor(rng, structure, cols, x, sd0, sd1, rho)
        if use_factor:
            eta = eta + np.array([0.0, 0.3, -0.2])[f] * (0.2 if (family, link) == ("gamma", "inverse") else 1.0)
        resp = simulate_response(rng, family, link, scenario, eta, z, par, form)
        if legal(family, form, resp, x, scenario):
            break
    else:
        raise RuntimeError(f"model {index}: no legal data in 50 attempts")

    fixed = "x + f" if use_factor else "x"
    if family == "binomial" and form == "cbind":
        lhs = "cbind(s, n - s)"
    elif family == "binomial" and form == "proportion":
        lhs = "p"
    else:
        lhs = "y"
    formula = f"{lhs} ~ {fixed} + {random_formula(structure)}"

    columns = {}
    columns.update(resp)
    columns["x"] = x
    if use_factor:
        columns["f"] = np.array(["A", "B", "C"])[f]
    if family in ZERO_MODEL:
        columns["z"] = z
    for name, codes in cols.items():
        columns[name] = np.array([f"{name}{c + 1:03d}" for c in codes])

    truth = {"intercept": b0, "x": b1, "sd": [sd0, sd1], "corr": rho}
    truth.update({k: v for k, v in par.items()})
    meta = {
        "id": None, "index": index, "seed": seed, "family": family, "link": link,
        "structure": structure, "size": size, "scenario": scenario, "hessian": hessian,
        "response": form if family == "binomial" else None, "nobs": int(n),
        "layout": lay, "truth": truth,
    }
    parts = [f"m{index:03d}", family, link, structure, size, scenario]
    if family == "binomial":
        parts.append(form)
    meta["id"] = "-".join(parts)

    config = [f"# audit-meta: {json.dumps(meta, sort_keys=True)}",
              "# Generated by tests/audit/generate.py; do not edit (regenerate instead).",
              "data: data.csv",
              f"formula: {formula}",
              f"family: {family}",
              f"link: {link}"]
    if family in ZERO_MODEL:
        config.append("zi: ~ z")
    if family == "binomial" and form == "proportion":
        config.append("weights: n")
    config.append(f"integrator: {{name: laplace, hessian: {hessian}}}")
    return meta, columns, "\n".join(config) + "\n"


def write_model(out, meta, columns, config):
    folder = os.path.join(out, meta["id"])
    os.makedirs(folder, exist_ok=True)
    names = list(columns)
    n = len(columns[names[0]])
    with open(os.path.join(folder, "data.csv"), "w") as fh:
        fh.write(",".join(names) + "\n")
        cols = [columns[k] for k in names]
        for i in range(n):
            fh.write(",".join(str(c[i]) if c.dtype.kind in "US" else fmt(c[i]) for c in cols) + "\n")
    with open(os.path.join(folder, "config.yaml"), "w") as fh:
        fh.write(config)
    return folder


def plan(count, seed):
    """The full audit's plan: (index, family, link, structure, size, scenario, form, hessian)."""
    out = []
    for i in range(count):
        family, link, structure = CELLS[i % len(CELLS)]
        k = i // len(CELLS)
        scen = scenarios_for(family, link)
        scenario = scen[k % len(scen)]
        # sizes: about 35 % small, 45 % medium, 20 % large, drawn from the model's own stream
        pick = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, i, 1]))).uniform()
        size = "small" if pick < 0.35 else "medium" if pick < 0.8 else "large"
        if scenario == "big_mean" or (scenario == "big_counts" and size == "large"):
            size = "medium"
        form = BINOMIAL_FORMS[(i // len(CELLS) + i) % 3] if family == "binomial" else None
        hessian = ["expected", "observed"][(i + k) % 2]
        out.append((i, family, link, structure, size, scenario, form, hessian))
    return out


def generate(out, count=DEFAULT_COUNT, seed=SEED, subset=None, quiet=False):
    """Writes the models into out; returns their folders."""
    os.makedirs(out, exist_ok=True)
    folders = []
    if subset == "ci":
        items = [(i,) + spec for i, spec in enumerate(CI_SUBSET)]
        seed = CI_SEED
    else:
        items = plan(count, seed)
    for item in items:
        meta, columns, config = build_model(seed, *item)
        folders.append(write_model(out, meta, columns, config))
    if not quiet:
        print(f"{len(folders)} models written to {out}")
    return folders


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output folder (one sub-folder per model)")
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--subset", choices=["ci"], help="write the committed CI subset instead")
    ap.add_argument("--clean", action="store_true", help="empty the output folder first")
    args = ap.parse_args()
    if args.clean and os.path.isdir(args.out):
        shutil.rmtree(args.out)
    generate(args.out, args.count, args.seed, args.subset)


if __name__ == "__main__":
    sys.exit(main())
