# lme4 / glmmTMB references for simulation, residuals and the parametric bootstrap:
# tests/reference/inference/<case>/ holds data.csv, config.yaml and expected_inference.json with
#  - residuals: residuals(fit, type = "response" | "pearson" | "deviance") (conditional on the
#    modes, as lme4 and glmmTMB compute them). For an LMM lme4's pearson residuals are
#    sqrt(w) (y - mu), not divided by sigma: they are written divided by sigma(fit), as weft
#    (and glmmTMB) report them.
#  - simulate: per-row mean and SD of simulate(fit, nsim) (new random effects, lme4's default)
#    and with use.u = TRUE (conditional on the modes). weft's draws come from another
#    generator, so tests compare these moments within their Monte Carlo error.
#  - bootstrap: mean, SD and 2.5 / 97.5 % quantiles (type 7) of bootMer's parametric
#    replicates of every parameter confint() reports (lme4's names).
# Run from tests/reference: Rscript R/make_inference.R
suppressPackageStartupMessages({library(lme4); library(glmmTMB); library(jsonlite)})
options(digits = 15)
# Tight optimizer settings, so that residuals compare at weft's optimum (glmer's defaults stop
# about 1e-3 short of it on cbpp).
tight_glmer <- glmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 0.2, rhoend = 1e-10, maxfun = 1e5))

moments <- function(sims) {
  m <- as.matrix(as.data.frame(lapply(sims, function(s) if (is.matrix(s)) s[, 1] / rowSums(s) else s)))
  list(mean = unname(rowMeans(m)), sd = unname(apply(m, 1, sd)))
}

# confint()'s parameters of a merMod, named as weft (and lme4's oldNames = FALSE) names them.
reported <- function(m) {
  vc <- as.data.frame(VarCorr(m), order = "lower.tri")
  out <- c()
  for (r in seq_len(nrow(vc))) {
    if (vc$grp[r] == "Residual") next
    if (is.na(vc$var2[r])) out[paste0("sd_", vc$var1[r], "|", vc$grp[r])] <- vc$sdcor[r]
  }
  for (r in seq_len(nrow(vc)))
    if (!is.na(vc$var2[r])) out[paste0("cor_", vc$var2[r], ".", vc$var1[r], "|", vc$grp[r])] <- vc$sdcor[r]
  if (isLMM(m)) out["sigma"] <- sigma(m)
  c(out, fixef(m))
}

write_case <- function(name, data, yaml, fit, call, nsim_sim = 4000, nsim_boot = 0, sigma_scale = 1,
                       resid_fit = fit) {
  dir <- file.path("inference", name)
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  write.csv(data, file.path(dir, "data.csv"), row.names = FALSE)
  writeLines(yaml, file.path(dir, "config.yaml"))
  res <- list(response = unname(residuals(resid_fit, type = "response")),
              pearson = unname(residuals(resid_fit, type = "pearson")) / sigma_scale)
  if (inherits(resid_fit, "merMod")) res$deviance <- unname(residuals(resid_fit, type = "deviance"))
  if (inherits(resid_fit, "glmmTMB") && family(resid_fit)$family == "binomial") {
    # R's binomial deviance residuals at glmmTMB's fitted values (its cbind response: y, trials)
    y <- resid_fit$frame[[1]]; n <- rowSums(y); mu <- fitted(resid_fit)
    res$deviance <- unname(sign(y[, 1] / n - mu) * sqrt(binomial()$dev.resids(y[, 1] / n, mu, n)))
  }
  set.seed(1)
  sim <- list(nsim = nsim_sim, unconditional = moments(simulate(fit, nsim = nsim_sim)))
  if (inherits(fit, "merMod")) sim$conditional <- moments(simulate(fit, nsim = nsim_sim, use.u = TRUE))
  out <- list(reference = paste(call, "[lme4", as.character(packageVersion("lme4")), ", glmmTMB",
                                as.character(packageVersion("glmmTMB")), "]"),
              residuals = res, simulate = sim)
  if (nsim_boot > 0) {
    b <- bootMer(fit, reported, nsim = nsim_boot, seed = 1, type = "parametric")
    t <- b$t
    out$bootstrap <- list(nsim = nsim_boot,
      names = colnames(t),
      mean = unname(colMeans(t, na.rm = TRUE)), sd = unname(apply(t, 2, sd, na.rm = TRUE)),
      median = unname(apply(t, 2, median, na.rm = TRUE)),
      q25 = unname(apply(t, 2, quantile, 0.25, na.rm = TRUE)),
      q75 = unname(apply(t, 2, quantile, 0.75, na.rm = TRUE)),
      lower = unname(apply(t, 2, quantile, 0.025, na.rm = TRUE)),
      upper = unname(apply(t, 2, quantile, 0.975, na.rm = TRUE)))
  }
  write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(dir, "expected_inference.json"))
  cat(name, "written\n")
}

f <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial, control = tight_glmer)
# Residuals from glmmTMB: glmer stops 2.8e-4 short of the log-likelihood weft and glmmTMB
# reach on cbpp (tests/reference/README), which moves its residuals by 1e-3.
tmb <- glmmTMB(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, family = binomial)
write_case("cbpp", cbpp,
  c("data: data.csv", "formula: cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "family: binomial"),
  f, "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial); residuals: glmmTMB",
  nsim_boot = 1000, resid_fit = tmb)

f <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
write_case("sleepstudy", sleepstudy,
  c("data: data.csv", "formula: Reaction ~ Days + (Days | Subject)", "family: gaussian"),
  f, "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)", nsim_boot = 1000, sigma_scale = sigma(f))

g <- transform(grouseticks, cHEIGHT = HEIGHT - mean(HEIGHT))
f <- glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION), g, poisson, control = tight_glmer)
write_case("grouseticks", g[, c("INDEX", "TICKS", "BROOD", "HEIGHT", "YEAR", "LOCATION", "cHEIGHT")],
  c("data: data.csv", "formula: TICKS ~ factor(YEAR) + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)", "family: poisson"),
  f, "glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION), grouseticks, poisson)")

o <- transform(Owls, logBrood = log(BroodSize))
f <- glmmTMB(SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBrood) + (1 | Nest), o, family = nbinom2)
write_case("owls_nb2", o[, c("Nest", "FoodTreatment", "SexParent", "SiblingNegotiation", "BroodSize", "logBrood")],
  c("data: data.csv", "formula: SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBrood) + (1 | Nest)",
    "family: nb2", "integrator: {name: laplace, hessian: observed}"),
  f, "glmmTMB(SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize)) + (1 | Nest), Owls, nbinom2)")
