## Ordinal (cumulative link mixed model) reference cases, issue 14: ordinal::clmm fits written
## to tests/reference/ordinal/<name>/ (data.csv, config.yaml, expected.json in the layout of
## the public case shared/parity/cases/clmm_wine_logit; one expected_error.json).  Sourced by
## make_all.R; on its own, from the repository root:
##     Rscript -e 'source("tests/reference/R/helpers.R"); source("tests/reference/R/cases_ordinal.R")'
## Needs the ordinal package (2022.11.16 made the committed files; ordinal is used through
## ordinal:: only, never attached).  Takes about one CPU minute (mostly the two soup fits and the evaluator's Hessians).
##
## Model (numerics.md, "Ordinal"): P(Y <= j | u) = F(theta_j - eta), eta = x'beta + z'u, X
## without intercept; family_parameters are clmm's threshold parameters ("1|2", ... named from
## the response levels; "threshold.1"/"spacing" for equidistant, "central.k"/"spacing.k" for
## symmetric, with the implied thresholds in info.thresholds).  expected.json: fixef = fit$beta,
## se = sqrt(diag(vcov(fit))) of beta (clmm's numerical Hessian of the Laplace/AGQ objective in
## all parameters), info.threshold_se the thresholds' se; loglik = logLik(fit); aic/bic with
## k = attr(logLik(fit), "df") = #threshold parameters + #beta + #variance parameters.
##
## Checks (the script stops otherwise): no warning or message from clmm (the inner loop warns
## when it cannot update the random effects: with clmm.control(gradTol = 1e-8) it does, on
## wine at 73 trial points, hence gradTol = 1e-6, which gives the same optimum as the default
## 1e-4); nlminb convergence code 0; clmm's Hessian positive definite; max |gradient| < 5e-3
## and the Newton step |H^-1 g| < 1e-4 in every parameter (clmm's own gradient and Hessian:
## soup's gradient is 3e-3 but the step is 1e-5, i.e. converged to the noise of the numerical
## derivatives); and an independent dense evaluation of the Laplace / AGQ log-likelihood (below)
## at clmm's estimates equal to logLik(fit) within 1e-4 (the single-term "ssr" path reports the
## Laplace value with the Hessian of the last-but-one inner Newton iterate: up to 1e-5 off).
##
## Two ordinal facts found on the way (see README "ordinal/"):
##  * clmm's single-scalar-random-effect C code (ordinal's default path for one (1 | g) term,
##    used for Laplace and AGQ) swaps the cloglog and loglog links: clmm(link = "cloglog")
##    fits a loglog model and vice versa (src/utilityFuns.c d_pfun: linkInt 3 = "cloglog" calls
##    d_pgumbel, the loglog CDF exp(-exp(-x)); still so in ordinal 2025.12-29).  The R-level
##    path (clm, and clmm with useMatrix = TRUE or more than one term) is right.  The cloglog
##    and loglog cases therefore use clmm.control(useMatrix = TRUE); info.ssr_path_* records
##    what the default path reports.
##  * ordinal stands in +-1e5 for theta_0 = -Inf and theta_K = +Inf: negligible for every link
##    but cauchit (1 - pcauchy(1e5) = 3.2e-6 per extreme-category row; 2.8e-4 in wine's clm
##    loglik).  No cauchit case is made.

ORD_ROOT <- file.path("tests", "reference", "ordinal")
V_ORD <- packageDescription("ordinal")$Version
ORD_CTRL <- "clmm.control(gradTol = 1e-6, maxIter = 500)"
ORD_CTRL_MATRIX <- "clmm.control(gradTol = 1e-6, maxIter = 500, useMatrix = TRUE)"
ORD_FUNS <- list(clmm = ordinal::clmm, clmm.control = ordinal::clmm.control)

ord_new <- function(name) new_case(name, root = ORD_ROOT)
ord_data <- function(name, df) write_data(name, df, root = ORD_ROOT)
ord_config <- function(name, ...) write_config(name, ..., root = ORD_ROOT)
ord_expected <- function(name, obj) write_expected(name, obj, root = ORD_ROOT)

ord_lvl <- function(prefix, n) sprintf("%s%02d", prefix, seq_len(n))

