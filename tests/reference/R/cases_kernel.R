## Kernel reference cases (Laplace, lme4 unless said).  Sourced by make_all.R; run from the
## repository root:  Rscript tests/reference/R/make_all.R   (or this file alone after
## source("tests/reference/R/helpers.R")).

lvl <- function(prefix, n) sprintf("%s%02d", prefix, seq_len(n))
r3 <- function(x) round(x, 3)

## a glmer fit of `call` on case `name`, checked clean, written as expected.json
lme4_case <- function(name, call, d, family, link, crosscheck = NULL, info = list(),
                      singular = FALSE, extra = list()) {
  r <- run_call(call, d, extra)
  assert_clean_lme4(r, name, allow_singular = singular)
  if (!singular && isSingular(r$fit)) stop("case ", name, ": unexpectedly singular")
  if (!is.null(crosscheck)) {
    info$glmmTMB_crosscheck <- tmb_crosscheck(crosscheck$call, d, crosscheck$note, extra)
  }
  e <- lme4_expected(r, family, link, singular = singular, info = info)
  write_expected(name, e)
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f%s\n", name, e$nobs, length(e$fixef), e$loglik,
              if (singular) "  (singular)" else ""))
  invisible(r)
}

CANON_NOTE <- "canonical link: same Laplace approximation; glmmTMB se from the joint Hessian (sdreport)"

## 1. correlated random slopes, Poisson -------------------------------------------------
local({
  name <- "slopes_correlated"
  set.seed(101)
  ng <- 40; m <- 10
  g <- rep(lvl("g", ng), each = m)
  x <- r3(runif(ng * m, -1.5, 1.5))
  S <- matrix(c(0.7^2, 0.6 * 0.7 * 0.35, 0.6 * 0.7 * 0.35, 0.35^2), 2)
  b <- matrix(rnorm(ng * 2), ng) %*% chol(S)
  gi <- match(g, lvl("g", ng))
  y <- rpois(ng * m, exp(0.8 + 0.4 * x + b[gi, 1] + b[gi, 2] * x))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 + x | g)", "family: poisson")
  lme4_case(name, sprintf("glmer(y ~ x + (1 + x | g), data = d, family = poisson, control = %s)", LME4_CTRL),
            d, "poisson", "log",
            crosscheck = list(call = "glmmTMB(y ~ x + (1 + x | g), data = d, family = poisson)", note = CANON_NOTE))
})

## 2. uncorrelated random slopes (x || g), binomial with trials ---------------------------
local({
  name <- "slopes_uncorrelated"
  set.seed(202)
  ng <- 35; m <- 8
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  b0 <- rnorm(ng, 0, 0.8); b1 <- rnorm(ng, 0, 0.5)
  n <- 8
  s <- rbinom(ng * m, n, plogis(-0.3 + 0.7 * x + b0[gi] + b1[gi] * x))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, s = s, n = n))
  write_config(name, "data: data.csv", "formula: cbind(s, n - s) ~ x + (x || g)", "family: binomial")
  lme4_case(name, sprintf("glmer(cbind(s, n - s) ~ x + (x || g), data = d, family = binomial, control = %s)", LME4_CTRL),
            d, "binomial", "logit",
            crosscheck = list(call = "glmmTMB(cbind(s, n - s) ~ x + (x || g), data = d, family = binomial)",
                              note = paste(CANON_NOTE, "(glmmTMB's (x || g) is one diagonal term)")),
            info = list(random_note = "lme4 splits (x || g) into (1 | g) + (0 + x | g): two entries with group g"))
})

