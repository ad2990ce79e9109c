## Shared helpers for the weft reference cases (sourced by make_all.R and the case scripts).
##
## Run everything from the repository root:
##     Rscript tests/reference/R/make_all.R
## (R 4.2.2, lme4 1.1-31, glmmTMB 1.1.5, TMB 1.9.2, jsonlite.)  Every case folder
## tests/reference/cases/<name>/ gets data.csv, config.yaml and expected.json (or
## expected_error.json).  The data are simulated with set.seed(), written with
## write.csv(row.names = FALSE) and READ BACK with read.csv(stringsAsFactors = TRUE) in the
## C collation before fitting, exactly as the public parity cases (shared/parity/README.md),
## so the fit sees what weft sees (factor levels in byte order, numbers as printed).
##
## Every reference fit must be clean: lme4 fits with bobyqa, tolPwrss = 1e-12,
## maxfun 1e5, rhoend 1e-10; any warning or lme4 convergence message (other than the
## singular-fit message in a case declared singular) stops the script, so the data have
## to be changed (never the tolerance) until the fit is clean.

suppressPackageStartupMessages({
  library(lme4)
  library(glmmTMB)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))

REF_ROOT <- file.path("tests", "reference", "cases")
if (!dir.exists(file.path("tests", "reference"))) {
  stop("run from the repository root: Rscript tests/reference/R/make_all.R")
}

LME4_CTRL <- 'glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 1e5, rhoend = 1e-10))'
READ_NOTE <- sprintf('[d = read.csv("data.csv", stringsAsFactors = TRUE) with LC_COLLATE=C; R %s]',
                     paste(R.version$major, R.version$minor, sep = "."))
V_LME4 <- packageDescription("lme4")$Version
V_TMB <- packageDescription("glmmTMB")$Version
V_TMBC <- packageDescription("TMB")$Version

SE_NOTE_LME4 <- paste("info is not compared. se = sqrt(diag(vcov(fit))) (lme4 default use.hessian = TRUE:",
                      "finite-difference Hessian of the Laplace/AGQ deviance in (theta, beta));",
                      "se_conditional_RX = sqrt(diag(vcov(fit, use.hessian = FALSE))).")
SE_NOTE_TMB <- "info is not compared. se = sqrt(diag(vcov(fit)$cond)) (TMB sdreport: joint Hessian of all parameters); zi_se likewise from vcov(fit)$zi."

## ---------------------------------------------------------------------------------------
## files

## root: the folder holding the case folders (default REF_ROOT = tests/reference/cases; the
## scripts for other folders, e.g. tests/reference/lmm, pass their own)
case_path <- function(name, file = NULL, root = REF_ROOT) {
  p <- file.path(root, name)
  if (is.null(file)) p else file.path(p, file)
}

new_case <- function(name, root = REF_ROOT) {
  p <- case_path(name, root = root)
  if (dir.exists(p)) unlink(p, recursive = TRUE)
  dir.create(p, recursive = TRUE, showWarnings = FALSE)
  invisible(p)
}

## Writes data.csv and returns it as weft (and the reference fit) will read it.
write_data <- function(name, df, root = REF_ROOT) {
  f <- case_path(name, "data.csv", root)
  write.csv(df, f, row.names = FALSE)
  read.csv(f, stringsAsFactors = TRUE)
}

write_config <- function(name, ..., root = REF_ROOT) {
  lines <- c(...)
  writeLines(lines, case_path(name, "config.yaml", root))
}

num_or_null <- function(x) if (is.null(x) || length(x) == 0) NULL else x

## A small JSON writer: objects one key a line, arrays of scalars (and matrices of them) on
## one line, numbers with 15 significant digits ("%.15g"; non-finite -> null).
## I(x) keeps a length-1 vector an array; a named list is an object, an unnamed one an array.
json_scalar <- function(x) {
  if (is.null(x) || (length(x) == 1 && is.na(x) && !is.character(x))) return("null")
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.numeric(x)) {
    if (!is.finite(x)) return("null")
    if (x == round(x) && abs(x) < 1e15) return(sprintf("%.0f", x))
    return(sprintf("%.15g", x))
  }
  as.character(jsonlite::toJSON(as.character(x), auto_unbox = TRUE))
}