## ---------------------------------------------------------------------------------------
## An independent evaluator of clmm's marginal log-likelihood (no ordinal code):
##   p(y_i = j | u) = F(theta_j - eta_i) - F(theta_{j-1} - eta_i),  eta = X beta + Z Lambda u
## Laplace: log L = sum_i log p(y_i | u*) - |u*|^2 / 2 - log det(I + Lambda'Z' W Z Lambda) / 2 at
## the conditional mode u*, W = -d2 log p / d eta2 (observed, as clmm) or, for comparison only,
## the expected information sum_j (f(a_j) - f(b_j))^2 / p_j.  AGQ (one scalar term, sd lambda):
## per group log(s sum_k w_k p(y | u* + s z_k) phi(u* + s z_k) / phi(z_k)), s = (1 + lambda^2
## sum W)^(-1/2) with the observed W.  Dense matrices; theta_0 = -Inf, theta_K = +Inf exactly.
ord_link <- function(link) {
  switch(link,
    logit = list(F = plogis, f = dlogis, df = function(z) dlogis(z) * (1 - 2 * plogis(z))),
    probit = list(F = pnorm, f = dnorm, df = function(z) -z * dnorm(z)),
    cloglog = list(F = function(z) -expm1(-exp(z)), f = function(z) exp(z - exp(z)),
                   df = function(z) exp(z - exp(z)) * (1 - exp(z))),
    loglog = list(F = function(z) exp(-exp(-z)), f = function(z) exp(-z - exp(-z)),
                  df = function(z) exp(-z - exp(-z)) * (exp(-z) - 1)),
    cauchit = list(F = pcauchy, f = dcauchy, df = function(z) -2 * z / (pi * (1 + z^2)^2)),
    stop("ord_link: ", link))
}

## log p_i, d log p_i / d eta, d2 log p_i / d eta2 and the expected information of eta_i;
## y = category index 1..K, th = the K - 1 thresholds
ord_terms <- function(eta, y, th, lk, expected = FALSE) {
  a <- c(th, Inf)[y] - eta
  b <- c(-Inf, th)[y] - eta
  fin <- function(v, z) ifelse(is.finite(z) & is.finite(v), v, 0)  # densities vanish in the tails
  Fa <- ifelse(is.finite(a), lk$F(a), 1)
  Fb <- ifelse(is.finite(b), lk$F(b), 0)
  fa <- fin(lk$f(a), a); fb <- fin(lk$f(b), b)
  p <- Fa - Fb
  d1 <- -(fa - fb) / p
  d2 <- (fin(lk$df(a), a) - fin(lk$df(b), b)) / p - d1^2
  if (!expected) return(list(logp = log(p), d1 = d1, d2 = d2))
  tt <- c(-Inf, th, Inf)
  ei <- 0
  for (j in seq_len(length(th) + 1)) {
    aj <- tt[j + 1] - eta; bj <- tt[j] - eta
    pj <- (if (is.finite(tt[j + 1])) lk$F(aj) else 1) - (if (is.finite(tt[j])) lk$F(bj) else 0)
    fj <- fin(lk$f(aj), aj) - fin(lk$f(bj), bj)
    ei <- ei + ifelse(pj > 0, fj^2 / pj, 0)
  }
  list(logp = log(p), d1 = d1, d2 = d2, ei = ei)
}

## terms: list of list(f = grouping factor, M = n x q covariate matrix, Sigma = q x q covariance);
## returns the sparse n x (sum of levels x q) matrix Z Lambda
ord_zlambda <- function(terms) {
  do.call(cbind, lapply(terms, function(t) {
    ML <- t$M %*% t(chol(t$Sigma))
    f <- droplevels(factor(t$f))
    do.call(cbind, lapply(seq_len(ncol(ML)), function(k)
      Matrix::sparseMatrix(i = seq_along(f), j = as.integer(f), x = ML[, k], dims = c(length(f), nlevels(f)))))
  }))
}

## I + ZL' diag(w) ZL
ord_hmat <- function(ZL, w) Matrix::crossprod(Matrix::Diagonal(x = sqrt(w)) %*% ZL) + Matrix::Diagonal(ncol(ZL))

