# Times one benchmark with lme4 and/or glmmTMB and prints ONE JSON line per tool on stdout:
#   {"benchmark", "tool", "seconds", "fixef": {...}, "sd": {...}, "loglik", "peak_rss_mb", ...}
#
#   Rscript bench/R/time_reference.R BENCHMARK [lme4|glmmTMB]
#
# BENCHMARK is one of the names below (the same names as bench/configs/*.yaml). Without a tool,
# every tool of the benchmark is fitted in this process (bench/run.sh runs one tool per process,
# so that /usr/bin/time sees each tool's own peak memory).
#
# `seconds` is system.time()["elapsed"] around the fit call alone (reading the CSV and loading
# the packages are not included). Both tools run with their DEFAULT controls, which is what
# users run: lme4 glmer() with glmerControl() defaults (bobyqa then Nelder-Mead, tolPwrss
# 1e-7), glmmTMB with its default nlminb settings. (weft's parity suite fits lme4 with tighter
# controls; here logliks are reported so accuracy differences stay visible.)
# `cpu_seconds` is user + system CPU time of the same call (less sensitive to a shared machine).
# `peak_rss_mb` is this R process's VmHWM after the fit (includes R, the packages and the data).
# `loglik` is logLik(fit): for nAGQ > 1 lme4 drops the saturated log-likelihood, which is 0 for
# the 0/1 data used here, so it is the full value weft reports.

suppressPackageStartupMessages({
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: time_reference.R BENCHMARK [lme4|glmmTMB]")
benchmark <- args[1]
only_tool <- if (length(args) >= 2) args[2] else NA

script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
data_dir <- file.path(normalizePath(file.path(dirname(script), "..")), "data")

# name -> data file, formula, family, tools, nAGQ
B <- list(
  a_binary200k = list(data = "a_binary200k.csv", formula = y ~ x1 + x2 + f + (1 | g),
                      family = "binomial", tools = c("lme4", "glmmTMB")),
  b_verbagg = list(data = "b_verbagg.csv",
                   formula = r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item),
                   family = "binomial", tools = c("lme4", "glmmTMB")),
  c_salamanders = list(data = "c_salamanders.csv", formula = count ~ spp + mined + (1 | site),
                       family = "nb2", tools = c("lme4", "glmmTMB")),
  d_poisson1m = list(data = "d_poisson1m.csv", formula = y ~ x + (1 | a) + (1 | b),
                     family = "poisson", tools = c("lme4", "glmmTMB")),
  e_agq25 = list(data = "e_binary20k.csv", formula = y ~ x1 + x2 + f + (1 | g),
                 family = "binomial", tools = "lme4", nAGQ = 25),
  f_agq1 = list(data = "f_agq1k.csv", formula = y ~ x + (1 | g), family = "binomial",
                tools = "lme4", nAGQ = 1),
  f_agq5 = list(data = "f_agq1k.csv", formula = y ~ x + (1 | g), family = "binomial",
                tools = "lme4", nAGQ = 5),
  f_agq10 = list(data = "f_agq1k.csv", formula = y ~ x + (1 | g), family = "binomial",
                 tools = "lme4", nAGQ = 10),
  f_agq25 = list(data = "f_agq1k.csv", formula = y ~ x + (1 | g), family = "binomial",
                 tools = "lme4", nAGQ = 25),
  # linear mixed models (issue 13): lmer with its defaults (REML, nloptwrap)
  g_insteval = list(data = "g_insteval.csv", formula = y ~ service + (1 | s) + (1 | d) + (1 | dept:service),
                    family = "gaussian", tools = "lme4"),
  h_gaussian1m = list(data = "h_gaussian1m.csv", formula = y ~ x + (1 | a) + (1 | b),
                      family = "gaussian", tools = "lme4")
)
if (!benchmark %in% names(B))
  stop("unknown benchmark '", benchmark, "'; one of: ", paste(names(B), collapse = ", "))
b <- B[[benchmark]]
tools <- if (is.na(only_tool)) b$tools else intersect(only_tool, b$tools)
if (length(tools) == 0) stop("tool '", only_tool, "' is not run for ", benchmark)
nagq <- if (is.null(b$nAGQ)) 1L else as.integer(b$nAGQ)

d <- read.csv(file.path(data_dir, b$data), stringsAsFactors = TRUE)

peak_rss_mb <- function() {
  st <- readLines("/proc/self/status")
  kb <- as.numeric(gsub("[^0-9]", "", grep("^VmHWM", st, value = TRUE)))
  round(kb / 1024, 1)
}

fit_lme4 <- function() {
  suppressPackageStartupMessages(library(lme4))
  if (b$family == "gaussian") {
    lmer(b$formula, data = d)
  } else if (b$family == "nb2") {
    glmer.nb(b$formula, data = d)
  } else {
    glmer(b$formula, data = d, family = b$family, nAGQ = nagq)
  }
}
fit_glmmTMB <- function() {
  suppressPackageStartupMessages(library(glmmTMB))
  fam <- switch(b$family, binomial = binomial(), poisson = poisson(), nb2 = nbinom2())
  glmmTMB(b$formula, data = d, family = fam)
}

for (tool in tools) {
  # load the package before the clock starts
  suppressPackageStartupMessages(library(if (tool == "lme4") "lme4" else "glmmTMB",
                                         character.only = TRUE))
  warns <- character(0)
  fit <- NULL
  tm <- system.time(
    fit <- withCallingHandlers(if (tool == "lme4") fit_lme4() else fit_glmmTMB(),
                               warning = function(w) {
                                 warns <<- c(warns, conditionMessage(w))
                                 invokeRestart("muffleWarning")
                               })
  )
  out <- list(benchmark = benchmark, tool = tool, seconds = unname(tm["elapsed"]),
              cpu_seconds = unname(tm["user.self"] + tm["sys.self"]))
  if (tool == "lme4") {
    out$fixef <- as.list(fixef(fit))
    vc <- VarCorr(fit)
    out$sd <- lapply(vc, function(m) unname(attr(m, "stddev")[1]))
    if (b$family == "nb2") out$theta <- unname(getME(fit, "glmer.nb.theta"))
    msgs <- fit@optinfo$conv$lme4$messages
    out$messages <- c(warns, if (is.null(msgs)) character(0) else msgs)
    out$nAGQ <- nagq
    out$version <- as.character(packageVersion("lme4"))
  } else {
    out$fixef <- as.list(fixef(fit)$cond)
    vc <- VarCorr(fit)$cond
    out$sd <- lapply(vc, function(m) unname(attr(m, "stddev")[1]))
    if (b$family == "nb2") out$theta <- unname(sigma(fit))
    out$messages <- c(warns, if (fit$fit$convergence != 0) fit$fit$message else character(0),
                      if (!isTRUE(fit$sdr$pdHess)) "non-positive-definite Hessian" else character(0))
    out$version <- as.character(packageVersion("glmmTMB"))
  }
  out$loglik <- as.numeric(logLik(fit))
  out$peak_rss_mb <- peak_rss_mb()
  cat(toJSON(out, auto_unbox = TRUE, digits = I(10), null = "null"), "\n", sep = "")
  rm(fit); invisible(gc())
}