## 3. nested (1 | a/b), Poisson ------------------------------------------------------------
local({
  name <- "nested"
  set.seed(303)
  na <- 12; nb <- 4; m <- 5
  a <- rep(lvl("A", na), each = nb * m)
  b <- rep(rep(sprintf("b%d", seq_len(nb)), each = m), times = na)
  ai <- rep(seq_len(na), each = nb * m)
  abi <- rep(seq_len(na * nb), each = m)
  x <- r3(rnorm(na * nb * m))
  ua <- rnorm(na, 0, 0.6); uab <- rnorm(na * nb, 0, 0.4)
  y <- rpois(length(x), exp(1.0 - 0.5 * x + ua[ai] + uab[abi]))
  new_case(name)
  d <- write_data(name, data.frame(a = a, b = b, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | a/b)", "family: poisson")
  lme4_case(name, sprintf("glmer(y ~ x + (1 | a/b), data = d, family = poisson, control = %s)", LME4_CTRL),
            d, "poisson", "log",
            crosscheck = list(call = "glmmTMB(y ~ x + (1 | a/b), data = d, family = poisson)", note = CANON_NOTE),
            info = list(random_note = "(1 | a/b) = (1 | a) + (1 | a:b); lme4 names the nested factor b:a (b is labelled b1..b4 within every a, so only the interaction identifies a cell)"))
})

## 4. crossed (1 | a) + (1 | b), binomial with varying trials ----------------------------
local({
  name <- "crossed"
  set.seed(404)
  na <- 25; nb <- 12
  grid <- expand.grid(b = lvl("B", nb), a = lvl("A", na), stringsAsFactors = FALSE)
  ai <- match(grid$a, lvl("A", na)); bi <- match(grid$b, lvl("B", nb))
  x <- r3(rnorm(nrow(grid)))
  ua <- rnorm(na, 0, 0.7); ub <- rnorm(nb, 0, 0.5)
  n <- sample(2:10, nrow(grid), replace = TRUE)
  y <- rbinom(nrow(grid), n, plogis(-0.4 + 0.6 * x + ua[ai] + ub[bi]))
  new_case(name)
  d <- write_data(name, data.frame(a = grid$a, b = grid$b, x = x, y = y, n = n))
  write_config(name, "data: data.csv", "formula: cbind(y, n - y) ~ x + (1 | a) + (1 | b)", "family: binomial")
  lme4_case(name, sprintf("glmer(cbind(y, n - y) ~ x + (1 | a) + (1 | b), data = d, family = binomial, control = %s)", LME4_CTRL),
            d, "binomial", "logit",
            crosscheck = list(call = "glmmTMB(cbind(y, n - y) ~ x + (1 | a) + (1 | b), data = d, family = binomial)", note = CANON_NOTE))
})

## 5./6. probit: lme4 (expected Hessian) and glmmTMB (observed Hessian) on the same data -
local({
  set.seed(505)
  ng <- 60; m <- 7
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  u <- rnorm(ng, 0, 0.8)
  y <- rbinom(ng * m, 1, pnorm(0.2 + 0.6 * x + u[gi]))
  df <- data.frame(g = g, x = x, y = y)

  name <- "probit_expected"
  new_case(name)
  d <- write_data(name, df)
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: binomial", "link: probit")
  lme4_case(name, sprintf('glmer(y ~ x + (1 | g), data = d, family = binomial(link = "probit"), control = %s)', LME4_CTRL),
            d, "binomial", "probit",
            crosscheck = list(call = 'glmmTMB(y ~ x + (1 | g), data = d, family = binomial(link = "probit"))',
                              note = "non-canonical link: glmmTMB's Laplace uses the observed Hessian (see probit_observed); lme4 uses Fisher weights"),
            info = list(hessian = "expected (lme4: Fisher weights in PIRLS and in log|L|); weft default"))
  ## both Laplace flavours evaluated independently (helpers.R agq_eval, points = 1) at both optima
  own <- function(e, hess) agq_eval(d$y, rep(1, nrow(d)), cbind(1, d$x), rep(0, nrow(d)), d$g,
                                    unlist(e$fixef), as.numeric(unlist(e$random[[1]]$sd)), binomial(link = "probit"), 1, hess)

  name <- "probit_observed"
  new_case(name)
  d <- write_data(name, df)
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: binomial", "link: probit",
               "integrator: {name: laplace, hessian: observed}")
  call <- 'glmmTMB(y ~ x + (1 | g), data = d, family = binomial(link = "probit"))'
  r <- run_call(call, d)
  assert_clean_tmb(r, name)
  info <- list(hessian = "observed (TMB: exact Laplace approximation)",
               lme4_crosscheck = lme4_crosscheck(
                 sprintf('glmer(y ~ x + (1 | g), data = d, family = binomial(link = "probit"), control = %s)', LME4_CTRL),
                 d, "lme4's expected-Hessian Laplace on the same data (= probit_expected)"))
  e <- tmb_expected(r, "binomial", "probit", info = info)
  ee <- jsonlite::fromJSON(case_path("probit_expected", "expected.json"), simplifyVector = FALSE)
  checks <- c(observed_at_this_optimum = own(e, "observed"), expected_at_this_optimum = own(e, "expected"),
              observed_at_lme4_optimum = own(ee, "observed"), expected_at_lme4_optimum = own(ee, "expected"))
  if (abs(checks[["observed_at_this_optimum"]] - e$loglik) > 1e-5 ||
      abs(checks[["expected_at_lme4_optimum"]] - ee$loglik) > 1e-5) stop("probit: own Laplace evaluation disagrees")
  e$info$own_laplace_evaluation <- c(named(checks), list(
    note = "helpers.R agq_eval(points = 1): the observed-Hessian Laplace reproduces glmmTMB's loglik, the expected-Hessian one lme4's (probit_expected); the two flavours differ by about 0.67 here"))
  write_expected(name, e)
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f\n", name, e$nobs, length(e$fixef), e$loglik))
})