## the conditional mode (Newton with step halving on the observed Hessian) and the terms there
ord_mode <- function(y, eta0, th, lk, ZL, u = rep(0, ncol(ZL))) {
  obj <- function(u) -sum(ord_terms(eta0 + as.numeric(ZL %*% u), y, th, lk)$logp) + sum(u^2) / 2
  for (it in 1:200) {
    tr <- ord_terms(eta0 + as.numeric(ZL %*% u), y, th, lk)
    g <- -as.numeric(Matrix::crossprod(ZL, tr$d1)) + u
    if (max(abs(g)) < 1e-11) break
    step <- as.numeric(Matrix::solve(ord_hmat(ZL, pmax(-tr$d2, 0)), g))
    f0 <- obj(u); s <- 1
    while (!(obj(u - s * step) <= f0 + 1e-12) && s > 1e-10) s <- s / 2
    u <- u - s * step
  }
  if (max(abs(g)) > 1e-8) stop("ord_mode: no conditional mode (max |gradient| ", max(abs(g)), ")")
  c(list(u = u), ord_terms(eta0 + as.numeric(ZL %*% u), y, th, lk, expected = TRUE))
}

ord_laplace <- function(y, eta0, th, link, terms, hessian = c("observed", "expected")) {
  hessian <- match.arg(hessian)
  ZL <- ord_zlambda(terms)
  m <- ord_mode(y, eta0, th, ord_link(link), ZL)
  W <- if (hessian == "observed") -m$d2 else m$ei
  ldH <- as.numeric(Matrix::determinant(ord_hmat(ZL, W), logarithm = TRUE)$modulus)
  sum(m$logp) - sum(m$u^2) / 2 - ldH / 2
}

ord_agq <- function(y, eta0, th, link, g, lambda, points) {
  lk <- ord_link(link)
  g <- droplevels(factor(g))
  gi <- as.integer(g)
  ZL <- Matrix::sparseMatrix(i = seq_along(gi), j = gi, x = lambda, dims = c(length(gi), nlevels(g)))
  m <- ord_mode(y, eta0, th, lk, ZL)
  gh <- lme4::GHrule(points)
  total <- 0
  for (j in seq_len(nlevels(g))) {
    idx <- which(gi == j)
    s <- 1 / sqrt(1 - lambda^2 * sum(m$d2[idx]))
    tk <- vapply(seq_len(nrow(gh)), function(k) {
      uk <- m$u[j] + s * gh[k, "z"]
      log(gh[k, "w"]) + sum(ord_terms(eta0[idx] + lambda * uk, y[idx], th, lk)$logp) +
        dnorm(uk, log = TRUE) - dnorm(gh[k, "z"], log = TRUE)
    }, 0)
    mx <- max(tk)
    total <- total + log(s) + mx + log(sum(exp(tk - mx)))
  }
  total
}

## Standard errors of clmm's threshold parameters and beta from the evaluator: the inverse of a
## central-difference Hessian (step 1e-3) of -log L in (alpha, beta, covariance parameters),
## each covariance matrix as log Cholesky diagonal + Cholesky off-diagonal (the (alpha, beta)
## block of the inverse does not depend on that choice at an optimum).
ord_own_se <- function(alpha, beta, J, X, y, link, terms, points = 1, h = 1e-3) {
  na <- length(alpha); nb <- length(beta)
  chol_par <- lapply(terms, function(t) { L <- t(chol(t$Sigma)); c(log(diag(L)), L[lower.tri(L)]) })
  nv <- vapply(chol_par, length, 0L)
  p0 <- c(alpha, beta, unlist(chol_par))
  negll <- function(p) {
    th <- drop(J %*% p[seq_len(na)])
    eta0 <- drop(X %*% p[na + seq_len(nb)])
    v <- split(p[-seq_len(na + nb)], rep(seq_along(nv), nv))
    tt <- Map(function(t, v) {
      q <- ncol(t$Sigma); L <- diag(exp(v[seq_len(q)]), q); L[lower.tri(L)] <- v[-seq_len(q)]
      t$Sigma <- L %*% t(L); t
    }, terms, v)
    if (points > 1) -ord_agq(y, eta0, th, link, tt[[1]]$f, sqrt(tt[[1]]$Sigma[1, 1]), points)
    else -ord_laplace(y, eta0, th, link, tt)
  }
  k <- length(p0)
  H <- matrix(0, k, k)
  E <- diag(h, k)
  for (i in seq_len(k)) for (j in i:k) {
    H[i, j] <- H[j, i] <- (negll(p0 + E[, i] + E[, j]) - negll(p0 + E[, i] - E[, j]) -
                           negll(p0 - E[, i] + E[, j]) + negll(p0 - E[, i] - E[, j])) / (4 * h^2)
  }
  sqrt(diag(solve(H)))[seq_len(na + nb)]
}

## ---------------------------------------------------------------------------------------
## fitting and writing