to_json <- function(x, indent = 0) {
  pad <- strrep(" ", indent + 2)
  end <- strrep(" ", indent)
  if (is.matrix(x)) {
    rows <- vapply(seq_len(nrow(x)), function(i) to_json(I(x[i, ]), indent), "")
    return(paste0("[", paste(rows, collapse = ", "), "]"))
  }
  if (is.list(x)) {
    nm <- names(x)
    if (!is.null(nm)) {
      if (length(x) == 0) return("{}")
      items <- vapply(seq_along(x), function(i)
        paste0(pad, json_scalar(nm[i]), ": ", to_json(x[[i]], indent + 2)), "")
      return(paste0("{\n", paste(items, collapse = ",\n"), "\n", end, "}"))
    }
    if (length(x) == 0) return("[]")
    items <- vapply(x, function(e) to_json(e, indent + 2), "")
    if (all(!vapply(x, is.list, TRUE))) return(paste0("[", paste(items, collapse = ", "), "]"))
    return(paste0("[\n", paste0(pad, items, collapse = ",\n"), "\n", end, "]"))
  }
  if (inherits(x, "AsIs") || length(x) != 1) {
    x <- unclass(x)
    if (length(x) == 0) return("[]")
    return(paste0("[", paste(vapply(seq_along(x), function(i) json_scalar(x[[i]]), ""), collapse = ", "), "]"))
  }
  json_scalar(unname(x))
}

write_json_file <- function(obj, file) {
  txt <- to_json(obj)
  ## round trip through a real JSON parser as a check
  invisible(jsonlite::fromJSON(txt, simplifyVector = FALSE))
  writeLines(txt, file)
}

write_expected <- function(name, obj, root = REF_ROOT) write_json_file(obj, case_path(name, "expected.json", root))

write_expected_error <- function(name, obj, root = REF_ROOT) write_json_file(obj, case_path(name, "expected_error.json", root))

## named numeric vector -> JSON object (an empty one when empty)
named <- function(v) {
  if (length(v) == 0) return(structure(list(), names = character(0)))
  as.list(setNames(as.numeric(v), names(v)))
}

## ---------------------------------------------------------------------------------------
## running fits

## Evaluates the call text in an environment holding `d` (and anything in `extra`),
## recording warnings and messages instead of printing them.
run_call <- function(call_text, d, extra = list()) {
  env <- list2env(c(list(d = d), extra), parent = globalenv())
  warns <- character(0)
  msgs <- character(0)
  val <- withCallingHandlers(
    eval(parse(text = call_text), envir = env),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    },
    message = function(m) {
      msgs <<- c(msgs, trimws(conditionMessage(m)))
      invokeRestart("muffleMessage")
    })
  list(fit = val, warnings = warns, messages = msgs, call = call_text)
}

is_singular_msg <- function(m) grepl("singular", m, ignore.case = TRUE)

## Stops unless an lme4 fit is clean.  allow_singular: the boundary message is accepted.
assert_clean_lme4 <- function(r, name, allow_singular = FALSE) {
  fit <- r$fit
  conv <- fit@optinfo$conv$lme4$messages
  probs <- c(r$warnings, fit@optinfo$warnings, conv, r$messages)
  probs <- unlist(lapply(probs, as.character))
  if (allow_singular) probs <- probs[!is_singular_msg(probs)]
  if (length(probs) > 0 || fit@optinfo$conv$opt != 0) {
    stop(sprintf("case %s: lme4 fit not clean: %s", name, paste(probs, collapse = " | ")))
  }
  invisible(TRUE)
}

