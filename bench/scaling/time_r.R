# Rscript time_r.R CSV FAMILY TOOL: prints "seconds loglik" of lme4's glmer or glmmTMB's fit of
# y ~ x + (1 | g) (the CSV read is not timed; default controls, as users run them).
suppressPackageStartupMessages({library(lme4); library(glmmTMB); library(data.table)})
a <- commandArgs(TRUE)
d <- as.data.frame(fread(a[1]))
fam <- if (a[2] == "binary") binomial() else poisson()
t <- system.time(fit <- if (a[3] == "lme4") glmer(y ~ x + (1 | g), d, fam) else glmmTMB(y ~ x + (1 | g), d, family = fam))
cat(t[["elapsed"]], as.numeric(logLik(fit)), "\n")