ord_reference <- function(call, y_note) {
  sprintf('ordinal %s %s   [d = read.csv("data.csv", stringsAsFactors = TRUE) with LC_COLLATE=C, %s; R %s]',
          V_ORD, call, y_note, paste(R.version$major, R.version$minor, sep = "."))
}

assert_clean_clmm <- function(r, name) {
  fit <- r$fit
  probs <- c(r$warnings, r$messages)
  if (fit$optRes$convergence != 0) probs <- c(probs, paste("nlminb:", fit$optRes$message))
  ev <- eigen(fit$Hessian, symmetric = TRUE, only.values = TRUE)$values
  if (any(!is.finite(ev)) || min(ev) <= 0) probs <- c(probs, "Hessian not positive definite")
  g <- max(abs(fit$gradient))
  if (!is.finite(g) || g > 5e-3) probs <- c(probs, sprintf("max |gradient| %g", g))
  step <- max(abs(solve(fit$Hessian, fit$gradient)))
  if (!is.finite(step) || step > 1e-4) probs <- c(probs, sprintf("Newton step %g", step))
  if (length(probs) > 0) stop(sprintf("case %s: clmm fit not clean: %s", name, paste(probs, collapse = " | ")))
  invisible(TRUE)
}

## the pieces of a clmm fit the evaluator needs (eta without random effects, y as 1..K)
ord_eta0 <- function(fit, d, fixed) {
  X <- model.matrix(fixed, d)[, -1, drop = FALSE]
  if (!identical(colnames(X), names(fit$beta))) stop("ord_eta0: columns ", paste(colnames(X), collapse = ","))
  drop(X %*% fit$beta)
}

## name: case; call: the clmm call (evaluated with d); d: data with the response already an
## ordered factor; resp: response column; fixed: the fixed-effects formula (for the evaluator);
## re: list(<clmm group name> = list(f = factor, M = covariates)); points: nAGQ
ord_case <- function(name, call, d, resp, fixed, re, link, y_note, points = 1, info = list()) {
  r <- run_call(call, d, ORD_FUNS)
  assert_clean_clmm(r, name)
  fit <- r$fit
  ll_r <- logLik(fit)
  ll <- as.numeric(ll_r)
  k <- attr(ll_r, "df")
  n <- fit$dims$nobs
  vc <- ordinal::VarCorr(fit)
  V <- vcov(fit)
  se_all <- sqrt(diag(V))
  if (k != length(fit$alpha) + length(fit$beta) + sum(vapply(vc, function(m) ncol(m) * (ncol(m) + 1) / 2, 0))) {
    stop("case ", name, ": logLik df is not #thresholds + #beta + #variance parameters")
  }

  ## the independent evaluation at clmm's estimates
  y <- as.integer(droplevels(d[[resp]]))
  th <- drop(fit$Theta)
  eta0 <- ord_eta0(fit, d, fixed)
  terms <- lapply(names(vc), function(gn) c(re[[gn]], list(Sigma = unname(as.matrix(vc[[gn]])))))
  own <- if (points > 1) {
    ord_agq(y, eta0, th, link, terms[[1]]$f, sqrt(terms[[1]]$Sigma[1, 1]), points)
  } else ord_laplace(y, eta0, th, link, terms)
  if (abs(own - ll) > 1e-4) stop(sprintf("case %s: own evaluation %.8f vs clmm logLik %.8f", name, own, ll))
  own_info <- list(
    loglik = own,
    loglik_minus_clmm = own - ll,
    note = paste("independent evaluation (cases_ordinal.R ord_laplace / ord_agq: observed Hessian,",
                 "exact infinite outer thresholds) at clmm's estimates; se/threshold_se from its",
                 "central-difference Hessian (ord_own_se); the script stops if they differ from clmm's by > 0.1 %"))
  X <- model.matrix(fixed, d)[, -1, drop = FALSE]
  own_se <- setNames(ord_own_se(fit$alpha, fit$beta, fit$tJac, X, y, link, terms, points),
                     c(names(fit$alpha), names(fit$beta)))
  se_dev <- max(abs(own_se / se_all[names(own_se)] - 1))
  if (se_dev > 1e-3) stop(sprintf("case %s: clmm's se differ from the evaluator's by %.2g %%", name, 100 * se_dev))
  own_info$se <- named(own_se[names(fit$beta)])
  own_info$threshold_se <- named(own_se[names(fit$alpha)])
  own_info$se_max_relative_difference <- se_dev
  if (points == 1) {
    own_info$laplace_expected_hessian <- ord_laplace(y, eta0, th, link, terms, "expected")
  } else {
    for (q in c(1, 5, 10, 25)) own_info[[sprintf("agq_%d", q)]] <- ord_agq(y, eta0, th, link, terms[[1]]$f,
                                                                           sqrt(terms[[1]]$Sigma[1, 1]), q)
  }

  J <- fit$tJac
  Va <- V[names(fit$alpha), names(fit$alpha), drop = FALSE]
  theta_se <- setNames(sqrt(diag(J %*% Va %*% t(J))), colnames(fit$Theta))
  step <- solve(fit$Hessian, fit$gradient)
  e <- list(
    reference = ord_reference(r$call, y_note),
    converged = TRUE,
    family = "ordinal",
    link = link,
    family_parameters = named(fit$alpha),
    nobs = n,
    fixef = named(fit$beta),
    se = named(se_all[names(fit$beta)]),
    random = random_block(vc, names(vc)),
    loglik = ll,
    aic = -2 * ll + 2 * k,
    bic = -2 * ll + log(n) * k,
    info = c(list(
      note = paste("info is not compared. se = sqrt(diag(vcov(fit))) of beta; threshold_se likewise for the",
                   "threshold parameters (clmm: numerical Hessian of the Laplace/AGQ objective in all parameters)."),
      threshold_se = named(se_all[names(fit$alpha)]),
      threshold_structure = fit$threshold,
      thresholds = named(drop(fit$Theta)),
      thresholds_se = named(theta_se),
      tJac = unname(J),
      response_levels = I(fit$y.levels),
      logLik_df = k,
      n_parameters = k,
      R_AIC = AIC(fit),
      R_BIC = BIC(fit),
      nAGQ = fit$nAGQ,
      convergence = fit$optRes$convergence,
      optimizer_message = fit$optRes$message,
      max_grad = max(abs(fit$gradient)),
      newton_step_max = max(abs(step)),
      newton_decrement = sum(step * fit$gradient) / 2,
      cond_H = with(eigen(fit$Hessian, only.values = TRUE), abs(max(values) / min(values))),
      evaluations = fit$optRes$evaluations[["function"]],
      inner_iterations = fit$Niter,
      random_note = "clmm's sign: eta = x'beta + z'u, so a positive conditional mode shifts a group to higher categories",
      ranef = ranef_head(ordinal::ranef(fit)),
      own_evaluation = own_info
    ), info)
  )
  ord_expected(name, e)
  cat(sprintf("%-26s nobs %4d  k %d  loglik %.6f  max|g| %.1e  own-clmm %.1e\n", name, n, k, ll,
              max(abs(fit$gradient)), own - ll))
  invisible(list(r = r, e = e))
}

