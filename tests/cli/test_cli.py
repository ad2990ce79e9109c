#!/usr/bin/env python3
"""Behaviour tests of the `weft` command line against the contract (../shared/docs/interface.md):
subcommands, help and version, the plugin listing, fit output (text, json, --output), exit codes
(0 fitted, 2 bad input with ONE stderr line naming file/key/column, 3 not converged with the
result still written), `weft compare` (lme4's anova) and plugin search paths.  Python 3 standard library only.

Usage: python3 tests/cli/test_cli.py WEFT [TEST ...]      (TEST: a name below, without test_)
       python3 tests/cli/test_cli.py --list

Prints `PASS name` or `FAIL name: reason` per test and `N passed, M failed` last; exits 0 only
when every selected test passed (2 on a usage error).  Inputs come from configs/ and
tests/reference/cases/ of this repository; broken variants are written to temporary folders.
Environment: WEFT_TEST_PLUGIN_DIR (optional) - the build tree's folder of deliberately broken
plugins (tests/plugins/*.cpp); the plugin-path tests use it when it exists.
"""
import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = os.path.join(ROOT, "configs")
CASES = os.path.join(ROOT, "tests", "reference", "cases")
CBPP_CSV = os.path.join(CONFIGS, "data", "cbpp.csv")
CBPP_CBIND = os.path.join(CONFIGS, "cbpp_cbind.yaml")
CBPP_PROPORTION = os.path.join(CONFIGS, "cbpp.yaml")
MAX_EVALUATIONS = os.path.join(CASES, "max_evaluations", "config.yaml")
TIMEOUT = 120
WEFT = None  # absolute path of the binary under test (set in main)

CBPP_MODEL = ("data: data.csv\n"
              "formula: cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)\n"
              "family: binomial\n")

# lme4 1.1-31 on cbpp (shared parity case cbpp_cbind: glmer, bobyqa, tolPwrss = 1e-12)
CBPP_REF = {
    "fixef": {"(Intercept)": -1.39853205917, "factor(period)2": -0.992332794162,
              "factor(period)3": -1.12867223311, "factor(period)4": -1.58031393903},
    "se": {"(Intercept)": 0.23247176309, "factor(period)2": 0.306642105716,
           "factor(period)3": 0.326637381795, "factor(period)4": 0.427435736637},
    "sd": 0.642261385924,
    "loglik": -92.0262818715, "aic": 194.052563743, "bic": 204.179322197,
    "nobs": 56, "herds": 15, "df_resid": 51,
}

SHIPPED_PLUGINS = {
    ("family", "binomial"), ("family", "poisson"), ("family", "nb2"), ("family", "zip"), ("family", "ordinal"),
    ("family", "zinb2"), ("family", "hurdle_poisson"), ("family", "hurdle_nb2"), ("family", "gaussian"),
    ("integrator", "laplace"), ("integrator", "agq"),
    ("optimizer", "lbfgsb"), ("optimizer", "bobyqa"),
}

CRASH_MARKERS = ("terminate called", "what():", "Segmentation", "core dumped", "Aborted",
                 "Traceback", "std::", "stack trace", "AddressSanitizer", "runtime error:")

# --------------------------------------------------------------------------------------------
# helpers


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Run:
    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    def describe(self):
        def cut(s):
            s = s.strip().replace("\n", "\\n")
            return s if len(s) <= 300 else s[:300] + "..."
        return "`weft %s` -> exit %s, stdout %r, stderr %r" % (
            " ".join(self.args), self.rc, cut(self.out), cut(self.err))


