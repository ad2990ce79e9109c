## Makes every reference case of tests/reference/cases/ and tests/reference/optimizer_variants.txt.
##
##     Rscript tests/reference/R/make_all.R            # from the repository root
##
## Needs R 4.2.2 with lme4 1.1-31, glmmTMB 1.1.5 (TMB 1.9.2) and jsonlite (other versions give
## slightly different numbers; the reference strings record the versions used).  Deterministic:
## every case sets its own seed.  Takes about 15 seconds.  The BLAS in use (ATLAS) gives results
## that depend on memory alignment, so with address-space randomisation a few fits take another
## optimizer path and the files change in the 8th-9th significant digit; for byte-identical
## files run
##     setarch "$(uname -m)" -R Rscript tests/reference/R/make_all.R
## (that is how the committed files were made).  Any warning or convergence message of a
## reference fit stops the script (see helpers.R).
##
## Files:  helpers.R       JSON writer, fitting/extraction helpers, the AGQ evaluator
##         cases_kernel.R  Laplace cases (lme4; probit_observed with glmmTMB), singular, max_evaluations
##         cases_agq.R     nAGQ > 1 cases and the loglik-scale rule
##         cases_counts.R  nb2 (lme4 and glmmTMB), zip, hurdle_nb2, zinb2, Poisson-vs-NB2 AIC pair
##         cases_families.R  nb1, gamma (log, inverse), beta, zoib (glmmTMB), the zoib recovery
##                         data (recovery/zoib) and examples/family-plugin's genpois reference
##         cases_edge.R    tests/reference/edge/: models from glmmTMB's and lme4's own tests
##                         (numbers pinned there), sourced last, after the check of cases/
##         cases_lmm.R     tests/reference/lmm/: lmer references (REML and ML) and glmmTMB's
##                         REML = TRUE for poisson/binomial/gaussian (issue 13); checks its folders
##         cases_ordinal.R tests/reference/ordinal/: ordinal::clmm references (issue 14; needs the
##                         ordinal package, about 1 CPU minute); checks its folders
##         recovery_ordinal.R  recovery/ordinal_symmetric: simulated loglog data with symmetric
##                         thresholds, for check_recovery.py

Sys.setenv(LC_COLLATE = "C")
invisible(Sys.setlocale("LC_COLLATE", "C"))
source(file.path("tests", "reference", "R", "helpers.R"))

dir.create(REF_ROOT, recursive = TRUE, showWarnings = FALSE)
source(file.path("tests", "reference", "R", "cases_kernel.R"))
source(file.path("tests", "reference", "R", "cases_agq.R"))
source(file.path("tests", "reference", "R", "cases_counts.R"))
source(file.path("tests", "reference", "R", "cases_families.R"))

## Cases whose reference is an lme4 fit (Laplace or AGQ): weft must also reproduce them with
## --set optimizer=bobyqa.  glmmTMB references and the max_evaluations error case are left out.
cases <- sort(list.files(REF_ROOT))
lme4_cases <- Filter(function(n) {
  f <- case_path(n, "expected.json")
  file.exists(f) && startsWith(jsonlite::fromJSON(f)$reference, "lme4 ")
}, cases)
writeLines(c("# Cases (tests/reference/cases/<name>) that must also pass with `--set optimizer=bobyqa`:",
             "# every case whose reference is an lme4 fit (Laplace or AGQ).  Written by R/make_all.R.",
             lme4_cases),
           file.path("tests", "reference", "optimizer_variants.txt"))

## every folder complete?
for (n in cases) {
  have <- file.exists(case_path(n, c("data.csv", "config.yaml")))
  exp <- file.exists(case_path(n, c("expected.json", "expected_error.json")))
  if (!all(have) || sum(exp) != 1) stop("case ", n, " is incomplete")
}
cat(sprintf("%d cases written to %s (%d in optimizer_variants.txt)\n", length(cases), REF_ROOT, length(lme4_cases)))

## tests/reference/edge/ (checks its own folders)
source(file.path("tests", "reference", "R", "cases_edge.R"))

## tests/reference/lmm/ (checks its own folders)
source(file.path("tests", "reference", "R", "cases_lmm.R"))

## tests/reference/ordinal/ (checks its own folders)
source(file.path("tests", "reference", "R", "cases_ordinal.R"))

## tests/reference/recovery/ordinal_symmetric (simulation recovery of the ordinal family)
source(file.path("tests", "reference", "R", "recovery_ordinal.R"))