## a reduced record of another fit of the same data (info only)
ord_crosscheck <- function(call, d, note) {
  r <- run_call(call, d, ORD_FUNS)
  fit <- r$fit
  out <- list(call = sprintf("ordinal %s %s", V_ORD, call), loglik = as.numeric(logLik(fit)),
              thresholds = named(fit$alpha), fixef = named(fit$beta),
              sd = sd_flat(random_block(ordinal::VarCorr(fit), names(ordinal::VarCorr(fit)))),
              max_grad = max(abs(fit$gradient)), note = note)
  if (length(r$warnings)) out$warnings <- I(unique(r$warnings))
  out
}

ord_yaml_family <- function(thresholds = "flexible", levels = NULL) {
  if (is.null(levels)) return(sprintf("family: {name: ordinal, thresholds: %s}", thresholds))
  sprintf("family: {name: ordinal, thresholds: %s, levels: [%s]}", thresholds, paste(levels, collapse = ", "))
}

Y_SORTED <- function(col) sprintf("d$%s <- factor(d$%s, ordered = TRUE) (levels = its sorted values)", col, col)
Y_LEVELS <- function(col, lv) sprintf('d$%s <- factor(d$%s, levels = c(%s), ordered = TRUE)', col, col,
                                      paste0('"', lv, '"', collapse = ", "))

dir.create(ORD_ROOT, recursive = TRUE, showWarnings = FALSE)

## ---------------------------------------------------------------------------------------
## 1. wine (ordinal's data; judges relabelled J1..J9 as in the public case clmm_wine_logit)