assert_clean_tmb <- function(r, name) {
  fit <- r$fit
  probs <- c(r$warnings, r$messages)
  if (fit$fit$convergence != 0) probs <- c(probs, paste("convergence", fit$fit$message))
  if (!isTRUE(fit$sdr$pdHess)) probs <- c(probs, "Hessian not positive definite")
  g <- max(abs(fit$sdr$gradient.fixed))
  if (!is.finite(g) || g > 1e-3) probs <- c(probs, sprintf("max |gradient| %g", g))
  if (length(probs) > 0) {
    stop(sprintf("case %s: glmmTMB fit not clean: %s", name, paste(probs, collapse = " | ")))
  }
  invisible(TRUE)
}

lme4_reference <- function(call_text, fn = "glmer") {
  sprintf("lme4 %s %s   %s", V_LME4, call_text, READ_NOTE)
}

tmb_reference <- function(call_text) {
  sprintf("glmmTMB %s %s   [d = read.csv(\"data.csv\", stringsAsFactors = TRUE) with LC_COLLATE=C; TMB %s; R %s]",
          V_TMB, call_text, V_TMBC, paste(R.version$major, R.version$minor, sep = "."))
}

## ---------------------------------------------------------------------------------------
## extracting results

## VarCorr -> list of {group, terms, sd, corr}; one entry per lme4 term (so (x || g) gives
## two entries with the same group name).
random_block <- function(vc, group_names) {
  out <- list()
  for (i in seq_along(vc)) {
    m <- vc[[i]]
    sd <- attr(m, "stddev")
    terms <- names(sd)
    corr <- attr(m, "correlation")
    if (is.null(corr) || length(sd) == 1) corr <- diag(length(sd))
    corr <- unname(as.matrix(corr))
    out[[length(out) + 1]] <- list(group = group_names[i], terms = I(terms),
                                   sd = I(unname(as.numeric(sd))), corr = corr)
  }
  out
}

random_lme4 <- function(fit) random_block(VarCorr(fit), names(fit@cnms))

random_tmb <- function(fit) {
  vc <- VarCorr(fit)$cond
  random_block(vc, names(vc))
}

## conditional modes of the first 5 levels of every grouping factor
ranef_head <- function(re) {
  out <- list()
  for (g in names(re)) {
    r <- as.data.frame(re[[g]])
    k <- min(5, nrow(r))
    out[[g]] <- list(terms = I(colnames(r)), levels = I(rownames(r)[seq_len(k)]),
                     values = unname(as.matrix(r[seq_len(k), , drop = FALSE])))
  }
  out
}

sd_flat <- function(random) {
  v <- c()
  for (e in random) v[paste(e$group, e$terms, sep = "|")] <- e$sd
  named(v)
}

## ---------------------------------------------------------------------------------------
## expected.json for an lme4 fit

## loglik: the value to compare (default logLik(fit)); npar: parameters counted by weft
## (default #beta + #theta + estimated family parameters).
lme4_expected <- function(r, family, link, family_parameters = list(),
                          n_family_parameters = length(family_parameters),
                          loglik = NULL, singular = FALSE, info = list(), reference = NULL) {
  fit <- r$fit
  ll_r <- logLik(fit)
  ll <- if (is.null(loglik)) as.numeric(ll_r) else loglik
  k <- length(fixef(fit)) + length(getME(fit, "theta")) + n_family_parameters
  n <- nobs(fit)
  v <- vcov(fit)
  vrx <- suppressWarnings(vcov(fit, use.hessian = FALSE))  # "differ by >1e-04" is expected
  fp <- if (length(family_parameters)) family_parameters else structure(list(), names = character(0))
  base_info <- list(
    note = SE_NOTE_LME4,
    se_conditional_RX = named(setNames(sqrt(diag(as.matrix(vrx))), names(fixef(fit)))),
    n_parameters = k,
    R_logLik = as.numeric(ll_r),
    R_AIC = AIC(fit),
    R_BIC = BIC(fit),
    R_logLik_df = attr(ll_r, "df"),
    isSingular = isSingular(fit),
    theta = I(unname(getME(fit, "theta"))),
    optimizer_evaluations = fit@optinfo$feval,
    lme4_messages = I(as.character(unique(unlist(c(r$messages, fit@optinfo$conv$lme4$messages))))),
    ranef = ranef_head(ranef(fit))
  )
  list(
    reference = if (is.null(reference)) lme4_reference(r$call) else reference,
    converged = TRUE,
    family = family,
    link = link,
    family_parameters = fp,
    nobs = n,
    fixef = named(fixef(fit)),
    se = named(setNames(sqrt(diag(as.matrix(v))), names(fixef(fit)))),
    zi_fixef = named(c()),
    zi_se = named(c()),
    random = random_lme4(fit),
    loglik = ll,
    aic = -2 * ll + 2 * k,
    bic = -2 * ll + log(n) * k,
    singular = singular,
    info = c(base_info, info)
  )
}

