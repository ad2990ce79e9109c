#!/usr/bin/env python3
"""check_inference.py WEFT CASE_DIR: weft simulate, residuals and bootstrap against R.

CASE_DIR holds data.csv, config.yaml and expected_inference.json (made by R/make_inference.R with lme4
or glmmTMB). Checks
  - residuals --type response|pearson|deviance against residuals(fit, type=) row by row
    (relative 1e-4 of the residuals' scale: the estimates agree to about 1e-5);
  - quantile residuals are uniform on (0, 1) (Kolmogorov-Smirnov distance, mean);
  - simulate: per-row mean and SD of nsim data sets (new random effects, and --conditional)
    against R's simulate() moments within their Monte Carlo error (the generators differ);
    the same seed gives the same draws, and data set d does not depend on nsim;
  - bootstrap: mean, SD and percentile ends of every parameter against bootMer's, within
    the Monte Carlo error of both runs.
Exit 0 iff every check passes. Standard library only (CI has no R)."""
import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def run(weft, args, cwd):
    p = subprocess.run([weft] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("FAIL weft %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p.stdout


def table(text):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], [[float(v) for v in r] for r in rows[1:]]


def column(text):
    header, rows = table(text)
    return [r[0] for r in rows]


def r_name(name):
    """weft's factor(x)2 is R's x2 when x is a factor column in R."""
    return re.sub(r"factor\(([^)]*)\)", r"\1", name)


def check_residuals(weft, result, expected, cwd):
    for kind, ref in expected.items():
        got = column(run(weft, ["residuals", result, "--type", kind], cwd))
        scale = max(1e-8, math.sqrt(sum(r * r for r in ref) / len(ref)))
        worst = max(abs(g - r) for g, r in zip(got, ref))
        check(len(got) == len(ref) and worst <= 1e-4 * scale + 1e-7,
              "residuals %s: max |weft - R| = %.3g (scale %.3g)" % (kind, worst, scale))
    q = sorted(column(run(weft, ["residuals", result, "--type", "quantile", "--nsim", "500"], cwd)))
    n = len(q)
    ks = max(max((i + 1) / n - v, v - i / n) for i, v in enumerate(q))
    check(all(0 < v < 1 for v in q) and ks < 1.95 / math.sqrt(n) and abs(sum(q) / n - 0.5) < 0.1,
          "quantile residuals are not uniform: KS %.3f (0.1 %% level %.3f)" % (ks, 1.95 / math.sqrt(n)))


def moments(rows):
    """Per row: mean, SD and kurtosis of the simulated values."""
    k = len(rows[0])
    means = [sum(r) / k for r in rows]
    sds = [math.sqrt(sum((v - m) ** 2 for v in r) / (k - 1)) for r, m in zip(rows, means)]
    kurtosis = [sum((v - m) ** 4 for v in r) / k / s ** 4 if s > 0 else 3.0 for r, m, s in zip(rows, means, sds)]
    return means, sds, kurtosis


def check_simulate(weft, result, expected, cwd):
    nsim = expected["nsim"]
    for mode, ref in expected.items():
        if mode == "nsim":
            continue
        flags = ["--conditional"] if mode == "conditional" else []
        _, rows = table(run(weft, ["simulate", result, "--nsim", str(nsim), "--seed", "7"] + flags, cwd))
        means, sds, kurtosis = moments(rows)
        bad = []
        for i, (m, s, k, rm, rs) in enumerate(zip(means, sds, kurtosis, ref["mean"], ref["sd"])):
            # 5 Monte Carlo SEs of the difference of two runs of nsim draws: of a mean
            # sd sqrt(2 / n), of an SD's ratio sqrt(2 (kurtosis - 1) / (4 n)) (heavy-tailed
            # log-normal Poisson rows have large kurtosis)
            if abs(m - rm) > 5 * max(s, rs) * math.sqrt(2.0 / nsim) + 1e-9:
                bad.append("row %d mean %.4g vs %.4g" % (i + 1, m, rm))
            if rs > 0 and abs(s / rs - 1) > 5 * math.sqrt(2 * max(k - 1, 0.5) / (4 * nsim)) + 0.01:
                bad.append("row %d sd %.4g vs %.4g (kurtosis %.1f)" % (i + 1, s, rs, k))
        check(not bad and len(means) == len(ref["mean"]), "simulate %s: %s" % (mode, "; ".join(bad[:4])))
    a = run(weft, ["simulate", result, "--nsim", "2", "--seed", "11"], cwd)
    b = run(weft, ["simulate", result, "--nsim", "5", "--seed", "11"], cwd)
    first = lambda text: [r[0] for r in table(text)[1]]
    check(first(a) == first(b), "simulate: data set 1 depends on --nsim")
    check(a == run(weft, ["simulate", result, "--nsim", "2", "--seed", "11"], cwd), "simulate: one seed, two answers")
    check(a != run(weft, ["simulate", result, "--nsim", "2", "--seed", "12"], cwd), "simulate: the seed is ignored")


def check_bootstrap(weft, expected, cwd):
    nsim = 1000
    draws = os.path.join(tempfile.mkdtemp(), "draws.csv")
    doc = json.loads(run(weft, ["bootstrap", "config.yaml", "--nsim", str(nsim), "--seed", "3", "--format", "json",
                                "--draws", draws, "--quiet"], cwd))
    ci = doc["confint"]
    check(ci["method"] == "boot" and ci["nsim"] == nsim, "bootstrap: confint block")
    with open(draws) as f:
        rows = list(csv.reader(f))
    names = [r_name(n) for n in rows[0][1:-1]]
    check(names == expected["names"], "bootstrap: parameters %s, R has %s" % (names, expected["names"]))
    ends = {}
    for e in ci["random"]:
        for t, iv in zip(e["terms"], e["sd"]):
            ends["sd_%s|%s" % (t, e["group"])] = iv
    for c in ci["corr"]:
        ends["cor_%s.%s|%s" % (c["terms"][1], c["terms"][0], c["group"])] = c["interval"]
    for k, iv in list(ci["family_parameters"].items()) + list(ci["fixef"].items()):
        ends[r_name(k)] = iv
    for j, name in enumerate(names):
        values = sorted(float(r[j + 1]) for r in rows[1:] if r[j + 1] != "NA")
        # Robust summaries: a few replicates at the edge of the parameter space (a fixed effect
        # of a period with no cases runs off to -20 or -inf) dominate means and SDs.
        median, q25, q75 = (quantile7(values, p) for p in (0.5, 0.25, 0.75))
        iqr, r_iqr = q75 - q25, expected["q75"][j] - expected["q25"][j]
        spread = max(iqr, r_iqr) / 1.349  # the SD of a normal with this IQR
        # the MC SE of a median is about 1.25 SD / sqrt(n); of a 2.5 % quantile about 0.1 SD
        check(abs(median - expected["median"][j]) <= 5 * 1.25 * spread * math.sqrt(2.0 / nsim) + 1e-9,
              "bootstrap %s: median %.5g, bootMer %.5g" % (name, median, expected["median"][j]))
        check(abs(iqr / r_iqr - 1) <= 0.2 if r_iqr > 0 else iqr < 1e-6,
              "bootstrap %s: IQR %.5g, bootMer %.5g" % (name, iqr, r_iqr))
        lo, hi = ends.get(name, [float("nan")] * 2)
        check(abs(lo - expected["lower"][j]) <= 0.5 * spread + 1e-9 and abs(hi - expected["upper"][j]) <= 0.5 * spread + 1e-9,
              "bootstrap %s: interval [%.5g, %.5g], bootMer [%.5g, %.5g]" %
              (name, lo, hi, expected["lower"][j], expected["upper"][j]))


def quantile7(v, p):
    """R's quantile(type = 7) of sorted values."""
    h = (len(v) - 1) * p
    lo = int(math.floor(h))
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])


def main():
    weft, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    expected = json.load(open(os.path.join(case, "expected_inference.json")))
    out = tempfile.mkdtemp()
    result = os.path.join(out, "result.json")
    run(weft, ["fit", "config.yaml", "--format", "json", "--output", result], case)
    check_residuals(weft, result, expected["residuals"], case)
    check_simulate(weft, result, expected["simulate"], case)
    if "bootstrap" in expected:
        check_bootstrap(weft, expected["bootstrap"], case)
    for f in failures:
        print("FAIL " + f)
    print("%s: %s" % (os.path.basename(case), "ok" if not failures else "%d failures" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