local({
  wine <- get(data("wine", package = "ordinal", envir = environment()))
  wine_df <- data.frame(rating = as.integer(as.character(wine$rating)), temp = as.character(wine$temp),
                        contact = as.character(wine$contact), judge = paste0("J", wine$judge))
  formula <- "rating ~ temp + contact + (1 | judge)"
  prep <- function(name) {
    ord_new(name)
    d <- ord_data(name, wine_df)
    d$rating <- factor(d$rating, ordered = TRUE)
    d
  }
  re_of <- function(d) list(judge = list(f = d$judge, M = matrix(1, nrow(d))))
  fixed <- ~ temp + contact
  laplace_call <- function(link, ctrl = ORD_CTRL, threshold = NULL)
    sprintf('clmm(%s, data = d, link = "%s", %snAGQ = 1, control = %s)', formula, link,
            if (is.null(threshold)) "" else sprintf('threshold = "%s", ', threshold), ctrl)

  ## Laplace, three links (+ loglog).  logit/probit on ordinal's default path; cloglog/loglog
  ## need useMatrix = TRUE (the default path swaps the two links, see the header).
  for (link in c("logit", "probit", "cloglog", "loglog")) {
    name <- paste0("wine_", link)
    d <- prep(name)
    ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(), paste("link:", link))
    swapped <- link %in% c("cloglog", "loglog")
    info <- list()
    if (swapped) {
      other <- setdiff(c("cloglog", "loglog"), link)
      info$ssr_path_crosscheck <- ord_crosscheck(laplace_call(link), d, sprintf(paste(
        "ordinal's default single-term path with link = \"%s\": it evaluates the %s CDF (C code linkInt",
        "swap), so these numbers are those of the %s model (wine_%s), not of this one"), link, other, other, other))
    } else {
      info$useMatrix_crosscheck <- ord_crosscheck(laplace_call(link, ORD_CTRL_MATRIX), d,
        "the same model on clmm's R-level (Matrix) path: the two paths agree to the optimizer's precision")
    }
    ord_case(name, laplace_call(link, if (swapped) ORD_CTRL_MATRIX else ORD_CTRL), d, "rating", fixed, re_of(d),
             link, Y_SORTED("rating"), info = c(list(
               integrator = "Laplace with the observed Hessian in u (clmm); numerics.md: the expected information gives own_evaluation.laplace_expected_hessian instead",
               clmm_path = if (swapped) "R-level Matrix path (useMatrix = TRUE): right link" else "default single-term path (C code)"), info))
  }

  ## AGQ, logit
  lap <- jsonlite::fromJSON(case_path("wine_logit", "expected.json", root = ORD_ROOT))
  for (q in c(5L, 10L)) {
    name <- sprintf("wine_agq%d", q)
    d <- prep(name)
    ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(), "link: logit",
               sprintf("integrator: {name: agq, points: %d}", q))
    ord_case(name, sprintf('clmm(%s, data = d, link = "logit", nAGQ = %d, control = %s)', formula, q, ORD_CTRL),
             d, "rating", fixed, re_of(d), "logit", Y_SORTED("rating"), points = q,
             info = list(integrator = sprintf("adaptive Gauss-Hermite, %d points (clmm nAGQ = %d: adaptive)", q, q),
                         loglik_note = "clmm's logLik() of an AGQ fit is the full marginal log-likelihood (no saturated term is dropped: an ordinal density has no normalising constant); own_evaluation.agq_* evaluates the formula at 1, 5, 10 and 25 points",
                         laplace_loglik = lap$loglik))
  }

  ## threshold structures, logit Laplace
  for (thr in c("equidistant", "symmetric")) {
    name <- paste0("wine_", thr)
    d <- prep(name)
    ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(thr), "link: logit")
    ord_case(name, laplace_call("logit", threshold = thr), d, "rating", fixed, re_of(d), "logit",
             Y_SORTED("rating"), info = list(
               threshold_note = if (thr == "equidistant") {
                 "clmm's parameters: threshold.1 = theta_1 and spacing: theta_j = threshold.1 + (j - 1) spacing (info.thresholds, tJac)"
               } else {
                 "clmm's parameters for K - 1 = 4 thresholds: central.1, central.2, spacing.1: theta = (central.1 - spacing.1, central.1, central.2, central.2 + spacing.1) (info.thresholds, tJac); family_parameters are clmm's parameters, info.thresholds the implied thresholds"
               }))
  }
})

## ---------------------------------------------------------------------------------------
## 2. soup (ordinal's data: 185 respondents, 1847 rows, SURENESS 1..6); respondents relabelled
##    R001..R185 and products P1..P6 (same order), DAY kept as an integer used as factor(DAY)

