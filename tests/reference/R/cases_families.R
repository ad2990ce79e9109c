## Reference cases of the families written with the SDK (issue 7): nb1, gamma, beta (glmmTMB),
## zoib (an exact glmmTMB-based reference and a simulation-recovery data set), and the
## out-of-tree example examples/family-plugin (glmmTMB genpois).  Sourced by make_all.R; on
## its own, from the repository root:
##     Rscript -e 'source("tests/reference/R/helpers.R"); source("tests/reference/R/cases_families.R")'
## Every glmmTMB fit must be clean (assert_clean_tmb); configs use `hessian: observed`, the
## Laplace flavour of TMB.

fam_lvl <- function(prefix, n) sprintf("%s%02d", prefix, seq_len(n))

## allow_nan_steps: nlminb's "NA/NaN function evaluation" warnings (a line-search step that left
## the domain, e.g. a negative mean under the inverse link) are recorded in info, not fatal.
family_tmb_case <- function(name, call, d, family, link, family_parameters = function(fit) list(),
                            info = list(), allow_nan_steps = FALSE) {
  r <- run_call(call, d)
  if (allow_nan_steps) {
    nan_steps <- r$warnings == "NA/NaN function evaluation"
    if (any(nan_steps)) info$nlminb_warnings <- sprintf("%d x 'NA/NaN function evaluation' (line-search steps out of the domain; the fit converged)", sum(nan_steps))
    r$warnings <- r$warnings[!nan_steps]
  }
  assert_clean_tmb(r, name)
  e <- tmb_expected(r, family, link, family_parameters = family_parameters(r$fit), info = info)
  write_expected(name, e)
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f  %s\n", name, e$nobs, length(e$fixef), e$loglik,
              paste(names(e$family_parameters), signif(unlist(e$family_parameters), 7), collapse = " ")))
  invisible(r)
}

## glmmTMB's dispersion parameter on its natural scale: exp(betad).  (sigma() is exp(betad) for
## nbinom1, beta and genpois, but 1 / sqrt(shape) for Gamma.)
tmb_phi <- function(fit) exp(unname(fit$fit$par["betad"]))

## 25. nb1: var = mu (1 + phi) -------------------------------------------------------------
local({
  name <- "nb1"
  set.seed(2525)
  ng <- 40; m <- 10
  g <- rep(fam_lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.5)
  mu <- exp(1.0 + 0.5 * x + u[gi])
  phi <- 1.5
  y <- rnbinom(ng * m, size = mu / phi, mu = mu)   # var = mu + mu phi
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: nb1",
               "integrator: {name: laplace, hessian: observed}")
  family_tmb_case(name, "glmmTMB(y ~ x + (1 | g), data = d, family = nbinom1)", d, "nb1", "log",
                  family_parameters = function(fit) list(phi = tmb_phi(fit)),
                  info = list(phi_note = "phi = exp(betad) = sigma(fit): var = mu (1 + phi); simulated with phi = 1.5"))
})

## 26. gamma, log link: shape = exp(betad) = 1 / sigma(fit)^2 ----------------------------------
local({
  name <- "gamma_log"
  set.seed(2626)
  ng <- 40; m <- 8
  g <- rep(fam_lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(runif(ng * m, -1, 1), 3)
  u <- rnorm(ng, 0, 0.4)
  mu <- exp(0.7 - 0.6 * x + u[gi])
  shape <- 3
  y <- signif(rgamma(ng * m, shape = shape, scale = mu / shape), 6)
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: gamma", "link: log",
               "integrator: {name: laplace, hessian: observed}")
  family_tmb_case(name, "glmmTMB(y ~ x + (1 | g), data = d, family = Gamma(link = \"log\"))", d, "gamma", "log",
                  family_parameters = function(fit) list(shape = tmb_phi(fit)),
                  info = list(shape_note = paste("glmmTMB's Gamma: shape = exp(betad) (its dispersion parameter);",
                                                 "sigma(fit) = 1 / sqrt(shape) is the coefficient of variation; simulated with shape = 3")))
})

## 26b. gamma, inverse link (R's canonical Gamma link): eta = 1 / mu must stay positive
local({
  name <- "gamma_inverse"
  set.seed(2627)
  ng <- 40; m <- 8
  g <- rep(fam_lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(runif(ng * m, -1, 1), 3)
  u <- rnorm(ng, 0, 0.08)
  eta <- 0.6 + 0.15 * x + u[gi]
  stopifnot(all(eta > 0))
  shape <- 4
  y <- signif(rgamma(ng * m, shape = shape, scale = (1 / eta) / shape), 6)
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: gamma", "link: inverse",
               "integrator: {name: laplace, hessian: observed}")
  family_tmb_case(name, "glmmTMB(y ~ x + (1 | g), data = d, family = Gamma(link = \"inverse\"))", d, "gamma", "inverse",
                  family_parameters = function(fit) list(shape = tmb_phi(fit)),
                  info = list(shape_note = "shape = exp(betad); simulated with shape = 4, eta = 1 / mu = 0.6 + 0.15 x + u, sd(u) = 0.08"),
                  allow_nan_steps = TRUE)
})