## ---------------------------------------------------------------------------------------
## expected.json for a glmmTMB fit

tmb_expected <- function(r, family, link, family_parameters = list(), info = list(),
                         singular = FALSE) {
  fit <- r$fit
  ll_r <- logLik(fit)
  ll <- as.numeric(ll_r)
  fe <- fixef(fit)
  vc <- vcov(fit)
  n <- nobs(fit)
  zi <- fe$zi
  k <- attr(ll_r, "df")
  fp <- if (length(family_parameters)) family_parameters else structure(list(), names = character(0))
  list(
    reference = tmb_reference(r$call),
    converged = TRUE,
    family = family,
    link = link,
    family_parameters = fp,
    nobs = n,
    fixef = named(fe$cond),
    se = named(setNames(sqrt(diag(as.matrix(vc$cond))), names(fe$cond))),
    zi_fixef = named(if (length(zi)) zi else c()),
    zi_se = named(if (length(zi)) setNames(sqrt(diag(as.matrix(vc$zi))), names(zi)) else c()),
    random = random_tmb(fit),
    loglik = ll,
    aic = -2 * ll + 2 * k,
    bic = -2 * ll + log(n) * k,
    singular = singular,
    info = c(list(
      note = SE_NOTE_TMB,
      n_parameters = k,
      R_AIC = AIC(fit),
      R_BIC = BIC(fit),
      pdHess = fit$sdr$pdHess,
      max_abs_gradient = max(abs(fit$sdr$gradient.fixed)),
      optimizer_message = fit$fit$message,
      theta_internal = I(unname(getME(fit, "theta"))),
      ranef = ranef_head(ranef(fit)$cond)
    ), info)
  )
}

## ---------------------------------------------------------------------------------------
## cross-checks (recorded in info, never compared)

tmb_crosscheck <- function(call_text, d, note, extra = list()) {
  r <- tryCatch(run_call(call_text, d, extra), error = function(e) e)
  if (inherits(r, "error")) return(list(call = call_text, error = conditionMessage(r)))
  fit <- r$fit
  fe <- fixef(fit)$cond
  out <- list(
    call = sprintf("glmmTMB %s %s", V_TMB, call_text),
    loglik = as.numeric(logLik(fit)),
    fixef = named(fe),
    se = named(setNames(sqrt(diag(as.matrix(vcov(fit)$cond))), names(fe))),
    sd = sd_flat(random_tmb(fit)),
    note = note)
  if (length(fixef(fit)$zi)) out$zi_fixef <- named(fixef(fit)$zi)
  if (!is.na(sigma(fit)) && family(fit)$family %in% c("nbinom2", "truncated_nbinom2")) out$theta <- sigma(fit)
  if (length(r$warnings)) out$warnings <- I(r$warnings)
  out
}

lme4_crosscheck <- function(call_text, d, note, extra = list()) {
  r <- tryCatch(run_call(call_text, d, extra), error = function(e) e)
  if (inherits(r, "error")) return(list(call = call_text, error = conditionMessage(r)))
  fit <- r$fit
  out <- list(
    call = sprintf("lme4 %s %s", V_LME4, call_text),
    loglik = as.numeric(logLik(fit)),
    fixef = named(fixef(fit)),
    se = named(setNames(sqrt(diag(as.matrix(vcov(fit)))), names(fixef(fit)))),
    sd = sd_flat(random_lme4(fit)),
    note = note)
  th <- tryCatch(getME(fit, "glmer.nb.theta"), error = function(e) NULL)
  if (!is.null(th)) out$theta <- th
  w <- unlist(c(r$warnings, fit@optinfo$conv$lme4$messages))
  if (length(w)) out$warnings <- I(w)
  out
}

