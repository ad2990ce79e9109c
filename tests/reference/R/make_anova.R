# lme4's anova() of nested models (glmmTMB's for one case, see (d)) for tests/reference/anova/<case>/: one YAML per model (named
# after the R object, data.csv of another reference folder, relative to the YAML) and
# expected_anova.json with lme4's table, rows in anova's order (by npar).
# Run from tests/reference: Rscript R/make_anova.R
# The fits use tight optimizer settings, as R/make_confint.R's; REML fits are refitted by ML
# by anova() itself (refit = TRUE), as `weft compare` does.
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
options(digits = 15)
tight_glmer <- glmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 0.2, rhoend = 1e-10, maxfun = 1e5))
tight_lmer <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 0.2, rhoend = 1e-10, maxfun = 1e5))

# models: a named list of fits; yaml: the same names, each the YAML lines; data: the CSV,
# relative to the case folder; order: the files in the order the checker passes them.
write_case <- function(name, models, yaml, data, call, order = names(models)) {
  dir <- file.path("anova", name)
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  for (m in names(yaml))
    writeLines(c(paste("data:", data), yaml[[m]]), file.path(dir, paste0(m, ".yaml")))
  a <- do.call(anova, c(unname(models), list(model.names = names(models))))
  # glmmTMB's anova: lme4's columns, npar named Df and Df named Chi Df
  if ("Chi Df" %in% names(a)) names(a)[match(c("Df", "Chi Df"), names(a))] <- c("npar", "Df")
  num <- function(v) if (is.na(v)) NULL else unname(v)
  rows <- lapply(rownames(a), function(r) list(
    name = r, npar = a[r, "npar"], AIC = a[r, "AIC"], BIC = a[r, "BIC"], logLik = a[r, "logLik"],
    deviance = a[r, "deviance"], Chisq = num(a[r, "Chisq"]), Df = num(a[r, "Df"]),
    `Pr(>Chisq)` = num(a[r, "Pr(>Chisq)"])))
  package <- if (inherits(models[[1]], "glmmTMB")) "glmmTMB" else "lme4"
  out <- list(reference = paste0(call, " [", package, " ", as.character(packageVersion(package)), "]"),
              files = paste0(order, ".yaml"), rows = rows)
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
             file.path(dir, "expected_anova.json"))
  print(a)
}

# (a) lmer, REML by default: anova refits both by ML.
d <- read.csv("confint/sleepstudy_ml/data.csv")
m1 <- lmer(Reaction ~ Days + (1 | Subject), d, control = tight_lmer)
m2 <- lmer(Reaction ~ Days + (Days | Subject), d, control = tight_lmer)
write_case("sleepstudy", list(m1 = m1, m2 = m2),
           list(m1 = c("formula: Reaction ~ Days + (1 | Subject)", "family: gaussian"),
                m2 = c("formula: Reaction ~ Days + (Days | Subject)", "family: gaussian")),
           "../../confint/sleepstudy_ml/data.csv",
           "anova(lmer(Reaction ~ Days + (1 | Subject)), lmer(Reaction ~ Days + (Days | Subject))), sleepstudy, tight bobyqa",
           order = c("m2", "m1"))

# (b) three models, an uncorrelated slope in the middle, fitted by ML.
m0 <- lmer(Reaction ~ Days + (1 | Subject), d, REML = FALSE, control = tight_lmer)
m1 <- lmer(Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), d, REML = FALSE, control = tight_lmer)
m2 <- lmer(Reaction ~ Days + (Days | Subject), d, REML = FALSE, control = tight_lmer)
write_case("sleepstudy_three", list(m0 = m0, m1 = m1, m2 = m2),
           list(m0 = c("formula: Reaction ~ Days + (1 | Subject)", "family: gaussian", "reml: false"),
                m1 = c("formula: Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", "family: gaussian", "reml: false"),
                m2 = c("formula: Reaction ~ Days + (Days | Subject)", "family: gaussian", "reml: false")),
           "../../confint/sleepstudy_ml/data.csv",
           "anova(m0, m1, m2): lmer(Reaction ~ Days + (1 | Subject) [+ (0 + Days | Subject)] / (Days | Subject), REML = FALSE), sleepstudy, tight bobyqa",
           order = c("m1", "m2", "m0"))

# (c) glmer binomial: cbpp with and without period.
d <- read.csv("confint/cbpp/data.csv")
g0 <- glmer(cbind(incidence, size - incidence) ~ 1 + (1 | herd), d, binomial, control = tight_glmer)
g1 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), d, binomial, control = tight_glmer)
write_case("cbpp", list(g0 = g0, g1 = g1),
           list(g0 = c("formula: cbind(incidence, size - incidence) ~ 1 + (1 | herd)", "family: binomial"),
                g1 = c("formula: cbind(incidence, size - incidence) ~ period + (1 | herd)", "family: binomial")),
           "../../confint/cbpp/data.csv",
           "anova(glmer(cbind(incidence, size - incidence) ~ 1 / period + (1 | herd), cbpp, binomial)), tight bobyqa")

# (d) Poisson: grouseticks with and without YEAR. The reference is glmmTMB's (the same Laplace
# likelihood): glmer stops on p0 at logLik -1037.94771 (theta 1.5783, even with tight bobyqa,
# Nelder-Mead or other starts), below the maximum -1037.93924 that glmmTMB and weft reach
# (SD 1.5823); its Chisq (45.308) is 0.017 too large. glmer's p1 agrees with glmmTMB's.
suppressPackageStartupMessages(library(glmmTMB))
d <- read.csv("confint/grouseticks_poisson/data.csv")
p0 <- glmmTMB(TICKS ~ 1 + (1 | BROOD), d, poisson)
p1 <- glmmTMB(TICKS ~ YEAR + (1 | BROOD), d, poisson)
write_case("grouseticks_poisson", list(p0 = p0, p1 = p1),
           list(p0 = c("formula: TICKS ~ 1 + (1 | BROOD)", "family: poisson"),
                p1 = c("formula: TICKS ~ YEAR + (1 | BROOD)", "family: poisson")),
           "../../confint/grouseticks_poisson/data.csv",
           "anova(glmmTMB(TICKS ~ 1 / YEAR + (1 | BROOD), grouseticks, poisson))")