## 27. beta, logit link: phi = exp(betad) = sigma(fit) -----------------------------------------
local({
  name <- "beta"
  set.seed(2727)
  ng <- 40; m <- 10
  g <- rep(fam_lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.5)
  mu <- plogis(-0.4 + 0.7 * x + u[gi])
  phi <- 8
  y <- signif(rbeta(ng * m, mu * phi, (1 - mu) * phi), 6)
  y <- pmin(pmax(y, 1e-6), 1 - 1e-6)
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: beta",
               "integrator: {name: laplace, hessian: observed}")
  family_tmb_case(name, "glmmTMB(y ~ x + (1 | g), data = d, family = beta_family())", d, "beta", "logit",
                  family_parameters = function(fit) list(phi = tmb_phi(fit)),
                  info = list(phi_note = "phi = exp(betad) = sigma(fit): Beta(mu phi, (1 - mu) phi); simulated with phi = 8"))
})

## zoib: zero-one-inflated beta (brms's zero_one_inflated_beta).  The log-likelihood splits
## into  sum_{y=0} log(zoi (1 - coi)) + sum_{y=1} log(zoi coi) + sum_{0<y<1} [log(1 - zoi) + log Beta(y; mu phi, (1 - mu) phi)]
## and the 0/1 rows carry no information on mu or the random effects, so the maximum
## likelihood fit is glmmTMB's beta_family fit on the rows with 0 < y < 1 plus the closed
## forms zoi = n01 / n, coi = n1 / n01; the Laplace log-likelihood is glmmTMB's plus the
## (0/1) terms.  zoi and coi are orthogonal to the rest (block-diagonal Hessian), so the fixef
## standard errors are glmmTMB's.
simulate_zoib <- function(seed, ng, m, beta, sd_g, phi, zoi, coi) {
  set.seed(seed)
  g <- rep(fam_lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, sd_g)
  mu <- plogis(beta[1] + beta[2] * x + u[gi])
  y <- signif(rbeta(ng * m, mu * phi, (1 - mu) * phi), 6)
  y <- pmin(pmax(y, 1e-6), 1 - 1e-6)
  inflated <- runif(ng * m) < zoi
  y[inflated] <- as.numeric(runif(sum(inflated)) < coi)
  data.frame(g = g, x = x, y = y)
}

## 28. zoib: exact reference from glmmTMB beta_family on the interior rows ----------------------
local({
  name <- "zoib"
  df <- simulate_zoib(2828, ng = 40, m = 12, beta = c(0.3, 0.6), sd_g = 0.5, phi = 6, zoi = 0.15, coi = 0.35)
  new_case(name)
  d <- write_data(name, df)
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: zoib",
               "integrator: {name: laplace, hessian: observed}")
  inner <- d[d$y > 0 & d$y < 1, ]
  call <- "glmmTMB(y ~ x + (1 | g), data = d[d$y > 0 & d$y < 1, ], family = beta_family())"
  r <- run_call(call, d)
  assert_clean_tmb(r, name)
  n <- nrow(d); n0 <- sum(d$y == 0); n1 <- sum(d$y == 1); n01 <- n0 + n1
  zoi <- n01 / n; coi <- n1 / n01
  ll_01 <- n0 * log(zoi * (1 - coi)) + n1 * log(zoi * coi) + (n - n01) * log(1 - zoi)
  e <- tmb_expected(r, "zoib", "logit", family_parameters = list(phi = tmb_phi(r$fit), zoi = zoi, coi = coi),
                    info = list(
                      construction = paste("zoib = beta on 0 < y < 1 (glmmTMB fit on those rows) x closed-form zoi = n01/n, coi = n1/n01;",
                                           "loglik = glmmTMB loglik + n0 log(zoi (1 - coi)) + n1 log(zoi coi) + (n - n01) log(1 - zoi)"),
                      n0 = n0, n1 = n1, n_interior = n - n01,
                      loglik_beta_part = as.numeric(logLik(r$fit)), loglik_zero_one_part = ll_01,
                      se_zoi = sqrt(zoi * (1 - zoi) / n), se_coi = sqrt(coi * (1 - coi) / n01),
                      simulated_with = list(beta = I(c(0.3, 0.6)), sd_g = 0.5, phi = 6, zoi = 0.15, coi = 0.35)))
  k <- length(e$fixef) + 1 + 3       # beta, theta, phi, zoi, coi
  e$reference <- sub("^glmmTMB ", "glmmTMB (zoib construction) ", e$reference)
  e$nobs <- n
  e$loglik <- e$loglik + ll_01
  e$aic <- -2 * e$loglik + 2 * k
  e$bic <- -2 * e$loglik + log(n) * k
  e$info$n_parameters <- k
  write_expected(name, e)
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f  phi %.6g zoi %.6g coi %.6g\n", name, n, length(e$fixef),
              e$loglik, tmb_phi(r$fit), zoi, coi))
})