def weft(*args, cwd=None, env=None):
    full_env = dict(os.environ)
    full_env.pop("WEFT_PLUGIN_PATH", None)  # only the tests that set it see it
    if env:
        full_env.update(env)
    try:
        proc = subprocess.run([WEFT] + list(args), cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure("`weft %s` timed out after %ds" % (" ".join(args), TIMEOUT))
    return Run(list(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"))


def expect_ok(r, code=0):
    check(r.rc == code, "expected exit %d: %s" % (code, r.describe()))
    check(not any(m in r.err for m in CRASH_MARKERS), "crash marker on stderr: " + r.describe())


def expect_input_error(r, words):
    """exit 2, nothing on stdout, exactly one stderr line `error: ...` holding every word."""
    check(r.rc == 2, "expected exit 2 (bad input): " + r.describe())
    check(r.out == "", "expected nothing on stdout: " + r.describe())
    lines = r.err.splitlines()
    check(len(lines) == 1 and r.err.endswith("\n") and lines[0].strip(),
          "expected exactly one stderr line: " + r.describe())
    line = lines[0]
    check(line.startswith("error: "), "stderr line should start with 'error: ': " + r.describe())
    check(not any(m in line for m in CRASH_MARKERS), "crash marker on stderr: " + r.describe())
    missing = [w for w in words if w.lower() not in line.lower()]
    check(not missing, "stderr line lacks %r: %s" % (missing, r.describe()))
    return line


class Workspace:
    """A temporary folder; cbpp's data.csv and config.yaml are copied in by default."""

    def __init__(self, model=CBPP_MODEL, data=True):
        self.path = tempfile.mkdtemp(prefix="weft_cli_")
        if data:
            shutil.copyfile(CBPP_CSV, self.file("data.csv"))
        if model is not None:
            self.write("config.yaml", model)

    def file(self, name):
        return os.path.join(self.path, name)

    def write(self, name, text):
        with open(self.file(name), "w", encoding="utf-8") as fh:
            fh.write(text)
        return self.file(name)

    def listing(self):
        return sorted(os.listdir(self.path))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def expect_no_output_left(ws, before, name):
    after = ws.listing()
    check(after == before, "--output %s after an error: the folder changed from %r to %r"
          % (name, before, after))


def bad_input(model, args, words, data=True):
    """Runs `weft fit config.yaml ARGS` in a workspace holding `model`, twice: plain and with
    --output out.json; both must be one-line input errors naming `words`, leaving no file."""
    with Workspace(model=model, data=data) as ws:
        line = expect_input_error(weft("fit", "config.yaml", *args, cwd=ws.path), words)
        before = ws.listing()
        r = weft("fit", "config.yaml", *args, "--output", "out.json", cwd=ws.path)
        expect_input_error(r, words)
        expect_no_output_left(ws, before, "out.json")
        # the json format takes the same path
        r = weft("fit", "config.yaml", "--format", "json", *args, "--output", "out.json", cwd=ws.path) \
            if "--format" not in args else r
        expect_input_error(r, words)
        expect_no_output_left(ws, before, "out.json")
        return line


def parse_json(text, what):
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise Failure("%s is not valid JSON (%s): %r" % (what, exc, text[:200]))
    check(isinstance(doc, dict), "%s is not a JSON object" % what)
    return doc


def close(got, want, tol, what):
    check(isinstance(got, (int, float)) and not isinstance(got, bool) and math.isfinite(got),
          "%s: not a finite number: %r" % (what, got))
    check(abs(got - want) <= tol, "%s: got %.8g, expected %.8g (tolerance %.3g)" % (what, got, want, tol))


def printed_close(text_value, value, what):
    """A number printed in the text summary equals `value` rounded to the printed digits."""
    digits = len(text_value.split(".")[1]) if "." in text_value else 0
    tol = 0.5 * 10.0 ** (-digits) * (1 + 1e-9) + 1e-12
    close(float(text_value), value, tol, what + " (printed %s)" % text_value)


def read_prediction(text, what):
    rows = list(csv.reader(io.StringIO(text)))
    check(rows and rows[0] == ["prediction"], "%s: header should be exactly 'prediction': %r" % (what, text[:100]))
    values = []
    for i, row in enumerate(rows[1:], start=1):
        check(len(row) == 1, "%s: row %d is %r" % (what, i, row))
        try:
            v = float(row[0])
        except ValueError:
            raise Failure("%s: row %d is not a number: %r" % (what, i, row[0]))
        check(math.isfinite(v), "%s: row %d not finite" % (what, i))
        values.append(v)
    return values


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path, rows, columns):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for r in rows:
            w.writerow([r[c] for c in columns])


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as fh:
        m = re.search(r"project\s*\(\s*weft\s+VERSION\s+([0-9.]+)", fh.read())
    check(m, "no project(weft VERSION ...) in CMakeLists.txt")
    return m.group(1)


def parse_plugins(text):
    """[(kind, name, version, file)] and the `unusable:` lines of `weft plugins`."""
    lines = text.splitlines()
    check(lines and lines[0].split() == ["kind", "name", "version", "file"],
          "`weft plugins` header should be 'kind name version file': %r" % (lines[:1],))
    rows, unusable = [], []
    for line in lines[1:]:
        if line.startswith("unusable: "):
            unusable.append(line)
            continue
        parts = line.split(None, 3)
        check(len(parts) == 4, "`weft plugins` row without 4 fields: %r" % line)
        rows.append(tuple(parts))
    return rows, unusable


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn

# --------------------------------------------------------------------------------------------
# version, help, subcommands


@test
def test_version():
    r = weft("--version")
    expect_ok(r)
    check(r.err == "", "stderr should be empty: " + r.describe())
    m = re.match(r"^weft (\d+\.\d+\.\d+)\b.*\n$", r.out)
    check(m, "`weft --version` should print one line 'weft X.Y.Z ...': " + r.describe())
    check(m.group(1) == project_version(),
          "version %s differs from CMakeLists.txt's %s" % (m.group(1), project_version()))
    doc = parse_json(weft("fit", CBPP_CBIND, "--format", "json").out, "fit --format json")
    check(doc.get("weft_version") == m.group(1),
          "result weft_version %r differs from --version %s" % (doc.get("weft_version"), m.group(1)))


@test
def test_help():
    for flag in ("--help", "-h"):
        r = weft(flag)
        expect_ok(r)
        check(r.err == "", "stderr should be empty: " + r.describe())
        for word in ("Usage", "fit", "predict", "plugins", "--version"):
            check(word in r.out, "`weft %s` does not mention %r: %s" % (flag, word, r.describe()))
    wanted = {
        "fit": ("model", "--data", "--format", "--output", "--set"),
        "predict": ("result", "--newdata", "--type", "--population", "--output"),
        "plugins": ("--plugin-path",),
    }
    for sub, words in wanted.items():
        r = weft(sub, "--help")
        expect_ok(r)
        check(r.err == "", "stderr should be empty: " + r.describe())
        check("Usage" in r.out and ("weft " + sub) in r.out, "`weft %s --help` has no usage line: %s" % (sub, r.describe()))
        for word in words:
            check(word in r.out, "`weft %s --help` does not mention %r: %s" % (sub, word, r.describe()))


@test
def test_usage_errors():
    expect_input_error(weft(), ["subcommand"])
    expect_input_error(weft("fit"), ["model"])
    expect_input_error(weft("predict", "result.json"), ["--newdata"])
    expect_input_error(weft("fit", CBPP_CBIND, "--bogus"), ["--bogus"])
    expect_input_error(weft("fit", CBPP_CBIND, "--format"), ["--format"])
    expect_input_error(weft("fit", CBPP_CBIND, "--set"), ["--set"])


@test
def test_unknown_subcommand():
    # the one line must say what was wrong: name the word that is not a subcommand
    expect_input_error(weft("frobnicate"), ["frobnicate"])
    expect_input_error(weft("frobnicate", "model.yaml"), ["frobnicate"])


# --------------------------------------------------------------------------------------------
# plugins


@test
def test_plugins_lists_shipped():
    r = weft("plugins")
    expect_ok(r)
    check(r.err == "", "stderr should be empty: " + r.describe())
    rows, unusable = parse_plugins(r.out)
    check(not unusable, "shipped plugins reported unusable: %r" % unusable)
    found = {(k, n) for k, n, _, _ in rows}
    missing = SHIPPED_PLUGINS - found
    check(not missing, "`weft plugins` does not list %s" % sorted(missing))
    for kind, name, version, path in rows:
        check(kind in ("family", "link", "integrator", "optimizer"), "unknown kind %r" % kind)
        check(re.match(r"^\d+\.\d+\.\d+", version), "%s %s: version %r is not X.Y.Z" % (kind, name, version))
        check(os.path.isabs(path) and os.path.isfile(path), "%s %s: file %r does not exist" % (kind, name, path))
        check(path.endswith((".so", ".dylib")) or ".so." in path, "%s %s: %r is not a library" % (kind, name, path))
    dupes = [kn for kn in found if sum(1 for k, n, _, _ in rows if (k, n) == kn) > 1]
    check(not dupes, "plugins listed twice: %r" % dupes)


# --------------------------------------------------------------------------------------------
# fit: text, json, --output


def check_cbpp_text(text, label):
    lines = text.splitlines()
    check(lines and lines[0].startswith(
        "Generalized linear mixed model fit by maximum likelihood (Laplace Approximation)"),
        "%s: first line is not lme4's title: %r" % (label, lines[:1]))

    def find(pattern, what):
        for i, line in enumerate(lines):
            m = re.match(pattern, line)
            if m:
                return i, m
        raise Failure("%s: no %s line (/%s/) in:\n%s" % (label, what, pattern, text))

    find(r"^ Family: binomial\s+\( logit \)\s*$", "Family")
    _, m = find(r"^Formula: (.*)$", "Formula")
    check("factor(period)" in m.group(1), "%s: Formula line %r" % (label, m.group(0)))
    i, _ = find(r"^\s+AIC\s+BIC\s+logLik\s+deviance\s+df\.resid\s*$", "AIC table header")
    nums = lines[i + 1].split()
    check(len(nums) == 5, "%s: AIC table row %r" % (label, lines[i + 1]))
    printed_close(nums[0], CBPP_REF["aic"], label + " AIC")
    printed_close(nums[1], CBPP_REF["bic"], label + " BIC")
    printed_close(nums[2], CBPP_REF["loglik"], label + " logLik")
    printed_close(nums[3], -2 * CBPP_REF["loglik"], label + " deviance")
    check(nums[4] == str(CBPP_REF["df_resid"]), "%s: df.resid %r" % (label, nums[4]))
    i, _ = find(r"^Random effects:\s*$", "Random effects")
    check(re.match(r"^\s*Groups\s+Name\s+Variance\s+Std\.Dev\.\s*$", lines[i + 1]),
          "%s: random-effects header %r" % (label, lines[i + 1]))
    m = re.match(r"^\s*herd\s+\(Intercept\)\s+(\S+)\s+(\S+)\s*$", lines[i + 2])
    check(m, "%s: herd row %r" % (label, lines[i + 2]))
    printed_close(m.group(1), CBPP_REF["sd"] ** 2, label + " herd variance")
    printed_close(m.group(2), CBPP_REF["sd"], label + " herd Std.Dev.")
    find(r"^Number of obs: 56, groups:\s+herd, 15\s*$", "Number of obs")
    i, _ = find(r"^Fixed effects:\s*$", "Fixed effects")
    check(re.match(r"^\s+Estimate\s+Std\. Error\s+z value\s+Pr\(>\|z\|\)\s*$", lines[i + 1]),
          "%s: fixed-effects header %r" % (label, lines[i + 1]))
    table = {}
    for line in lines[i + 2:]:
        m = re.match(r"^(\(Intercept\)|factor\(period\)\d)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", line)
        if m:
            table[m.group(1)] = m.groups()[1:]
    check(set(table) == set(CBPP_REF["fixef"]), "%s: fixed-effect rows %r" % (label, sorted(table)))
    for name, (est, se, z, p) in table.items():
        printed_close(est, CBPP_REF["fixef"][name], "%s %s Estimate" % (label, name))
        printed_close(se, CBPP_REF["se"][name], "%s %s Std. Error" % (label, name))
        close(float(z), float(est) / float(se), 0.01, "%s %s z value" % (label, name))
        close(float(p), math.erfc(abs(float(z)) / math.sqrt(2)), 0.01 * float(p) + 1e-6,
              "%s %s Pr(>|z|)" % (label, name))
    find(r"^Signif\. codes:", "Signif. codes")
    return lines, table


@test
def test_fit_text_cbpp():
    # run from an unrelated folder: data paths are relative to the YAML file
    with Workspace(model=None, data=False) as ws:
        for config in (CBPP_CBIND, CBPP_PROPORTION):
            r = weft("fit", config, cwd=ws.path)
            expect_ok(r)
            check(r.err == "", "stderr should be empty: " + r.describe())
            check_cbpp_text(r.out, os.path.basename(config))
            check("did not converge" not in r.out and "warning" not in r.out.lower(),
                  "%s: unexpected warning in the summary" % config)
            r2 = weft("fit", config, "--format", "text", cwd=ws.path)
            expect_ok(r2)
            check(r2.out == r.out, "--format text differs from the default output")


@test
def test_fit_confint_cbpp():
    # the confint block (interface.md) and the summary's table; numbers in tests/reference/confint
    for method in ("wald", "profile"):
        doc = parse_json(weft("fit", CBPP_CBIND, "--format", "json", "--confint", method, "--level", "0.9").out,
                         "fit --confint " + method)
        ci = doc.get("confint")
        check(isinstance(ci, dict) and ci.get("method") == method and ci.get("level") == 0.9,
              "confint block: method and level: %r" % (ci,))
        check(set(ci) == {"method", "level", "fixef", "random", "corr", "family_parameters"}, "confint keys: %r" % list(ci))
        for name, value in doc["fixef"].items():
            lo, hi = ci["fixef"][name]
            check(lo < value < hi, "%s %s: %r does not hold the estimate %r" % (method, name, [lo, hi], value))
        (lo, hi), = ci["random"][0]["sd"]
        check(ci["random"][0]["group"] == "herd" and 0 <= lo < hi, "%s sd interval %r" % (method, [lo, hi]))
    r = weft("fit", CBPP_CBIND, "--confint", "profile")
    expect_ok(r)
    check("Confidence intervals (profile, level 0.95):" in r.out and "sd_(Intercept)|herd" in r.out,
          "the summary's confint table: " + r.out[-400:])


@test
def test_bad_confint():
    bad_input(CBPP_MODEL, ["--confint", "bayes"], ["--confint", "wald", "profile", "bayes"])
    bad_input(CBPP_MODEL, ["--confint", "boot", "--nsim", "1"], ["--nsim", "at least 2"])
    bad_input(CBPP_MODEL, ["--confint", "wald", "--level", "1.5"], ["--level", "between 0 and 1"])


@test
def test_fit_json_cbpp():
    r = weft("fit", CBPP_CBIND, "--format", "json")
    expect_ok(r)
    check(r.err == "", "stderr should be empty: " + r.describe())
    doc = parse_json(r.out, "stdout of fit --format json")
    keys = ["weft_version", "converged", "warnings", "family", "link", "family_parameters",
            "integrator", "optimizer", "nobs", "ngroups", "fixef", "se", "zi_fixef", "zi_se",
            "random", "loglik", "aic", "bic", "deviance", "df_resid", "ranef", "model", "time_seconds"]
    missing = [k for k in keys if k not in doc]
    check(not missing, "result document lacks %r" % missing)
    check(doc["converged"] is True and doc["warnings"] == [], "converged/warnings: %r %r"
          % (doc["converged"], doc["warnings"]))
    check(doc["family"] == "binomial" and doc["link"] == "logit", "family/link %r %r" % (doc["family"], doc["link"]))
    check(doc["nobs"] == 56 and doc["ngroups"] == {"herd": 15}, "nobs/ngroups %r %r" % (doc["nobs"], doc["ngroups"]))
    check(doc["df_resid"] == 51, "df_resid %r" % doc["df_resid"])
    check(doc["integrator"].get("name") == "laplace" and doc["optimizer"].get("name") == "lbfgsb",
          "integrator/optimizer %r %r" % (doc["integrator"], doc["optimizer"]))
    check(set(doc["fixef"]) == set(CBPP_REF["fixef"]) == set(doc["se"]), "coefficient names %r" % list(doc["fixef"]))
    for name, ref in CBPP_REF["fixef"].items():
        close(doc["fixef"][name], ref, 2e-3 * max(1, abs(ref)), "fixef " + name)
        close(doc["se"][name], CBPP_REF["se"][name], 0.02 * CBPP_REF["se"][name], "se " + name)
    check(doc["zi_fixef"] == {} and doc["zi_se"] == {}, "zi_fixef/zi_se should be empty")
    check(len(doc["random"]) == 1 and doc["random"][0]["group"] == "herd"
          and doc["random"][0]["terms"] == ["(Intercept)"], "random %r" % doc["random"])
    close(doc["random"][0]["sd"][0], CBPP_REF["sd"], 3e-3, "herd sd")
    close(doc["loglik"], CBPP_REF["loglik"], 2e-3, "loglik")
    close(doc["aic"], CBPP_REF["aic"], 0.02, "aic")
    close(doc["bic"], CBPP_REF["bic"], 0.02, "bic")
    close(doc["deviance"], -2 * doc["loglik"], 1e-6 * abs(doc["loglik"]), "deviance = -2 loglik")
    ranef = doc["ranef"].get("herd", {})
    check(len(ranef.get("levels", [])) == 15 and len(ranef.get("values", [])) == 15,
          "ranef herd should have 15 levels and values")

    # the text summary shows the same numbers
    t = weft("fit", CBPP_CBIND)
    expect_ok(t)
    lines, table = check_cbpp_text(t.out, "text")
    for name, (est, se, _, _) in table.items():
        printed_close(est, doc["fixef"][name], "text vs json: %s Estimate" % name)
        printed_close(se, doc["se"][name], "text vs json: %s Std. Error" % name)
    i = next(i for i, l in enumerate(lines) if re.match(r"^\s+AIC\s+BIC", l))
    aic, bic, ll, dev, dfr = lines[i + 1].split()
    printed_close(aic, doc["aic"], "text vs json: AIC")
    printed_close(bic, doc["bic"], "text vs json: BIC")
    printed_close(ll, doc["loglik"], "text vs json: logLik")
    printed_close(dev, doc["deviance"], "text vs json: deviance")
    check(int(dfr) == doc["df_resid"], "text vs json: df.resid")
    i = next(i for i, l in enumerate(lines) if l.startswith("Random effects:"))
    var, sd = lines[i + 2].split()[-2:]
    printed_close(sd, doc["random"][0]["sd"][0], "text vs json: herd Std.Dev.")
    printed_close(var, doc["random"][0]["sd"][0] ** 2, "text vs json: herd Variance")


def without_time(doc):
    return {k: v for k, v in doc.items() if k != "time_seconds"}


@test
def test_fit_output_file():
    with Workspace() as ws:
        plain = weft("fit", "config.yaml", "--format", "json", cwd=ws.path)
        expect_ok(plain)
        r = weft("fit", "config.yaml", "--format", "json", "--output", "result.json", cwd=ws.path)
        expect_ok(r)
        check(r.out == "" and r.err == "", "--output: stdout and stderr should be empty: " + r.describe())
        check(ws.listing() == ["config.yaml", "data.csv", "result.json"],
              "--output result.json: folder holds %r" % ws.listing())
        with open(ws.file("result.json"), encoding="utf-8") as fh:
            written = parse_json(fh.read(), "result.json")
        check(without_time(written) == without_time(parse_json(plain.out, "stdout")),
              "--output file differs from the stdout document")
        # text to a file; an existing file is replaced
        text = weft("fit", "config.yaml", cwd=ws.path)
        ws.write("summary.txt", "old content\n")
        r = weft("fit", "config.yaml", "--output", "summary.txt", cwd=ws.path)
        expect_ok(r)
        check(r.out == "" and r.err == "", "--output (text): stdout and stderr should be empty: " + r.describe())
        with open(ws.file("summary.txt"), encoding="utf-8") as fh:
            check(fh.read() == text.out, "--output summary.txt differs from the text on stdout")
        check(ws.listing() == ["config.yaml", "data.csv", "result.json", "summary.txt"],
              "leftover files: %r" % ws.listing())
        # an unwritable target is a one-line input error
        before = ws.listing()
        r = weft("fit", "config.yaml", "--output", os.path.join("no_such_dir", "out.json"), cwd=ws.path)
        expect_input_error(r, ["no_such_dir"])
        expect_no_output_left(ws, before, "no_such_dir/out.json")


# --------------------------------------------------------------------------------------------
# bad input: exit 2, one line naming the file and key/column, no output file


@test
def test_bad_unknown_family():
    bad_input(CBPP_MODEL.replace("family: binomial", "family: binomail"), [],
              ["config.yaml", "family", "binomail", "binomial"])
    bad_input(CBPP_MODEL.replace("family: binomial", "family: {name: binomail}"), [],
              ["config.yaml", "binomail"])


@test
def test_bad_missing_column():
    bad_input(CBPP_MODEL.replace("(1 | herd)", "(1 | farm)"), [], ["data.csv", "farm"])
    bad_input(CBPP_MODEL.replace("factor(period)", "factor(perod)"), [], ["data.csv", "perod"])
    bad_input(CBPP_MODEL.replace("cbind(incidence", "cbind(incidents"), [], ["data.csv", "incidents"])
    bad_input(CBPP_MODEL + "weights: trials\n", [], ["data.csv", "trials"])
    bad_input(CBPP_MODEL + "offset: log_days\n", [], ["data.csv", "log_days"])


@test
def test_bad_malformed_yaml():
    bad_input(CBPP_MODEL.replace("family: binomial", "family: [binomial"), [], ["config.yaml", "line 3"])
    bad_input(CBPP_MODEL.replace("family: binomial", "  family: binomial\n bad: 1"), [], ["config.yaml", "line"])
    bad_input("\t" + CBPP_MODEL, [], ["config.yaml", "line 1"])
    bad_input("- just\n- a list\n", [], ["config.yaml"])


@test
def test_bad_unknown_key():
    bad_input(CBPP_MODEL + "optimiser: bobyqa\n", [], ["config.yaml", "optimiser", "optimizer"])
    bad_input(CBPP_MODEL, ["--set", "optimiser=bobyqa"], ["optimiser", "optimizer"])


SLEEPSTUDY_CSV = os.path.join(ROOT, "tests", "reference", "lmm", "sleepstudy_reml", "data.csv")
SLEEPSTUDY_MODEL = ("data: data.csv\n"
                    "formula: Reaction ~ Days + (Days | Subject)\n"
                    "family: gaussian\n")


def sleepstudy_fit(*args, model=SLEEPSTUDY_MODEL):
    with Workspace(model=model, data=False) as ws:
        shutil.copyfile(SLEEPSTUDY_CSV, ws.file("data.csv"))
        return weft("fit", "config.yaml", *args, cwd=ws.path)


@test
def test_bad_reml():
    for value, shown in (("maybe", "'maybe'"), ("1", "the number 1"), ("yes", "'yes'"),
                         ("[true]", "a list"), ('"true"', "'true'"), ("", "an empty value")):
        bad_input(CBPP_MODEL + "reml: %s\n" % value, [], ["config.yaml", "reml", "true", "false", shown])
    bad_input(CBPP_MODEL, ["--set", "reml=sometimes"], ["reml", "--set reml=sometimes", "true", "or false"])
    bad_input(CBPP_MODEL + "reml: true\nintegrator: {name: agq, points: 5}\n", [],
              ["config.yaml", "integrator agq", "REML", "laplace"])


@test
def test_lmm_reml_default_and_ml():
    """family: gaussian fits lmer's model: REML by default (criterion, summary), ML with reml: false."""
    r = sleepstudy_fit("--format", "json")
    expect_ok(r)
    doc = parse_json(r.out, "sleepstudy REML")
    check(doc["criterion"] == "REML", "criterion %r" % doc["criterion"])
    close(doc["loglik"], -871.814135979976, 1e-6, "REML loglik")
    close(doc["family_parameters"]["sigma"], 25.5917957216753, 1e-4, "sigma")
    close(doc["aic"], 1755.62827195995, 1e-5, "aic (k = p + #theta + 1)")
    r = sleepstudy_fit("--format", "json", "--set", "reml=false")
    expect_ok(r)
    doc = parse_json(r.out, "sleepstudy ML")
    check(doc["criterion"] == "ML", "criterion %r" % doc["criterion"])
    close(doc["loglik"], -875.969672, 1e-5, "ML loglik")
    r = sleepstudy_fit()
    expect_ok(r)
    for words in ("Linear mixed model fit by REML", "REML criterion at convergence: 1743.6", " Residual ",
                  "t value", "Subject  (Intercept)"):
        check(words in r.out, "the text summary lacks %r:\n%s" % (words, r.out))
    check("Pr(>|z|)" not in r.out, "an LMM summary has t values without p-values:\n" + r.out)
    r = sleepstudy_fit("--set", "reml=false")
    expect_ok(r)
    check("Linear mixed model fit by maximum likelihood" in r.out and "logLik" in r.out, r.out)


@test
def test_bad_set_without_equals():
    bad_input(CBPP_MODEL, ["--set", "optimizer"], ["--set", "optimizer", "="])
    bad_input(CBPP_MODEL, ["--set", "integrator.points"], ["--set", "integrator.points", "="])
    bad_input(CBPP_MODEL, ["--set", "=bobyqa"], ["--set", "key"])


@test
def test_bad_missing_data_file():
    bad_input(CBPP_MODEL.replace("data: data.csv", "data: no_such_file.csv"), [], ["no_such_file.csv"])
    bad_input(CBPP_MODEL, ["--data", "other_missing.csv"], ["other_missing.csv"])
    with Workspace() as ws:
        before = ws.listing()
        expect_input_error(weft("fit", "no_such_model.yaml", "--output", "out.json", cwd=ws.path),
                           ["no_such_model.yaml"])
        expect_no_output_left(ws, before, "out.json")


@test
def test_bad_format():
    bad_input(CBPP_MODEL, ["--format", "xml"], ["--format", "xml", "json"])
    bad_input(CBPP_MODEL, ["--format", "JSON"], ["--format", "JSON"])


@test
def test_bad_input_keeps_existing_output():
    with Workspace(model=CBPP_MODEL.replace("(1 | herd)", "(1 | farm)")) as ws:
        ws.write("out.json", "previous result\n")
        expect_input_error(weft("fit", "config.yaml", "--format", "json", "--output", "out.json", cwd=ws.path),
                           ["farm"])
        with open(ws.file("out.json"), encoding="utf-8") as fh:
            check(fh.read() == "previous result\n", "a failed fit changed the existing --output file")
        check(ws.listing() == ["config.yaml", "data.csv", "out.json"], "leftover files: %r" % ws.listing())


# --------------------------------------------------------------------------------------------
# exit 3: not converged, result still written


@test
def test_not_converged_exit_3():
    check(os.path.isfile(MAX_EVALUATIONS), "missing %s" % MAX_EVALUATIONS)
    case_dir = os.path.dirname(MAX_EVALUATIONS)
    r = weft("fit", MAX_EVALUATIONS, "--format", "json")
    expect_ok(r, 3)
    doc = parse_json(r.out, "stdout of the not-converged fit")
    check(doc.get("converged") is False, "converged should be false, got %r" % doc.get("converged"))
    warnings = doc.get("warnings")
    check(isinstance(warnings, list) and warnings, "warnings should list why: %r" % warnings)
    check(any("max_evaluations" in w or "converge" in w for w in warnings),
          "no warning about the evaluation limit or convergence: %r" % warnings)
    check(not any(m in r.err for m in CRASH_MARKERS), "crash marker on stderr: " + r.describe())
    with Workspace(model=None, data=False) as ws:
        r = weft("fit", MAX_EVALUATIONS, "--format", "json", "--output", "result.json", cwd=ws.path)
        expect_ok(r, 3)
        check(r.out == "", "--output given: stdout should be empty: " + r.describe())
        check(ws.listing() == ["result.json"], "folder holds %r" % ws.listing())
        with open(ws.file("result.json"), encoding="utf-8") as fh:
            written = parse_json(fh.read(), "result.json of the not-converged fit")
        check(written.get("converged") is False, "written converged should be false")
        r = weft("fit", MAX_EVALUATIONS, "--output", "summary.txt", cwd=ws.path)
        expect_ok(r, 3)
        with open(ws.file("summary.txt"), encoding="utf-8") as fh:
            text = fh.read()
        check(text.startswith("Generalized linear mixed model") and "converge" in text,
              "the text summary of a not-converged fit should say so")
    # the same model without the evaluation limit converges (the exit 3 is the limit's doing)
    with Workspace(model=None, data=False) as ws:
        shutil.copyfile(os.path.join(case_dir, "data.csv"), ws.file("data.csv"))
        with open(MAX_EVALUATIONS, encoding="utf-8") as fh:
            model = "".join(l for l in fh if not l.startswith("optimizer:"))
        ws.write("config.yaml", model + "optimizer: bobyqa\n")
        expect_ok(weft("fit", "config.yaml", "--format", "json", cwd=ws.path), 0)


# --------------------------------------------------------------------------------------------
# compare (lme4's anova of nested models; the numbers: tests/reference/anova/, check_anova.py)

ANOVA_SLEEPSTUDY = os.path.join(ROOT, "tests", "reference", "anova", "sleepstudy")
CBPP_NULL_MODEL = CBPP_MODEL.replace("factor(period)", "1")


@test
def test_compare_text_json_output():
    m1, m2 = (os.path.join(ANOVA_SLEEPSTUDY, f) for f in ("m1.yaml", "m2.yaml"))
    r = weft("compare", m2, m1)  # rows by npar whatever the order given
    expect_ok(r)
    check(r.err == "refitting model(s) with ML (instead of REML)\n",
          "stderr should say the REML fits are refitted, as lme4: " + r.describe())
    lines = r.out.splitlines()
    check(lines[1:4] == ["Models:", "m1: Reaction ~ Days + (1 | Subject)", "m2: Reaction ~ Days + (Days | Subject)"],
          "model lines: %r" % lines[:4])
    check(lines[4].split() == ["npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)"],
          "header: %r" % lines[4])
    check(lines[6].split()[:2] == ["m2", "6"] and lines[6].endswith("***"), "second row: %r" % lines[6])
    r = weft("compare", m1, m2, "--format", "json", "--quiet")
    expect_ok(r)
    check(r.err == "", "--quiet: stderr should be empty: " + r.describe())
    rows = parse_json(r.out, "compare --format json")["models"]
    check([row["name"] for row in rows] == ["m1", "m2"] and rows[1]["Df"] == 2 and rows[0]["Chisq"] is None,
          "rows: %r" % rows)
    close(rows[1]["Chisq"], 42.1393, 1e-3, "Chisq")
    with Workspace(model=None, data=False) as ws:
        expect_ok(weft("compare", m1, m2, "--output", "anova.txt", "--quiet", cwd=ws.path))
        check(ws.listing() == ["anova.txt"], "folder holds %r" % ws.listing())
    # a fit that did not converge: the table still, exit 3 (a model compared with itself: Df 0)
    r = weft("compare", MAX_EVALUATIONS, MAX_EVALUATIONS)
    expect_ok(r, 3)
    check("Models:" in r.out and "did not converge" in r.err, "not-converged compare: " + r.describe())


def bad_compare(models, words, extra=()):
    """`weft compare` of the YAML texts `models` (written as a.yaml, b.yaml, ...) next to cbpp's
    data.csv: one-line input error naming `words`."""
    with Workspace(model=None) as ws:
        names = []
        for i, text in enumerate(models):
            names.append("%s.yaml" % chr(ord("a") + i))
            ws.write(names[-1], text)
        return expect_input_error(weft("compare", *names, *extra, cwd=ws.path), words)


@test
def test_bad_compare():
    # different data: another file, another response
    with Workspace(model=None) as ws:
        shutil.copyfile(CBPP_CSV, ws.file("copy.csv"))
        ws.write("a.yaml", CBPP_NULL_MODEL)
        ws.write("b.yaml", CBPP_MODEL.replace("data.csv", "copy.csv"))
        expect_input_error(weft("compare", "a.yaml", "b.yaml", cwd=ws.path),
                           ["compare", "a.yaml", "b.yaml", "different data", "copy.csv"])
    poisson = "data: data.csv\nformula: %s ~ 1 + (1 | herd)\nfamily: poisson\n"
    bad_compare([poisson % "incidence", poisson % "size"], ["different data", "incidence", "size"])
    # not nested: a fixed effect the larger lacks; as many parameters but other columns; other families
    bad_compare([CBPP_MODEL, CBPP_NULL_MODEL.replace("~ 1", "~ size")], ["not nested", "size"])
    bad_compare([CBPP_NULL_MODEL.replace("~ 1", "~ size"), CBPP_NULL_MODEL.replace("~ 1", "~ incidence")],
                ["not nested", "size"])
    bad_compare([poisson % "incidence", (poisson % "incidence").replace("poisson", "nb2")],
                ["not nested", "poisson", "nb2"])
    # a random term the larger does not cover
    bad_compare([CBPP_NULL_MODEL, CBPP_MODEL.replace("(1 | herd)", "(1 | period)")], ["not nested", "herd"])
    # files, arguments
    bad_compare([CBPP_MODEL], ["2"])  # one file
    with Workspace() as ws:
        expect_input_error(weft("compare", "config.yaml", "no_such_model.yaml", cwd=ws.path), ["no_such_model.yaml"])
        expect_input_error(weft("compare", "config.yaml", "config.yaml", "--format", "xml", cwd=ws.path),
                           ["--format", "xml"])
        before = ws.listing()
        ws.write("b.yaml", CBPP_MODEL.replace("data.csv", "missing.csv"))
        expect_input_error(weft("compare", "config.yaml", "b.yaml", "--output", "out.txt", cwd=ws.path),
                           ["missing.csv"])
        check("out.txt" not in ws.listing(), "a failed compare left out.txt")


# --------------------------------------------------------------------------------------------
# predict


def fitted_cbpp(ws):
    r = weft("fit", "config.yaml", "--format", "json", "--output", "result.json", cwd=ws.path)
    expect_ok(r)
    return "result.json"


@test
def test_predict_ok():
    with Workspace() as ws:
        result = fitted_cbpp(ws)
        data = csv_rows(ws.file("data.csv"))
        nd = data[:6] + [dict(data[0], herd="new_herd"), dict(data[1], herd="new_herd", period="2")]
        write_csv(ws.file("newdata.csv"), nd, ["herd", "period"])  # no response columns needed
        r = weft("predict", result, "--newdata", "newdata.csv", cwd=ws.path)
        expect_ok(r)
        check(r.err == "", "stderr should be empty: " + r.describe())
        resp = read_prediction(r.out, "response")
        check(len(resp) == len(nd), "%d predictions for %d rows" % (len(resp), len(nd)))
        check(all(0 < v < 1 for v in resp), "binomial responses outside (0, 1): %r" % resp)
        link = read_prediction(weft("predict", result, "--newdata", "newdata.csv", "--type", "link",
                                    cwd=ws.path).out, "link")
        for a, b in zip(resp, link):
            close(a, 1 / (1 + math.exp(-b)), 1e-9, "response = plogis(link)")
        pop = read_prediction(weft("predict", result, "--newdata", "newdata.csv", "--population",
                                   cwd=ws.path).out, "population")
        with open(ws.file(result), encoding="utf-8") as fh:
            doc = json.load(fh)
        fe = doc["fixef"]
        for row, v in zip(nd, pop):
            eta = fe["(Intercept)"] + (fe["factor(period)%s" % row["period"]] if row["period"] != "1" else 0)
            close(v, 1 / (1 + math.exp(-eta)), 1e-9, "population prediction (herd %s)" % row["herd"])
        close(resp[6], pop[6], 1e-12, "an unseen herd gets a zero random effect")
        close(resp[7], pop[7], 1e-12, "an unseen herd gets a zero random effect")
        before = ws.listing()
        r = weft("predict", result, "--newdata", "newdata.csv", "--output", "pred.csv", cwd=ws.path)
        expect_ok(r)
        check(r.out == "" and r.err == "", "--output: stdout and stderr should be empty: " + r.describe())
        with open(ws.file("pred.csv"), encoding="utf-8") as fh:
            check(read_prediction(fh.read(), "pred.csv") == resp, "--output pred.csv differs from stdout")
        check(ws.listing() == sorted(before + ["pred.csv"]), "leftover files: %r" % ws.listing())


@test
def test_simulate_and_residuals_ok():
    # weft simulate / weft residuals rebuild the model from the result's recipe ("model"."spec",
    # the data file by its absolute path), so they work from another folder
    with Workspace() as ws:
        result = ws.file(fitted_cbpp(ws))
        elsewhere = tempfile.mkdtemp(prefix="weft_cli_")
        try:
            r = weft("simulate", result, "--nsim", "3", "--seed", "5", cwd=elsewhere)
            expect_ok(r)
            rows = list(csv.reader(io.StringIO(r.out)))
            check(rows[0] == ["sim_1", "sim_2", "sim_3"], "simulate header: %r" % rows[0])
            check(len(rows) == 57, "simulate: %d rows for cbpp's 56" % (len(rows) - 1))
            values = [float(v) for row in rows[1:] for v in row]
            check(all(0 <= v <= 1 for v in values), "binomial proportions outside [0, 1]")
            again = weft("simulate", result, "--nsim", "3", "--seed", "5", cwd=elsewhere)
            check(again.out == r.out, "simulate: the same seed gave other draws")
            # conditional on the modes: the mean of many data sets is the fitted mean
            cond = weft("simulate", result, "--nsim", "2000", "--seed", "1", "--conditional", cwd=elsewhere)
            expect_ok(cond)
            sims = [[float(v) for v in row] for row in list(csv.reader(io.StringIO(cond.out)))[1:]]
            resp = weft("residuals", result, "--type", "response", cwd=elsewhere)
            expect_ok(resp)
            fitted = [float(a["incidence"]) / float(a["size"]) - float(b)
                      for a, b in zip(csv_rows(ws.file("data.csv")), resp.out.split()[1:])]
            for i, (row, mu) in enumerate(zip(sims, fitted)):
                n = float(csv_rows(ws.file("data.csv"))[i]["size"])
                sd = math.sqrt(max(mu * (1 - mu), 1e-4) / n / len(row))
                close(sum(row) / len(row), mu, 6 * sd, "row %d: mean of conditional simulations vs fitted" % (i + 1))
            for kind in ("pearson", "deviance", "quantile"):
                r = weft("residuals", result, "--type", kind, cwd=elsewhere)
                expect_ok(r)
                check(r.out.split()[0] == kind and len(r.out.split()) == 57, "residuals --type %s: %r" % (kind, r.out[:80]))
        finally:
            shutil.rmtree(elsewhere, ignore_errors=True)


@test
def test_simulate_residuals_bad_input():
    with Workspace() as ws:
        result = fitted_cbpp(ws)
        expect_input_error(weft("simulate", "missing.json", cwd=ws.path), ["missing.json", "no such result"])
        expect_input_error(weft("simulate", result, "--nsim", "0", cwd=ws.path), ["--nsim"])
        expect_input_error(weft("residuals", result, "--type", "working", cwd=ws.path), ["--type", "pearson"])
        with open(ws.file(result), encoding="utf-8") as fh:
            doc = json.load(fh)
        # a document without the recipe (an older weft)
        old = json.loads(json.dumps(doc))
        del old["model"]["spec"]
        ws.write("old.json", json.dumps(old))
        expect_input_error(weft("simulate", "old.json", cwd=ws.path), ["old.json", "recipe"])
        # a model fitted from memory (Python)
        memory = json.loads(json.dumps(doc))
        memory["model"]["spec"]["data"] = None
        ws.write("memory.json", json.dumps(memory))
        expect_input_error(weft("residuals", "memory.json", cwd=ws.path), ["memory.json", "python"])
        # a damaged document: one line, exit 2, whatever part is missing or of the wrong type
        for damage in (("family_parameters",), ("ranef",), ("theta",), ("theta_scale",), ("spec", "formula"),
                       ("spec", "family")):
            broken = json.loads(json.dumps(doc))
            block = broken["model"]
            for key in damage[:-1]:
                block = block[key]
            del block[damage[-1]]
            ws.write("broken.json", json.dumps(broken))
            for command in (["simulate"], ["residuals", "--type", "pearson"]):
                expect_input_error(weft(command[0], "broken.json", *command[1:], cwd=ws.path), ["broken.json"])
        broken = json.loads(json.dumps(doc))
        broken["model"]["spec"] = 1
        ws.write("broken.json", json.dumps(broken))
        expect_input_error(weft("simulate", "broken.json", cwd=ws.path), ["broken.json", "recipe"])
        # the data file changed since the fit: a herd fewer
        rows = [r for r in csv_rows(ws.file("data.csv")) if r["herd"] != "15"]
        write_csv(ws.file("data.csv"), rows, list(rows[0].keys()))
        expect_input_error(weft("simulate", result, cwd=ws.path), ["herd", "changed"])
        expect_input_error(weft("bootstrap", "config.yaml", "--nsim", "1", cwd=ws.path), ["--nsim", "2"])


@test
def test_bootstrap_draws():
    with Workspace() as ws:
        r = weft("bootstrap", "config.yaml", "--nsim", "40", "--seed", "9", "--draws", "draws.csv",
                 "--format", "json", cwd=ws.path)
        expect_ok(r)
        doc = parse_json(r.out, "bootstrap json")
        ci = doc["confint"]
        check(ci["method"] == "boot" and ci["nsim"] == 40 and ci["seed"] == 9, "confint block: %r" % ci)
        rows = csv_rows(ws.file("draws.csv"))
        check(len(rows) == 40, "draws.csv: %d rows for 40 replicates" % len(rows))
        column = sorted(float(row["factor(period)2"]) for row in rows if row["factor(period)2"] != "NA")
        lo, hi = ci["fixef"]["factor(period)2"]
        close(lo, column[0] + 0.975 * (column[1] - column[0]), 1e-9, "2.5 % end = R's quantile type 7 of the draws")
        check(lo < doc["fixef"]["factor(period)2"] < hi, "the estimate lies inside its interval")
        again = weft("bootstrap", "config.yaml", "--nsim", "40", "--seed", "9", "--format", "json", cwd=ws.path)
        check(parse_json(again.out, "again")["confint"] == ci, "bootstrap: the same seed gave other intervals")
        text = weft("fit", "config.yaml", "--confint", "boot", "--nsim", "40", "--seed", "9", cwd=ws.path)
        expect_ok(text)
        check("parametric bootstrap percentiles, 40 replicates, seed 9" in text.out, "summary names the bootstrap")

@test
def test_predict_single_row():
    # predicting one new observation is ordinary use (lme4: predict(fit, newdata = one_row))
    with Workspace() as ws:
        result = fitted_cbpp(ws)
        ws.write("one.csv", "herd,period\n1,2\n")
        ws.write("two.csv", "herd,period\n1,2\n1,2\n")
        two = weft("predict", result, "--newdata", "two.csv", cwd=ws.path)
        expect_ok(two)
        for args in ([], ["--type", "link"], ["--population"]):
            r = weft("predict", result, "--newdata", "one.csv", *args, cwd=ws.path)
            expect_ok(r)
            one = read_prediction(r.out, "one-row newdata")
            check(len(one) == 1, "one-row newdata gave %d predictions" % len(one))
            if not args:
                check(one[0] == read_prediction(two.out, "two rows")[0],
                      "one-row prediction differs from the same row among two")


@test
def test_verbose_and_quiet():
    # --verbose: one trace line per optimizer evaluation on stderr, stdout unchanged; --quiet
    # and a pipe: nothing on stderr; both together: a usage error
    with Workspace() as ws:
        plain = weft("fit", "config.yaml", cwd=ws.path)
        expect_ok(plain)
        check(plain.err == "", "a fit in a pipe wrote to stderr: " + plain.describe())
        verbose = weft("fit", "config.yaml", "--verbose", cwd=ws.path)
        expect_ok(verbose)
        lines = [l for l in verbose.err.splitlines() if l.startswith("iteration")]
        check(len(lines) >= 10, "--verbose gave %d iteration lines: %s" % (len(lines), verbose.err[:300]))
        check(all("deviance" in l and "parameters" in l for l in lines), "trace line lacks deviance/parameters")
        check(verbose.out == plain.out, "--verbose changed stdout")
        quiet = weft("fit", "config.yaml", "--quiet", cwd=ws.path)
        expect_ok(quiet)
        check(quiet.err == "" and quiet.out == plain.out, "--quiet: " + quiet.describe())
        both = weft("fit", "config.yaml", "--quiet", "--verbose", cwd=ws.path)
        check(both.rc == 2, "--quiet --verbose should be a usage error: " + both.describe())


@test
def test_na_action_omit_and_na_predictions():
    with Workspace(model=CBPP_MODEL) as ws:
        body = csv_rows(ws.file("data.csv"))
        header = list(body[0])
        body[3]["incidence"] = "NA"
        body[7]["herd"] = ""
        write_csv(ws.file("data.csv"), body, header)
        expect_input_error(weft("fit", "config.yaml", cwd=ws.path), ["row 4", "incidence", "na_action"])
        ws.write("config.yaml", CBPP_MODEL + "na_action: omit\n")
        r = weft("fit", "config.yaml", "--format", "json", "--output", "result.json", cwd=ws.path)
        expect_ok(r)
        with open(ws.file("result.json"), encoding="utf-8") as fh:
            doc = parse_json(fh.read(), "result.json")
        check(doc.get("n_omitted") == 2 and doc.get("nobs") == len(body) - 2,
              "n_omitted %r nobs %r" % (doc.get("n_omitted"), doc.get("nobs")))
        text = weft("fit", "config.yaml", cwd=ws.path)
        check("2 observations deleted due to missingness" in text.out, "summary lacks n_omitted")
        ws.write("config.yaml", CBPP_MODEL + "na_action: sometimes\n")
        expect_input_error(weft("fit", "config.yaml", cwd=ws.path), ["na_action", "fail or omit"])
        ws.write("new.csv", "herd,period\n1,2\nNA,2\n1,\n2,3\n")
        p = weft("predict", "result.json", "--newdata", "new.csv", cwd=ws.path)
        expect_ok(p)
        values = p.out.strip().splitlines()[1:]
        check(len(values) == 4 and values[1] == "NA" and values[2] == "NA" and values[0] != "NA"
              and values[3] != "NA", "predictions with missing rows: %r" % values)


@test
def test_predict_missing_result():
    with Workspace() as ws:
        before = ws.listing()
        line = expect_input_error(weft("predict", "no_such_result.json", "--newdata", "data.csv",
                                       "--output", "pred.csv", cwd=ws.path), ["no_such_result.json"])
        expect_no_output_left(ws, before, "pred.csv")


@test
def test_predict_not_json():
    with Workspace() as ws:
        ws.write("garbage.json", "this is not JSON {\n")
        ws.write("empty.json", "")
        ws.write("array.json", "[1, 2, 3]\n")
        ws.write("other.json", '{"hello": "world"}\n')
        shutil.copyfile(ws.file("data.csv"), ws.file("data_copy.json"))
        before = ws.listing()
        for name in ("garbage.json", "empty.json", "array.json", "other.json", "data_copy.json"):
            expect_input_error(weft("predict", name, "--newdata", "data.csv", "--output", "pred.csv",
                                    cwd=ws.path), [name])
            expect_no_output_left(ws, before, "pred.csv")
        # a result document cut short
        fitted_cbpp(ws)
        with open(ws.file("result.json"), encoding="utf-8") as fh:
            text = fh.read()
        ws.write("truncated.json", text[: len(text) // 2])
        expect_input_error(weft("predict", "truncated.json", "--newdata", "data.csv", cwd=ws.path),
                           ["truncated.json"])


@test
def test_predict_newdata_missing_column():
    with Workspace() as ws:
        result = fitted_cbpp(ws)
        data = csv_rows(ws.file("data.csv"))
        write_csv(ws.file("no_period.csv"), data, ["herd", "incidence", "size"])
        write_csv(ws.file("no_herd.csv"), data, ["period", "incidence", "size"])
        before = ws.listing()
        for args in ([], ["--type", "link"]):
            expect_input_error(weft("predict", result, "--newdata", "no_period.csv", "--output", "pred.csv",
                                    *args, cwd=ws.path), ["no_period.csv", "period"])
            expect_no_output_left(ws, before, "pred.csv")
        expect_input_error(weft("predict", result, "--newdata", "no_herd.csv", "--output", "pred.csv",
                                cwd=ws.path), ["no_herd.csv", "herd"])
        expect_no_output_left(ws, before, "pred.csv")
        expect_input_error(weft("predict", result, "--newdata", "missing.csv", cwd=ws.path), ["missing.csv"])
        expect_input_error(weft("predict", result, "--newdata", "data.csv", "--type", "probability",
                                cwd=ws.path), ["--type", "probability"])


# --------------------------------------------------------------------------------------------
# ordinal responses (issue 14): the wine data of ordinal::clmm


WINE_CSV = os.path.join(ROOT, "tests", "reference", "ordinal", "wine_logit", "data.csv")
WINE_MODEL = ("data: data.csv\n"
              "formula: rating ~ temp + contact + (1 | judge)\n"
              "family: ordinal\n")
# ordinal 2022.11-16 clmm (tests/reference/ordinal/wine_logit; exact Laplace SEs)
WINE_REF = {"thresholds": {"1|2": -1.62366689843209, "2|3": 1.51336516260223, "3|4": 4.22852665839039,
                           "4|5": 6.08877252405126},
            "fixef": {"tempwarm": 3.06299659386444, "contactyes": 1.83488490601231},
            "se": {"tempwarm": 0.595379177141905, "contactyes": 0.512530954746996},
            "loglik": -81.565409292127}


class WineWorkspace(Workspace):
    def __init__(self, model=WINE_MODEL):
        super().__init__(model=model, data=False)
        shutil.copyfile(WINE_CSV, self.file("data.csv"))


@test
def test_fit_ordinal_wine():
    with WineWorkspace() as ws:
        r = weft("fit", "config.yaml", "--format", "json", cwd=ws.path)
        expect_ok(r)
        doc = parse_json(r.out, "wine result")
        check(list(doc["family_parameters"]) == list(WINE_REF["thresholds"]),
              "thresholds named as ordinal names them: %r" % list(doc["family_parameters"]))
        for name, value in WINE_REF["thresholds"].items():
            close(doc["family_parameters"][name], value, 2e-3, "threshold " + name)
            close(doc["derived_parameters"][name], doc["family_parameters"][name], 1e-12, "implied threshold " + name)
            check(doc["family_parameters_se"][name] > 0, "threshold %s has a standard error" % name)
        check(list(doc["fixef"]) == list(WINE_REF["fixef"]), "no intercept in X: %r" % list(doc["fixef"]))
        for name, value in WINE_REF["fixef"].items():
            close(doc["fixef"][name], value, 2e-3, "fixef " + name)
            close(doc["se"][name], WINE_REF["se"][name], 2e-3 * WINE_REF["se"][name], "se " + name)
        close(doc["loglik"], WINE_REF["loglik"], 1e-4, "loglik")
        check(doc["response_levels"] == ["1", "2", "3", "4", "5"], "response_levels %r" % doc["response_levels"])
        check(doc["integrator"]["hessian"] == "observed", "clmm's Laplace uses the observed Hessian")
        text = weft("fit", "config.yaml", cwd=ws.path)
        expect_ok(text)
        for words in ("Cumulative link mixed model", "Response levels: 1 < 2 < 3 < 4 < 5", "Coefficients:",
                      "Threshold coefficients:"):
            check(words in text.out, "the summary lacks %r:\n%s" % (words, text.out))
        row = [line for line in text.out.splitlines() if line.startswith("1|2 ")]
        check(len(row) == 1, "no threshold row 1|2 in the summary")
        printed_close(row[0].split()[1], doc["family_parameters"]["1|2"], "printed threshold 1|2")
        # equidistant thresholds: clmm's parameters, and the thresholds they imply
        r = weft("fit", "config.yaml", "--format", "json", "--set", "family.thresholds=equidistant", cwd=ws.path)
        expect_ok(r)
        doc = parse_json(r.out, "equidistant result")
        check(list(doc["family_parameters"]) == ["threshold.1", "spacing"], "%r" % list(doc["family_parameters"]))
        close(doc["family_parameters"]["spacing"], 2.559, 0.01, "spacing")
        close(doc["derived_parameters"]["2|3"],
              doc["family_parameters"]["threshold.1"] + doc["family_parameters"]["spacing"], 1e-9, "implied 2|3")


def read_table(text, what):
    rows = list(csv.reader(io.StringIO(text)))
    check(len(rows) > 1, "%s: no rows: %r" % (what, text[:100]))
    return rows[0], rows[1:]


@test
def test_predict_ordinal_levels():
    with WineWorkspace() as ws:
        check(weft("fit", "config.yaml", "--format", "json", "--output", "result.json", cwd=ws.path).rc == 0,
              "the wine fit failed")
        data = csv_rows(ws.file("data.csv"))
        nd = data[:4] + [dict(data[0], judge="new_judge")]
        write_csv(ws.file("newdata.csv"), nd, ["temp", "contact", "judge"])  # no response needed
        r = weft("predict", "result.json", "--newdata", "newdata.csv", cwd=ws.path)
        expect_ok(r)
        header, rows = read_table(r.out, "probabilities")
        check(header == ["1", "2", "3", "4", "5"], "one column per level: %r" % header)
        probabilities = [[float(v) for v in row] for row in rows]
        for row in probabilities:
            close(sum(row), 1.0, 1e-12, "probabilities over the levels")
        classes = read_table(weft("predict", "result.json", "--newdata", "newdata.csv", "--type", "class",
                                  cwd=ws.path).out, "classes")
        check(classes[0] == ["class"], "class header %r" % classes[0])
        for row, (cls,) in zip(probabilities, classes[1]):
            check(cls == header[row.index(max(row))], "class %s is not the most probable level of %r" % (cls, row))
        population = read_table(weft("predict", "result.json", "--newdata", "newdata.csv", "--population",
                                     cwd=ws.path).out, "population")[1]
        check([float(v) for v in population[0]] == probabilities[4], "an unseen judge gets u = 0")
        link = read_prediction(weft("predict", "result.json", "--newdata", "newdata.csv", "--type", "link",
                                    "--population", cwd=ws.path).out, "link")
        with open(ws.file("result.json"), encoding="utf-8") as fh:
            fe = json.load(fh)["fixef"]
        for row, eta in zip(nd, link):
            want = fe["tempwarm"] * (row["temp"] == "warm") + fe["contactyes"] * (row["contact"] == "yes")
            close(eta, want, 1e-12, "eta = x'beta without thresholds")
    with Workspace() as ws:  # a response without levels has no classes
        result = fitted_cbpp(ws)
        expect_input_error(weft("predict", result, "--newdata", "data.csv", "--type", "class", cwd=ws.path),
                           ["--type class", "no levels"])


@test
def test_bad_ordinal_input():
    wine = WINE_MODEL.replace("family: ordinal\n", "")
    strings = "data: data.csv\nformula: temp ~ rating + (1 | judge)\n"
    cases = [
        (wine + "family: {name: ordinal, thresholds: flexibel}\n", ["config.yaml", "family.thresholds", "flexible"]),
        (wine + "family: {name: ordinal, threshold: flexible}\n", ["family.threshold", "did you mean 'thresholds'"]),
        (wine + "family: {name: ordinal, levels: [1, 2, 3]}\n", ["data.csv", "row", "'4'", "family.levels"]),
        (wine + "family: {name: ordinal, levels: [1, 2, 2, 3, 4, 5]}\n", ["family.levels", "'2' appears twice"]),
        (wine + "family: {name: ordinal, levels: [1, [2]]}\n", ["family.levels", "single values"]),
        (wine + "family: {name: ordinal, '2|3': 0.5}\n", ["family.2|3", "cannot be fixed"]),
        (wine + "family: {name: binomial, levels: [1, 2]}\n", ["family.levels", "binomial"]),
        (wine + "family: {name: nb2, theta: [1, 2]}\n", ["family.theta", "single value"]),
        (wine + "family: ordinal\nlink: log\n", ["link", "logit, probit, cloglog, loglog, cauchit"]),
        (wine + "family: ordinal\nstart: {family: {'1|2': 9}}\n", ["start.family", "'2|3'", "above '1|2'"]),
        (WINE_MODEL.replace("rating ~", "rating ~ 0 +"), ["formula", "intercept", "0 +"]),
        (strings + "family: ordinal\n", ["data.csv", "response temp", "no order", "levels: [cold, warm]"]),
        (strings + "family: {name: ordinal, levels: [cold, warm], thresholds: symmetric}\n",
         ["family", "symmetric thresholds need a response with at least 3 levels"]),
    ]
    for model, words in cases:
        with WineWorkspace(model=model) as ws:
            expect_input_error(weft("fit", "config.yaml", cwd=ws.path), words)


# --------------------------------------------------------------------------------------------
# plugin search paths


def shipped_listing(env=None, *args):
    r = weft("plugins", *args, env=env)
    expect_ok(r)
    return parse_plugins(r.out)


@test
def test_plugin_path_empty_dir():
    base_rows, _ = shipped_listing()
    with Workspace() as ws:
        os.mkdir(ws.file("empty_plugins"))
        r = weft("plugins", "--plugin-path", ws.file("empty_plugins"))
        expect_ok(r)
        rows, unusable = parse_plugins(r.out)
        check(rows == base_rows and not unusable,
              "an empty --plugin-path changed the listing: %r" % r.out)
        r = weft("plugins", "--plugin-path", ws.file("empty_plugins"), "--plugin-path", ws.file("empty_plugins"))
        expect_ok(r)
        # plugin_path in the YAML, relative to the YAML file, empty: the fit still works
        ws.write("config.yaml", CBPP_MODEL + "plugin_path: [empty_plugins/]\n")
        with Workspace(model=None, data=False) as elsewhere:
            r = weft("fit", ws.file("config.yaml"), "--format", "json", cwd=elsewhere.path)
        expect_ok(r)
        doc = parse_json(r.out, "fit with an empty plugin_path")
        close(doc["loglik"], CBPP_REF["loglik"], 2e-3, "loglik with an empty plugin_path")
        expect_ok(weft("fit", "config.yaml", "--set", "plugin_path=[empty_plugins]", cwd=ws.path))


@test
def test_weft_plugin_path_env():
    base_rows, _ = shipped_listing()
    poisson = [p for k, n, _, p in base_rows if (k, n) == ("family", "poisson")]
    check(poisson, "no poisson family plugin to copy")
    with Workspace() as ws:
        extra = ws.file("extra_plugins")
        os.mkdir(extra)
        copy = os.path.join(extra, "weft_family_poisson_copy.so")
        shutil.copyfile(poisson[0], copy)
        with open(os.path.join(extra, "broken.so"), "w") as fh:
            fh.write("not a shared library\n")
        empty = ws.file("empty_plugins")
        os.mkdir(empty)
        for value in (extra, empty + os.pathsep + extra):
            r = weft("plugins", env={"WEFT_PLUGIN_PATH": value})
            expect_ok(r)
            rows, unusable = parse_plugins(r.out)
            check(("family", "poisson", copy) in {(k, n, p) for k, n, _, p in rows},
                  "WEFT_PLUGIN_PATH=%s: the copied plugin %s is not listed:\n%s" % (value, copy, r.out))
            check(any(os.path.join(extra, "broken.so") in u for u in unusable),
                  "WEFT_PLUGIN_PATH=%s: broken.so not reported unusable:\n%s" % (value, r.out))
            check(SHIPPED_PLUGINS <= {(k, n) for k, n, _, _ in rows}, "shipped plugins missing with WEFT_PLUGIN_PATH")
        # a broken file on the path does not stop a fit
        r = weft("fit", "config.yaml", "--format", "json", cwd=ws.path, env={"WEFT_PLUGIN_PATH": extra})
        expect_ok(r)
        parse_json(r.out, "fit with WEFT_PLUGIN_PATH")
        # the environment is read only when set
        r = weft("plugins")
        check(copy not in r.out and "broken.so" not in r.out, "plugins listed without WEFT_PLUGIN_PATH")

    # the build tree's deliberately broken plugins (tests/plugins): found through the variable,
    # refused or reported with one line, never a crash
    test_dir = os.environ.get("WEFT_TEST_PLUGIN_DIR")
    if not (test_dir and os.path.isdir(test_dir)):
        return
    test_dir = os.path.abspath(test_dir)
    env = {"WEFT_PLUGIN_PATH": test_dir}
    r = weft("plugins", env=env)
    expect_ok(r)
    rows, unusable = parse_plugins(r.out)
    check(("family", "throws") in {(k, n) for k, n, _, _ in rows}, "test plugin 'throws' not listed:\n" + r.out)
    check(any("ABI" in u for u in unusable), "the wrong-ABI plugin is not reported:\n" + r.out)
    with Workspace(model=CBPP_MODEL.replace("family: binomial", "family: throws")) as ws:
        expect_input_error(weft("fit", "config.yaml", cwd=ws.path), ["config.yaml", "throws", "unknown family"])
        line = expect_input_error(weft("fit", "config.yaml", cwd=ws.path, env=env),
                                  ["config.yaml", "throws", "weft_test_throwing_family"])
        expect_ok(weft("fit", "config.yaml", "--set", "family=binomial", cwd=ws.path, env=env))


# --------------------------------------------------------------------------------------------


def main(argv):
    global WEFT
    names = [fn.__name__[len("test_"):] for fn in TESTS]
    if len(argv) >= 2 and argv[1] == "--list":
        print("\n".join(names))
        return 0
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0 if len(argv) >= 2 else 2
    WEFT = os.path.abspath(argv[1]) if os.sep in argv[1] else (shutil.which(argv[1]) or os.path.abspath(argv[1]))
    selected = argv[2:] or names
    unknown = [n for n in selected if n not in names]
    if unknown:
        sys.stderr.write("test_cli.py: no such test(s): %s (see --list)\n" % ", ".join(unknown))
        return 2
    passed = failed = 0
    for fn in TESTS:
        name = fn.__name__[len("test_"):]
        if name not in selected:
            continue
        if not os.path.isfile(WEFT):
            reason = "weft binary not found: %s" % argv[1]
        else:
            try:
                fn()
                reason = None
            except Failure as exc:
                reason = str(exc)
            except Exception:  # a bug in this script: show where
                reason = "test error: " + traceback.format_exc().strip().replace("\n", " | ")
        if reason is None:
            passed += 1
            print("PASS %s" % name, flush=True)
        else:
            failed += 1
            print("FAIL %s: %s" % (name, reason), flush=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