## 7. cloglog, binomial with trials ----------------------------------------------------------
local({
  name <- "cloglog"
  set.seed(707)
  ng <- 40; m <- 6
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(runif(ng * m, -1, 1))
  u <- rnorm(ng, 0, 0.5)
  n <- sample(3:8, ng * m, replace = TRUE)
  s <- rbinom(ng * m, n, 1 - exp(-exp(-1.0 + 0.5 * x + u[gi])))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, s = s, n = n))
  write_config(name, "data: data.csv", "formula: cbind(s, n - s) ~ x + (1 | g)", "family: binomial", "link: cloglog")
  lme4_case(name, sprintf('glmer(cbind(s, n - s) ~ x + (1 | g), data = d, family = binomial(link = "cloglog"), control = %s)', LME4_CTRL),
            d, "binomial", "cloglog",
            crosscheck = list(call = 'glmmTMB(cbind(s, n - s) ~ x + (1 | g), data = d, family = binomial(link = "cloglog"))',
                              note = "non-canonical link: glmmTMB uses the observed Hessian, lme4 Fisher weights"))
})

## 8. binary response, ~300 small groups ----------------------------------------------------
local({
  name <- "binary_small_groups"
  set.seed(808)
  ng <- 300
  sizes <- sample(2:4, ng, replace = TRUE)
  g <- rep(sprintf("c%03d", seq_len(ng)), times = sizes)
  gi <- rep(seq_len(ng), times = sizes)
  x <- r3(rnorm(length(g)))
  u <- rnorm(ng, 0, 1.0)
  y <- rbinom(length(g), 1, plogis(-0.5 + 1.0 * x + u[gi]))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: binomial")
  lme4_case(name, sprintf("glmer(y ~ x + (1 | g), data = d, family = binomial, control = %s)", LME4_CTRL),
            d, "binomial", "logit",
            crosscheck = list(call = "glmmTMB(y ~ x + (1 | g), data = d, family = binomial)", note = CANON_NOTE))
})