local({
  soup <- get(data("soup", package = "ordinal", envir = environment()))
  soup_df <- data.frame(SURENESS = as.integer(as.character(soup$SURENESS)),
                        PROD = as.character(soup$PROD),
                        PRODID = paste0("P", soup$PRODID),
                        DAY = as.integer(as.character(soup$DAY)),
                        RESP = sprintf("R%03d", as.integer(as.character(soup$RESP))))
  prep <- function(name) {
    ord_new(name)
    d <- ord_data(name, soup_df)
    d$SURENESS <- factor(d$SURENESS, ordered = TRUE)
    d
  }

  name <- "soup_nested"
  d <- prep(name)
  formula <- "SURENESS ~ PROD + (1 | RESP) + (1 | RESP:PROD)"
  ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(), "link: logit")
  ord_case(name, sprintf('clmm(%s, data = d, link = "logit", nAGQ = 1, control = %s)', formula, ORD_CTRL),
           d, "SURENESS", ~ PROD,
           list(RESP = list(f = d$RESP, M = matrix(1, nrow(d))),
                `RESP:PROD` = list(f = interaction(d$RESP, d$PROD, drop = TRUE), M = matrix(1, nrow(d)))),
           "logit", Y_SORTED("SURENESS"),
           info = list(random_note = "PROD (Ref/Test) within respondent: (1 | RESP) + (1 | RESP:PROD) = (1 | RESP/PROD); 185 + 370 random effects, clmm's R-level path (two terms)"))

  name <- "soup_crossed"
  d <- prep(name)
  formula <- "SURENESS ~ factor(DAY) + (1 | RESP) + (1 | PRODID)"
  ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(), "link: logit")
  ord_case(name, sprintf('clmm(%s, data = d, link = "logit", nAGQ = 1, control = %s)', formula, ORD_CTRL),
           d, "SURENESS", ~ factor(DAY),
           list(RESP = list(f = d$RESP, M = matrix(1, nrow(d))), PRODID = list(f = d$PRODID, M = matrix(1, nrow(d)))),
           "logit", Y_SORTED("SURENESS"),
           info = list(random_note = "respondents (185) crossed with products (6): every respondent tasted several products"))
})

## ---------------------------------------------------------------------------------------
## 3. simulated: string response with an explicit level order; random slope; unused levels

## y* = eta + logistic noise; category = 1 + #(thresholds below y*)  (P(Y <= j) = F(theta_j - eta))
ord_sim_y <- function(eta, th) 1L + as.integer(rowSums(outer(eta + rlogis(length(eta)), th, ">")))

local({
  name <- "string_levels"
  set.seed(1401)
  ng <- 40; m <- 8
  g <- rep(ord_lvl("g", ng), each = m); gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  trt <- sample(c("A", "B"), ng * m, replace = TRUE)
  u <- rnorm(ng, 0, 0.9)
  yi <- ord_sim_y(0.7 * x + 0.8 * (trt == "B") + u[gi], c(-0.8, 1.3))
  lv <- c("low", "mid", "high")
  ord_new(name)
  d <- ord_data(name, data.frame(y = lv[yi], x = x, trt = trt, g = g))
  d$y <- factor(d$y, levels = lv, ordered = TRUE)
  formula <- "y ~ x + trt + (1 | g)"
  ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(levels = lv), "link: logit")
  ord_case(name, sprintf('clmm(%s, data = d, link = "logit", nAGQ = 1, control = %s)', formula, ORD_CTRL),
           d, "y", ~ x + trt, list(g = list(f = d$g, M = matrix(1, nrow(d)))), "logit", Y_LEVELS("y", lv),
           info = list(levels_note = "the response is a string column ordered by the family's levels list (sorted order would be high < low < mid); clmm names the thresholds from the levels: low|mid, mid|high"))

  ## the same data without a level order: weft refuses (issue 14); clmm would use the factor's
  ## (sorted) level order high < low < mid without a word
  name <- "error_string_no_levels"
  ord_new(name)
  ord_data(name, data.frame(y = lv[yi], x = x, trt = trt, g = g))
  ord_config(name, "data: data.csv", paste("formula:", formula), "family: {name: ordinal}", "link: logit")
  write_expected_error(name, list(
    exit_code = 2,
    stderr_contains = I("levels"),
    info = list(note = paste("string response without an order (no levels: in the family map): exit 2 with one line",
                             "that says how to give one (issue 14). clmm itself would fit it with the sorted levels",
                             "high < low < mid (thresholds high|low, low|mid)."),
                data = "same data as string_levels")), root = ORD_ROOT)
  cat(sprintf("%-26s expected_error (exit 2)\n", name))
})

