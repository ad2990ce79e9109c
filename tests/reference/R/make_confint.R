# lme4 confidence intervals (profile and Wald) for tests/reference/confint/<case>/:
# data.csv, config.yaml and expected_confint.json in the layout of weft's "confint" block.
# Run from tests/reference: Rscript R/make_confint.R
# The fits use tight optimizer settings (cbpp: see the note there).
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
options(digits = 15)
tight_glmer <- glmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 0.2, rhoend = 1e-10, maxfun = 1e5))
tight_lmer <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 0.2, rhoend = 1e-10, maxfun = 1e5))

block <- function(fit, ci, method, call) {
  rn <- rownames(ci)
  fe <- names(fixef(fit))
  fixef_ci <- setNames(lapply(fe, function(n) unname(ci[n, ])), fe)
  random <- list(); corr <- list(); fam <- list()
  if (method == "profile") {
    for (g in names(getME(fit, "cnms"))) {
      terms <- getME(fit, "cnms")[[g]]
      sds <- lapply(terms, function(t) unname(ci[paste0("sd_", t, "|", g), ]))
      random[[length(random) + 1]] <- list(group = g, terms = I(terms), sd = sds)
      if (length(terms) > 1) for (j in 1:(length(terms) - 1)) for (i in (j + 1):length(terms)) {
        nm <- paste0("cor_", terms[i], ".", terms[j], "|", g)
        corr[[length(corr) + 1]] <- list(group = g, terms = c(terms[j], terms[i]), interval = unname(ci[nm, ]))
      }
    }
    if ("sigma" %in% rn) fam$sigma <- unname(ci["sigma", ])
  }
  list(reference = paste(call, "[lme4", as.character(packageVersion("lme4")), "]"),
       method = method, level = 0.95, fixef = fixef_ci, random = random, corr = corr,
       family_parameters = if (length(fam)) fam else setNames(list(), character(0)))
}

write_case <- function(name, data, yaml, fit, call, wald = TRUE) {
  dir <- file.path("confint", name)
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  write.csv(data, file.path(dir, "data.csv"), row.names = FALSE)
  writeLines(yaml, file.path(dir, "config.yaml"))
  t0 <- proc.time()[["elapsed"]]
  prof <- confint(fit, method = "profile", oldNames = FALSE)
  secs <- proc.time()[["elapsed"]] - t0
  wald <- confint(fit, method = "Wald", oldNames = FALSE)
  out <- list(profile = block(fit, prof, "profile", paste0(call, "; confint(fit, method = \"profile\")")),
              wald = block(fit, wald, "wald", paste0(call, "; confint(fit, method = \"Wald\")")))
  if (!wald) out$wald <- NULL
  out$profile$info <- list(lme4_seconds = secs)
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(dir, "expected_confint.json"))
  cat(name, "profile", secs, "s\n")
}

d <- cbpp
d$period <- paste0("P", d$period)  # text levels: weft reads a numeric column as numbers
fit <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), d, binomial, control = tight_glmer)
write_case("cbpp", d, c("data: data.csv", "formula: cbind(incidence, size - incidence) ~ period + (1 | herd)",
                        "family: binomial"), fit, "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial, tight bobyqa)",
           # No Wald reference: even with these settings glmer stops 2.8e-4 below the maximum of
           # the log-likelihood weft reaches (-92.02657 vs -92.02628), and its finite-difference
           # vcov there gives SEs 0.5 % smaller (0.2312 vs 0.2325), beyond the 0.1 % tolerance.
           wald = FALSE)

d <- sleepstudy
fit <- lmer(Reaction ~ Days + (Days | Subject), d, REML = FALSE, control = tight_lmer)
write_case("sleepstudy_ml", d, c("data: data.csv", "formula: Reaction ~ Days + (Days | Subject)",
                                 "family: gaussian", "reml: false"), fit,
           "lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = FALSE, tight bobyqa)")

# A REML fit: lme4 profiles it by ML (the profile block equals sleepstudy_ml's), Wald is REML's.
fit <- lmer(Reaction ~ Days + (Days | Subject), d, control = tight_lmer)
write_case("sleepstudy_reml", d, c("data: data.csv", "formula: Reaction ~ Days + (Days | Subject)",
                                   "family: gaussian"), fit,
           "lmer(Reaction ~ Days + (Days | Subject), sleepstudy, tight bobyqa)")

d <- grouseticks[, c("TICKS", "YEAR", "BROOD")]
d$YEAR <- paste0("Y", d$YEAR)
fit <- glmer(TICKS ~ YEAR + (1 | BROOD), d, poisson, control = tight_glmer)
write_case("grouseticks_poisson", d, c("data: data.csv", "formula: TICKS ~ YEAR + (1 | BROOD)", "family: poisson"),
           fit, "glmer(TICKS ~ YEAR + (1 | BROOD), grouseticks, poisson, tight bobyqa)")