## 9. offset in the formula and as a YAML column ---------------------------------------------
local({
  set.seed(909)
  ng <- 50; m <- 6
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  exposure <- round(runif(ng * m, 0.5, 5), 2)
  u <- rnorm(ng, 0, 0.5)
  y <- rpois(ng * m, exposure * exp(-0.3 + 0.4 * x + u[gi]))
  df <- data.frame(g = g, x = x, exposure = exposure, log_exposure = log(exposure), y = y)

  name <- "offset_formula"
  new_case(name)
  d <- write_data(name, df)
  write_config(name, "data: data.csv", "formula: y ~ x + offset(log(exposure)) + (1 | g)", "family: poisson")
  lme4_case(name, sprintf("glmer(y ~ x + offset(log(exposure)) + (1 | g), data = d, family = poisson, control = %s)", LME4_CTRL),
            d, "poisson", "log",
            crosscheck = list(call = "glmmTMB(y ~ x + offset(log(exposure)) + (1 | g), data = d, family = poisson)", note = CANON_NOTE))

  name <- "offset_column"
  new_case(name)
  d <- write_data(name, df)
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: poisson", "offset: log_exposure")
  lme4_case(name, sprintf("glmer(y ~ x + (1 | g), data = d, family = poisson, offset = log_exposure, control = %s)", LME4_CTRL),
            d, "poisson", "log",
            info = list(offset_note = "same model and data as offset_formula; the offset column holds log(exposure)"))
})

## 10. prior weights, Poisson ---------------------------------------------------------------
local({
  name <- "prior_weights"
  set.seed(1010)
  ng <- 40; m <- 8
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  w <- sample(1:3, ng * m, replace = TRUE)
  u <- rnorm(ng, 0, 0.6)
  y <- rpois(ng * m, exp(0.7 + 0.3 * x + u[gi]))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, w = w, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: poisson", "weights: w")
  lme4_case(name, sprintf("glmer(y ~ x + (1 | g), data = d, family = poisson, weights = w, control = %s)", LME4_CTRL),
            d, "poisson", "log",
            crosscheck = list(call = "glmmTMB(y ~ x + (1 | g), data = d, family = poisson, weights = w)", note = CANON_NOTE),
            info = list(weights_note = "prior weights multiply each row's log density: loglik = sum w_i log p(y_i | mu_i) (lme4's poisson aic())"))
})

## 11. proportion response with weights = trials --------------------------------------------
local({
  name <- "proportion_weights"
  set.seed(1111)
  ng <- 30; m <- 6
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  n <- sample(5:20, ng * m, replace = TRUE)
  u <- rnorm(ng, 0, 0.7)
  s <- rbinom(ng * m, n, plogis(0.3 - 0.8 * x + u[gi]))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, s = s, n = n))
  write_config(name, "data: data.csv", "formula: s / n ~ x + (1 | g)", "family: binomial", "weights: n")
  cb <- run_call(sprintf("glmer(cbind(s, n - s) ~ x + (1 | g), data = d, family = binomial, control = %s)", LME4_CTRL), d)
  lme4_case(name, sprintf("glmer(s/n ~ x + (1 | g), data = d, family = binomial, weights = n, control = %s)", LME4_CTRL),
            d, "binomial", "logit",
            crosscheck = list(call = "glmmTMB(s/n ~ x + (1 | g), data = d, family = binomial, weights = n)", note = CANON_NOTE),
            info = list(cbind_equivalent = list(call = "glmer(cbind(s, n - s) ~ x + (1 | g), ...)",
                                                loglik = as.numeric(logLik(cb$fit)),
                                                fixef = named(fixef(cb$fit)))))
})

