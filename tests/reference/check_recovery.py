#!/usr/bin/env python3
"""Simulation-recovery test: weft's estimates on R-simulated data against the true values.

    python3 check_recovery.py WEFT CASE_DIR [--timeout S]

CASE_DIR has data.csv, config.yaml and truth.json (made by R/cases_families.R):
  z                    how many standard errors an estimate may be from the truth
  fixef                {name: true value}; |estimate - truth| <= z * se (weft's se)
  family_parameters    {name: true value}; the same with weft's family_parameters_se
  random_sd            {group: true sd of the (single) term}; |sd - truth| <= z * random_sd_se
  random_sd_se         the large-sample se of an sd, sd / sqrt(2 * groups)
The fit must converge. Prints one line per estimate and `PASS name` or `FAIL name: reasons`;
exits 0 only on PASS. Python 3 standard library only.
"""

import argparse
import json
import math
import os
import subprocess
import sys


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("weft")
    p.add_argument("case_dir")
    p.add_argument("--timeout", type=float, default=300)
    a = p.parse_args(argv)
    case = os.path.abspath(a.case_dir)
    name = os.path.basename(case.rstrip("/"))
    with open(os.path.join(case, "truth.json")) as f:
        truth = json.load(f)
    proc = subprocess.run([os.path.abspath(a.weft), "fit", "config.yaml", "--format", "json"], cwd=case,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=a.timeout)
    if proc.returncode != 0:
        print("FAIL %s: weft exited with %d: %s" % (name, proc.returncode, proc.stderr.strip()))
        return 1
    got = json.loads(proc.stdout)
    z = float(truth.get("z", 4))
    problems = []

    def compare(label, estimate, se, true):
        if estimate is None or se is None or not math.isfinite(estimate) or not math.isfinite(se) or se <= 0:
            problems.append("%s: no estimate or standard error" % label)
            return
        dist = (estimate - true) / se
        print("  %-22s estimate %10.5f  truth %10.5f  se %8.5f  (%+.2f se)" % (label, estimate, true, se, dist))
        if abs(dist) > z:
            problems.append("%s %.5g is %.1f se from the truth %.5g" % (label, estimate, abs(dist), true))

    for coef, true in truth.get("fixef", {}).items():
        compare(coef, got.get("fixef", {}).get(coef), got.get("se", {}).get(coef), true)
    for param, true in truth.get("family_parameters", {}).items():
        compare(param, got.get("family_parameters", {}).get(param),
                got.get("family_parameters_se", {}).get(param), true)
    for group, true in truth.get("random_sd", {}).items():
        entries = [r for r in got.get("random", []) if r.get("group") == group]
        sd = entries[0]["sd"][0] if entries and entries[0].get("sd") else None
        compare("sd " + group, sd, truth.get("random_sd_se"), true)
    if not got.get("converged"):
        problems.append("not converged: %s" % got.get("warnings"))
    print(("PASS %s" % name) if not problems else ("FAIL %s: %s" % (name, "; ".join(problems))))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
