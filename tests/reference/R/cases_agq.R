## AGQ reference cases (lme4, nAGQ > 1).  Sourced by make_all.R; run from the repository
## root:  Rscript tests/reference/R/make_all.R
##
## loglik scale.  weft reports the FULL log-likelihood (every normalising constant).  lme4's
## logLik() of an nAGQ > 1 fit is the AGQ log-likelihood MINUS the saturated log-likelihood
## sum_i log p(y_i | mu_i = y_i) (its deviance is built from deviance residuals and drops the
## family's aic() term that the nAGQ = 1 deviance has):
##     full = logLik_lme4 + saturated_loglik(fit)
## binomial: saturated = sum dbinom(s_i, n_i, s_i / n_i, log = TRUE)   (0 for 0/1 data, weights 1)
## poisson:  saturated = sum w_i dpois(y_i, y_i, log = TRUE)          (= y log y - y - log y!;
##           nonzero, so lme4 drops log(y!) AND y log y - y for poisson too)
## Each case re-evaluates the AGQ integral itself (agq_full_loglik in helpers.R) at lme4's
## optimum and stops unless it equals logLik_lme4 + saturated to 1e-6; the same evaluator with
## points = 1 must reproduce lme4's nAGQ = 1 logLik(), and the rule is also checked on the
## public case shared/parity/cases/cbpp_agq25 when that folder is present.

agq_case <- function(name, call_fmt, d, points, family, link, info = list()) {
  call <- sprintf(call_fmt, points)
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  if (isSingular(r$fit)) stop("case ", name, ": unexpectedly singular")
  fit <- r$fit
  ll_lme4 <- as.numeric(logLik(fit))
  sat <- saturated_loglik(fit)
  full <- agq_full_loglik(fit, points)
  if (abs(full - (ll_lme4 + sat)) > 1e-6) {
    stop(sprintf("case %s: AGQ rule fails: own %.10f vs lme4 + saturated %.10f", name, full, ll_lme4 + sat))
  }
  ## the same model at nAGQ = 1 (Laplace), and the evaluator at points = 1 on that fit
  lap <- run_call(sprintf(call_fmt, 1L), d)
  lap_ll <- as.numeric(logLik(lap$fit))
  lap_own <- agq_full_loglik(lap$fit, 1)
  if (abs(lap_ll - lap_own) > 1e-6) stop("case ", name, ": evaluator does not reproduce lme4's Laplace logLik")
  info <- c(list(
    loglik_note = paste("loglik/aic/bic use the full AGQ log-likelihood (loglik_normalised). lme4's logLik() for nAGQ > 1",
                        "= full - loglik_saturated (checked here to 1e-6 by evaluating the AGQ formula of numerics.md at lme4's optimum)."),
    loglik_lme4 = ll_lme4,
    loglik_saturated = sat,
    loglik_normalised = full,
    loglik_correction = full - ll_lme4,
    loglik_scale = "full",
    laplace_same_model = list(loglik_lme4_nAGQ1 = lap_ll, own_evaluator_points1 = lap_own,
                              minus_half_deviance_nAGQ1 = -deviance(lap$fit) / 2,
                              note = "at nAGQ = 1 lme4's logLik() already is the full value; deviance() of a glmer fit is the conditional deviance, not -2 logLik"),
    own_evaluator_other_points = named(c(points_1 = agq_full_loglik(fit, 1),
                                         points_5 = agq_full_loglik(fit, 5),
                                         points_25 = agq_full_loglik(fit, 25)))),
    info)
  e <- lme4_expected(r, family, link, loglik = full, info = info)
  write_expected(name, e)
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f (lme4 %.6f, saturated %.6f)\n", name, e$nobs,
              length(e$fixef), e$loglik, ll_lme4, sat))
  invisible(r)
}

## check of the rule on the public cbpp case (not written anywhere but the console)
local({
  f <- "/work/shared/parity/cases/cbpp_agq25/data.csv"
  for (p in c("../shared/parity/cases/cbpp_agq25/data.csv", f)) if (file.exists(p)) { f <- p; break }
  if (file.exists(f)) {
    d <- read.csv(f, stringsAsFactors = TRUE)
    r <- run_call(sprintf("glmer(cbind(incidence, size - incidence) ~ factor(period) + (1 | herd), data = d, family = binomial, nAGQ = 25, control = %s)", LME4_CTRL), d)
    full <- agq_full_loglik(r$fit, 25)
    cat(sprintf("cbpp_agq25 check: lme4 %.6f + saturated %.6f = %.6f; own AGQ evaluation %.6f (public expected -91.98337)\n",
                as.numeric(logLik(r$fit)), saturated_loglik(r$fit), as.numeric(logLik(r$fit)) + saturated_loglik(r$fit), full))
    if (abs(full + 91.98337) > 1e-4) stop("cbpp_agq25 rule check failed")
  }
})

## 13. sparse binary data, 2-5 rows per group, nAGQ = 5, 10, 25 -----------------------------
local({
  set.seed(1313)
  ng <- 150
  sizes <- sample(2:5, ng, replace = TRUE)
  g <- rep(sprintf("s%03d", seq_len(ng)), times = sizes)
  gi <- rep(seq_len(ng), times = sizes)
  x <- round(rnorm(length(g)), 3)
  u <- rnorm(ng, 0, 1.3)
  y <- rbinom(length(g), 1, plogis(-1.2 + 0.6 * x + u[gi]))
  df <- data.frame(g = g, x = x, y = y)
  for (pts in c(5L, 10L, 25L)) {
    name <- sprintf("agq_sparse_binary_%d", pts)
    new_case(name)
    d <- write_data(name, df)
    write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: binomial",
                 sprintf("integrator: {name: agq, points: %d}", pts))
    agq_case(name, sprintf("glmer(y ~ x + (1 | g), data = d, family = binomial, nAGQ = %%d, control = %s)", LME4_CTRL),
             d, pts, "binomial", "logit",
             info = list(data_note = sprintf("%d rows, %d groups of 2-5 rows, %.0f%% ones", nrow(d), ng, 100 * mean(d$y))))
  }
})

## 14. Poisson AGQ, nAGQ = 10 ----------------------------------------------------------------
local({
  name <- "agq_poisson_10"
  set.seed(1414)
  ng <- 60; m <- 4
  g <- rep(sprintf("p%02d", seq_len(ng)), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.9)
  y <- rpois(ng * m, exp(0.2 + 0.5 * x + u[gi]))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: poisson",
               "integrator: {name: agq, points: 10}")
  agq_case(name, sprintf("glmer(y ~ x + (1 | g), data = d, family = poisson, nAGQ = %%d, control = %s)", LME4_CTRL),
           d, 10L, "poisson", "log",
           info = list(poisson_note = "lme4 drops the poisson saturated log-likelihood sum(y log y - y - log y!) at nAGQ > 1, not just log(y!)",
                       sum_log_yfactorial = sum(lfactorial(d$y))))
})