## 12. string factors and an interaction ----------------------------------------------------
local({
  name <- "factor_interactions"
  set.seed(1212)
  ng <- 30; m <- 10
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  f1 <- sample(c("ctrl", "trtA", "trtB"), ng * m, replace = TRUE)
  f2 <- sample(c("alpha", "Beta", "gamma"), ng * m, replace = TRUE)
  eta <- 0.5 + 0.3 * x + c(ctrl = 0, trtA = 0.4, trtB = -0.3)[f1] +
    c(ctrl = 0, trtA = 0.3, trtB = -0.2)[f1] * x + c(alpha = 0, Beta = 0.25, gamma = -0.35)[f2]
  u <- rnorm(ng, 0, 0.5)
  y <- rpois(ng * m, exp(eta + u[gi]))
  new_case(name)
  d <- write_data(name, data.frame(g = g, f1 = f1, f2 = f2, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ f1 * x + f2 + (1 | g)", "family: poisson")
  lme4_case(name, sprintf("glmer(y ~ f1 * x + f2 + (1 | g), data = d, family = poisson, control = %s)", LME4_CTRL),
            d, "poisson", "log",
            crosscheck = list(call = "glmmTMB(y ~ f1 * x + f2 + (1 | g), data = d, family = poisson)", note = CANON_NOTE),
            info = list(levels_note = paste("f2 levels in byte (C) order are", paste(levels(d$f2), collapse = ", "),
                                            "- 'Beta' sorts before 'alpha', so it is the reference level")))
})

## 15. singular fit: no random-effect variance in the simulation ----------------------------
local({
  name <- "singular"
  ng <- 20; m <- 10
  seed <- 1500
  repeat {
    seed <- seed + 1
    set.seed(seed)
    g <- rep(lvl("g", ng), each = m)
    x <- r3(rnorm(ng * m))
    y <- rpois(ng * m, exp(0.5 + 0.4 * x))
    new_case(name)
    d <- write_data(name, data.frame(g = g, x = x, y = y))
    call <- sprintf("glmer(y ~ x + (1 | g), data = d, family = poisson, control = %s)", LME4_CTRL)
    r <- run_call(call, d)
    ok <- isSingular(r$fit) && length(r$warnings) == 0 &&
      length(setdiff(unlist(r$fit@optinfo$conv$lme4$messages), grep("singular", unlist(r$fit@optinfo$conv$lme4$messages), value = TRUE))) == 0
    if (ok) break
    if (seed > 1600) stop("no singular seed found")
  }
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: poisson")
  lme4_case(name, call, d, "poisson", "log", singular = TRUE,
            crosscheck = list(call = "glmmTMB(y ~ x + (1 | g), data = d, family = poisson)",
                              note = "glmmTMB cannot reach the boundary exactly: its sd is tiny but positive"),
            info = list(simulation = sprintf("set.seed(%d); no random effect in the simulation (first seed from 1501 whose lme4 fit is singular)", seed)))
})

## 16. optimizer budget too small -> fitted but not converged (exit 3) -----------------------
local({
  name <- "max_evaluations"
  new_case(name)
  file.copy(case_path("slopes_correlated", "data.csv"), case_path(name, "data.csv"))
  d <- read.csv(case_path(name, "data.csv"), stringsAsFactors = TRUE)
  write_config(name, "data: data.csv", "formula: y ~ x + (1 + x | g)", "family: poisson",
               "optimizer: {name: bobyqa, max_evaluations: 5}")
  ctrl5 <- 'glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 5, rhoend = 1e-10))'
  call <- sprintf("glmer(y ~ x + (1 + x | g), data = d, family = poisson, control = %s)", ctrl5)
  r <- tryCatch(run_call(call, d), error = function(e) list(error = conditionMessage(e)))
  lme4_says <- if (!is.null(r$error)) paste("error:", r$error) else
    unlist(c(r$warnings, r$fit@optinfo$conv$lme4$messages, r$fit@optinfo$warnings))
  write_expected_error(name, list(
    exit_code = 3,
    info = list(
      note = "5 function evaluations cannot reach the optimum of a 5-parameter model (bobyqa's first model alone needs 2n+1 = 11): weft must still write the result document with \"converged\": false and exit 3.",
      data = "same data as slopes_correlated",
      lme4 = sprintf("lme4 %s %s", V_LME4, call),
      lme4_says = I(unique(lme4_says)))))
  cat(sprintf("%-28s expected_error exit 3 (lme4: %s)\n", name, paste(unique(lme4_says), collapse = " | ")))
})
