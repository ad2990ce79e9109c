#!/usr/bin/env python3
"""check_confint.py WEFT CASE_DIR: weft's confidence intervals against lme4's confint().

CASE_DIR holds data.csv, config.yaml and expected_confint.json (made by R/make_confint.R: one
block per method, in the layout of weft's "confint" block). For each method runs
`WEFT fit config.yaml --format json --confint METHOD` and compares every interval end:
within 2 % of the reference interval's width for profiles (lme4 interpolates its profile with
splines), 0.1 % for Wald, plus 1e-6. Exit 0 iff all ends agree."""
import json
import math
import os
import subprocess
import sys

TOLERANCE = {"profile": 0.02, "wald": 0.001}


def pairs(block):
    """(label, [lo, hi]) for every interval of a confint block."""
    for name, ci in block.get("fixef", {}).items():
        yield "fixef " + name, ci
    for name, ci in (block.get("family_parameters") or {}).items():
        yield "family " + name, ci
    for e in block.get("random", []):
        for term, ci in zip(e["terms"], e["sd"]):
            yield "sd %s|%s" % (term, e["group"]), ci
    for c in block.get("corr", []):
        yield "cor %s|%s" % (".".join(c["terms"]), c["group"]), c["interval"]


def main():
    weft, case = os.path.abspath(sys.argv[1]), sys.argv[2]
    expected = json.load(open(os.path.join(case, "expected_confint.json")))
    failures = 0
    for method, ref in expected.items():
        p = subprocess.run([weft, "fit", "config.yaml", "--format", "json", "--confint", method],
                           cwd=case, capture_output=True, text=True)
        if p.returncode != 0:
            print("FAIL %s: exit %d: %s" % (method, p.returncode, p.stderr.strip()))
            failures += 1
            continue
        got = dict(pairs(json.loads(p.stdout)["confint"]))
        for label, r in pairs(ref):
            g = got.get(label)
            tol = TOLERANCE[method] * abs(r[1] - r[0]) + 1e-6
            ok = g is not None and all(x is not None and math.isfinite(x) and abs(x - y) <= tol for x, y in zip(g, r))
            print("%s %s %s: got %s ref %s (tol %.2g)" % ("ok  " if ok else "FAIL", method, label, g, r, tol))
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