## zoib simulation recovery (tests/reference/recovery/zoib): large n, known parameters;
## tests/reference/check_recovery.py requires every estimate within `z` standard errors.
local({
  dir <- file.path("tests", "reference", "recovery", "zoib")
  if (dir.exists(dir)) unlink(dir, recursive = TRUE)
  dir.create(dir, recursive = TRUE)
  truth <- list(beta = c(-0.2, 0.8), sd_g = 0.6, phi = 5, zoi = 0.2, coi = 0.3)
  ng <- 100; m <- 30
  df <- simulate_zoib(2929, ng, m, truth$beta, truth$sd_g, truth$phi, truth$zoi, truth$coi)
  write.csv(df, file.path(dir, "data.csv"), row.names = FALSE)
  writeLines(c("data: data.csv", "formula: y ~ x + (1 | g)", "family: zoib",
               "integrator: {name: laplace, hessian: observed}"), file.path(dir, "config.yaml"))
  write_json_file(list(
    description = sprintf("zoib simulated in R (%s): %d groups x %d rows, seed 2929 (tests/reference/R/cases_families.R)",
                          paste(R.version$major, R.version$minor, sep = "."), ng, m),
    z = 4,
    fixef = named(c("(Intercept)" = truth$beta[1], x = truth$beta[2])),
    family_parameters = list(phi = truth$phi, zoi = truth$zoi, coi = truth$coi),
    random_sd = list(g = truth$sd_g),
    random_sd_se = truth$sd_g / sqrt(2 * ng),
    note = paste("fixef and family parameters: |estimate - truth| <= z * se (weft's se, family_parameters_se);",
                 "random sd: |estimate - truth| <= z * random_sd_se (sd / sqrt(2 * groups), the large-sample se)")),
    file.path(dir, "truth.json"))
  cat(sprintf("%-28s nobs %4d  (recovery data, truth phi %g zoi %g coi %g)\n", "recovery/zoib", nrow(df),
              truth$phi, truth$zoi, truth$coi))
})

## The out-of-tree example examples/family-plugin: glmmTMB genpois ---------------------------
## dgenpois(y; theta = mu / sqrt(phi), lambda = 1 - 1 / sqrt(phi)): mean mu, var mu phi.
local({
  dir <- file.path("examples", "family-plugin")
  dir.create(dir, recursive = TRUE, showWarnings = FALSE)
  set.seed(3030)
  ng <- 40; m <- 10
  g <- rep(fam_lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.5)
  mu <- exp(1.2 + 0.4 * x + u[gi])
  phi <- 2.5
  dgp <- function(y, mu, phi) {
    th <- mu / sqrt(phi); la <- 1 - 1 / sqrt(phi)
    exp(log(th) + (y - 1) * log(th + la * y) - th - la * y - lgamma(y + 1))
  }
  rgp <- function(mu, phi) {            # inversion
    v <- runif(1); y <- 0; cdf <- dgp(0, mu, phi)
    while (v > cdf) { y <- y + 1; cdf <- cdf + dgp(y, mu, phi) }
    y
  }
  y <- vapply(mu, rgp, 0, phi = phi)
  f <- file.path(dir, "data.csv")
  write.csv(data.frame(g = g, x = x, y = y), f, row.names = FALSE)
  d <- read.csv(f, stringsAsFactors = TRUE)
  call <- "glmmTMB(y ~ x + (1 | g), data = d, family = genpois)"
  r <- run_call(call, d)
  assert_clean_tmb(r, "examples/family-plugin")
  e <- tmb_expected(r, "genpois", "log", family_parameters = list(dispersion = tmb_phi(r$fit)),
                    info = list(dispersion_note = "dispersion = exp(betad) = sigma(fit): var = mu * dispersion; simulated with 2.5",
                                made_by = "tests/reference/R/cases_families.R"))
  write_json_file(e, file.path(dir, "expected.json"))
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f  dispersion %.7g\n", "examples/family-plugin", e$nobs,
              length(e$fixef), e$loglik, tmb_phi(r$fit)))
})
