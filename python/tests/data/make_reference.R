## lme4 reference numbers for the Python tests (python/tests) and the quickstart's new data.
## Run from the repository root:  Rscript python/tests/data/make_reference.R
## (R 4.2.2, lme4 1.1-31, jsonlite.) Data are read with read.csv(stringsAsFactors = TRUE) in
## the C collation, as weft reads them. lme4 fits use bobyqa with tolPwrss = 1e-12 (its
## defaults stop short of the optimum; see tests/reference/R/helpers.R).
## Writes python/tests/data/lme4_reference.json and examples/data/cbpp_newdata.csv.
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
invisible(Sys.setlocale("LC_COLLATE", "C"))
ctrl <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 1e5, rhoend = 1e-10))
rd <- function(f) read.csv(f, stringsAsFactors = TRUE)

named <- function(x) as.list(x)
vc_frame <- function(fit) {
  v <- as.data.frame(VarCorr(fit))
  list(grp = I(as.character(v$grp)), var1 = I(as.character(v$var1)),
       var2 = I(ifelse(is.na(v$var2), NA, as.character(v$var2))), vcov = I(v$vcov), sdcor = I(v$sdcor))
}
summary_of <- function(fit, call) {
  list(call = call, fixef = named(fixef(fit)), se = named(sqrt(diag(as.matrix(vcov(fit))))),
       loglik = as.numeric(logLik(fit)), aic = AIC(fit), bic = BIC(fit),
       variance_components = vc_frame(fit))
}
out <- list(note = paste("lme4", packageVersion("lme4"), "fits for python/tests; made by python/tests/data/make_reference.R"))

## cbpp: the quickstart's binomial model (interlace's proportion form = lme4's cbind form)
cbpp <- rd("configs/data/cbpp.csv")
cbpp$herd <- factor(cbpp$herd); cbpp$period <- factor(cbpp$period)
call <- "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)"
fit <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial, control = ctrl)
out$cbpp <- summary_of(fit, call)
re <- ranef(fit)$herd
out$cbpp$ranef_herd <- list(levels = rownames(re), values = re[["(Intercept)"]])

## new data: rows of herds seen in fitting and of a herd (16) that was not
nd <- data.frame(herd = c(1, 2, 3, 16, 16), period = c(1, 2, 3, 1, 4))
write.csv(nd, "examples/data/cbpp_newdata.csv", row.names = FALSE)
ndf <- nd; ndf$herd <- factor(ndf$herd); ndf$period <- factor(ndf$period, levels = levels(cbpp$period))
out$cbpp$predict_newdata <- list(
  file = "examples/data/cbpp_newdata.csv",
  response = unname(predict(fit, ndf, type = "response", allow.new.levels = TRUE)),
  link = unname(predict(fit, ndf, type = "link", allow.new.levels = TRUE)),
  response_population = unname(predict(fit, ndf, type = "response", re.form = NA)),
  link_population = unname(predict(fit, ndf, type = "link", re.form = NA)))
out$cbpp$fitted_response <- unname(fitted(fit))

## cbpp with nAGQ = 25 (lme4's logLik drops the binomial constants for nAGQ > 1: not compared)
fit25 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial, nAGQ = 25, control = ctrl)
out$cbpp_agq25 <- list(call = sub("binomial)", "binomial, nAGQ = 25)", call), fixef = named(fixef(fit25)),
                       se = named(sqrt(diag(as.matrix(vcov(fit25))))), sd = attr(VarCorr(fit25)$herd, "stddev")[[1]])

## grouseticks: Poisson with three grouping factors
g <- rd("configs/data/grouseticks.csv")
for (v in c("INDEX", "BROOD", "LOCATION", "YEAR")) g[[v]] <- factor(g[[v]])
## (tolPwrss = 1e-12 makes lme4's PIRLS fail here; 1e-10 as in the parity case)
ctrl10 <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-10, optCtrl = list(maxfun = 1e5, rhoend = 1e-10))
fitg <- glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION), g, poisson, control = ctrl10)
out$grouseticks <- summary_of(fitg, "glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION), grouseticks, poisson)")

## Owls: Poisson vs NB2 with theta = 2 (the quickstart's AIC comparison)
o <- rd("configs/data/owls.csv")
o$Nest <- factor(o$Nest)
f <- SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize)) + (1 | Nest)
fitp <- glmer(f, o, poisson, control = ctrl)
fitn <- glmer(f, o, negative.binomial(theta = 2), control = ctrl)
out$owls_poisson <- summary_of(fitp, "glmer(SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize)) + (1 | Nest), Owls, poisson)")
out$owls_nb2_theta2 <- summary_of(fitn, "glmer(SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize)) + (1 | Nest), Owls, negative.binomial(theta = 2))")
## lme4 counts a scale parameter for negative.binomial(theta = 2) (its AIC is 2 higher than
## weft's, which counts only estimated parameters): compare logLik for this fit

## variance components with correlated and with uncorrelated slopes
sc <- rd("tests/reference/cases/slopes_correlated/data.csv")
fitc <- glmer(y ~ x + (1 + x | g), sc, poisson, control = ctrl)
out$slopes_correlated <- summary_of(fitc, "glmer(y ~ x + (1 + x | g), tests/reference/cases/slopes_correlated/data.csv, poisson)")
su <- rd("tests/reference/cases/slopes_uncorrelated/data.csv")
fitu <- glmer(cbind(s, n - s) ~ x + (x || g), su, binomial, control = ctrl)
out$slopes_uncorrelated <- summary_of(fitu, "glmer(cbind(s, n - s) ~ x + (x || g), tests/reference/cases/slopes_uncorrelated/data.csv, binomial)")

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), "python/tests/data/lme4_reference.json")
