#!/usr/bin/env python3
"""check_anova.py WEFT CASE_DIR: `weft compare` against lme4's anova() of nested models.

CASE_DIR holds one YAML per model and expected_anova.json (made by R/make_anova.R): the files in
the order to pass them (not the table's: weft must order the rows by npar, as anova does) and
lme4's rows. Runs `WEFT compare FILES --format json` in CASE_DIR and compares every row: names,
npar and Df exactly; logLik, deviance, AIC and BIC within 1e-3 (absolute, or relative for large
values); Chisq within 1e-3 or 1e-4 relative; Pr(>Chisq) within 1e-4 relative or 1e-8. Standard
library only. Exit 0 iff everything agrees."""
import json
import math
import os
import subprocess
import sys

# column: (absolute, relative) tolerance; a number passes when within either
TOLERANCE = {"AIC": (1e-3, 1e-6), "BIC": (1e-3, 1e-6), "logLik": (1e-3, 1e-6), "deviance": (1e-3, 1e-6),
             "Chisq": (1e-3, 1e-4), "Pr(>Chisq)": (1e-8, 1e-4)}
EXACT = ("name", "npar", "Df")


def agrees(got, want, absolute, relative):
    if want is None or got is None:
        return got is None and want is None
    return math.isfinite(got) and (abs(got - want) <= absolute or abs(got - want) <= relative * abs(want))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    weft, case = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(os.path.join(case, "expected_anova.json"), encoding="utf-8") as fh:
        expected = json.load(fh)
    p = subprocess.run([weft, "compare", *expected["files"], "--format", "json", "--quiet"],
                       cwd=case, capture_output=True, text=True)
    if p.returncode != 0:
        print("FAIL: exit %d: %s" % (p.returncode, p.stderr.strip()))
        return 1
    rows = json.loads(p.stdout)["models"]
    if len(rows) != len(expected["rows"]):
        print("FAIL: %d rows, expected %d" % (len(rows), len(expected["rows"])))
        return 1
    failures = 0
    for got, want in zip(rows, expected["rows"]):
        for column in EXACT:
            ok = got.get(column) == want.get(column)
            failures += not ok
            print("%s %s %s: weft %r, lme4 %r" % ("ok  " if ok else "FAIL", want["name"], column, got.get(column), want.get(column)))
        for column, (absolute, relative) in TOLERANCE.items():
            ok = agrees(got.get(column), want.get(column), absolute, relative)
            failures += not ok
            print("%s %s %s: weft %r, lme4 %r" % ("ok  " if ok else "FAIL", want["name"], column, got.get(column), want.get(column)))
    print("%s: %s" % (os.path.basename(os.path.normpath(case)), "all agree" if failures == 0 else "%d differ" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