local({
  name <- "random_slope"
  set.seed(1402)
  ng <- 30; m <- 12
  g <- rep(ord_lvl("g", ng), each = m); gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  S <- matrix(c(0.8^2, 0.5 * 0.8 * 0.5, 0.5 * 0.8 * 0.5, 0.5^2), 2)
  b <- matrix(rnorm(ng * 2), ng) %*% chol(S)
  yi <- ord_sim_y(0.8 * x + b[gi, 1] + b[gi, 2] * x, c(-1, 0.8, 2))
  ord_new(name)
  d <- ord_data(name, data.frame(y = yi, x = x, g = g))
  d$y <- factor(d$y, ordered = TRUE)
  formula <- "y ~ x + (1 + x | g)"
  ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(), "link: logit")
  ord_case(name, sprintf('clmm(%s, data = d, link = "logit", nAGQ = 1, control = %s)', formula, ORD_CTRL),
           d, "y", ~ x, list(g = list(f = d$g, M = cbind(1, d$x))), "logit", Y_SORTED("y"),
           info = list(random_note = "correlated random intercept and slope; clmm's R-level path, Laplace only (AGQ needs one scalar term)",
                       simulated = "thresholds -1, 0.8, 2; beta 0.8; sd 0.8 and 0.5, corr 0.5"))
})

local({
  ## one level never occurs.  clmm drops unused response levels without a word (wherever they
  ## are: first, middle or last) and names the thresholds after the adjacent levels left.
  set.seed(1403)
  ng <- 30; m <- 10
  g <- rep(ord_lvl("g", ng), each = m); gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.7)
  yi <- ord_sim_y(0.9 * x + u[gi], c(-0.9, 1.1))

  name <- "unused_level_string"
  lv <- c("low", "mid", "high", "top")
  ord_new(name)
  d <- ord_data(name, data.frame(y = c("low", "mid", "top")[yi], x = x, g = g))
  d$y <- factor(d$y, levels = lv, ordered = TRUE)
  formula <- "y ~ x + (1 | g)"
  ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(levels = lv), "link: logit")
  ord_case(name, sprintf('clmm(%s, data = d, link = "logit", nAGQ = 1, control = %s)', formula, ORD_CTRL),
           d, "y", ~ x, list(g = list(f = d$g, M = matrix(1, nrow(d)))), "logit", Y_LEVELS("y", lv),
           info = list(levels_note = "levels [low, mid, high, top] with high never occurring: clmm drops the level silently (no warning) and fits K = 3 categories; thresholds low|mid, mid|top",
                       counts = named(table(d$y))))

  name <- "unused_level_integer"
  set.seed(1404)
  yi4 <- ord_sim_y(0.9 * x + u[gi], c(-1.2, 0.6, 2))
  ord_new(name)
  d <- ord_data(name, data.frame(y = c(1L, 2L, 4L, 5L)[yi4], x = x, g = g))
  d$y <- factor(d$y, ordered = TRUE)
  ord_config(name, "data: data.csv", paste("formula:", formula), ord_yaml_family(), "link: logit")
  ord_case(name, sprintf('clmm(%s, data = d, link = "logit", nAGQ = 1, control = %s)', formula, ORD_CTRL),
           d, "y", ~ x, list(g = list(f = d$g, M = matrix(1, nrow(d)))), "logit", Y_SORTED("y"),
           info = list(levels_note = "ratings 1, 2, 4, 5 (3 never occurs): the levels are the values present, thresholds 1|2, 2|4, 4|5 (the same as factor(y, levels = 1:5) would give, since clmm drops unused levels)",
                       counts = named(table(d$y))))
})

## every folder complete?
local({
  cases <- sort(list.files(ORD_ROOT))
  for (n in cases) {
    have <- file.exists(case_path(n, c("data.csv", "config.yaml"), root = ORD_ROOT))
    exp <- file.exists(case_path(n, c("expected.json", "expected_error.json"), root = ORD_ROOT))
    if (!all(have) || sum(exp) != 1) stop("ordinal case ", n, " is incomplete")
  }
  cat(sprintf("%d cases written to %s\n", length(cases), ORD_ROOT))
})