## ---------------------------------------------------------------------------------------
## The full adaptive Gauss-Hermite log-likelihood of a GLMM with one scalar random
## intercept, evaluated independently of lme4's and TMB's C++ code (numerics.md, "AGQ"):
##   log L = sum_j log( s_j sum_k w_k p(y_j | u_j + s_j z_k) phi(u_j + s_j z_k) / phi(z_k) )
## u_j = conditional mode, s_j = 1 / sqrt(1 + lambda^2 sum_i W_i) with W the Fisher weights
## (prior weight * mu_eta^2 / V(mu)) as lme4 (s_j = 1/L_jj) for hessian = "expected", or the
## exact -d2 log p / d eta2 (central differences) for hessian = "observed" (TMB's Laplace).
## Densities keep all constants.  points = 1 is the Laplace value.
agq_eval <- function(y, wt, X, off, g, beta, lam, fam, points, hessian = c("expected", "observed")) {
  hessian <- match.arg(hessian)
  g <- factor(g)
  eta0 <- drop(X %*% beta) + off
  logdens <- switch(fam$family,
    binomial = function(mu, idx) dbinom(round(y[idx] * wt[idx]), round(wt[idx]), mu, log = TRUE),
    poisson = function(mu, idx) wt[idx] * dpois(y[idx], mu, log = TRUE),
    stop("agq_eval: family ", fam$family))
  gh <- GHrule(points)
  total <- 0
  for (lev in levels(g)) {
    idx <- which(g == lev)
    grad <- function(u) {
      eta <- eta0[idx] + lam * u
      mu <- fam$linkinv(eta)
      -2 * lam * sum(wt[idx] * (y[idx] - mu) * fam$mu.eta(eta) / fam$variance(mu)) + 2 * u
    }
    u <- uniroot(grad, c(-30, 30), tol = 1e-14, maxiter = 10000)$root
    if (hessian == "expected") {
      eta <- eta0[idx] + lam * u
      mu <- fam$linkinv(eta)
      h <- 1 + lam^2 * sum(wt[idx] * fam$mu.eta(eta)^2 / fam$variance(mu))
    } else {
      lp <- function(v) sum(logdens(fam$linkinv(eta0[idx] + lam * v), idx))
      e <- 1e-4
      h <- 1 - (lp(u + e) - 2 * lp(u) + lp(u - e)) / e^2
    }
    s <- 1 / sqrt(h)
    terms <- vapply(seq_len(nrow(gh)), function(k) {
      uk <- u + s * gh[k, "z"]
      muk <- fam$linkinv(eta0[idx] + lam * uk)
      log(gh[k, "w"]) + sum(logdens(muk, idx)) + dnorm(uk, log = TRUE) - dnorm(gh[k, "z"], log = TRUE)
    }, 0)
    mx <- max(terms)
    total <- total + log(s) + mx + log(sum(exp(terms - mx)))
  }
  total
}

## the same for a glmer fit with one (1 | g) term, at its estimates unless given
agq_full_loglik <- function(fit, points, beta = fixef(fit), theta = getME(fit, "theta"),
                            hessian = "expected") {
  stopifnot(length(theta) == 1, length(getME(fit, "flist")) == 1)
  agq_eval(getME(fit, "y"), weights(fit, type = "prior"), getME(fit, "X"), getME(fit, "offset"),
           getME(fit, "flist")[[1]], beta, theta[[1]], family(fit), points, hessian)
}

## the saturated log-likelihood lme4's nAGQ > 1 deviance leaves out
saturated_loglik <- function(fit) {
  fam <- family(fit)$family
  y <- getME(fit, "y")
  wt <- weights(fit, type = "prior")
  switch(fam,
    binomial = sum(dbinom(round(y * wt), round(wt), y, log = TRUE)),
    poisson = sum(wt * dpois(y, y, log = TRUE)),
    stop("saturated_loglik: family ", fam))
}
