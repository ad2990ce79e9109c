# Makes the benchmark data sets in bench/data/ (gitignored; about 27 MB in all).
#
#   Rscript bench/R/make_data.R            # from the repository root (or any folder)
#
# Every simulated set uses set.seed(1). Factor levels are zero-padded strings, so R (C
# collation) and weft (sorted strings) see the same levels in the same order; both sides read
# the same CSV files, so the fits see identical data.
#
#   a_binary200k.csv   200,000 binary rows: y ~ x1 + x2 + f + (1 | g), g 2,000 levels (100 rows
#                      each), f 3 levels, x1, x2 ~ N(0, 1), true SD of g 0.8,
#                      beta = (-0.5, 0.7, -0.4, fB 0.3, fC -0.6)
#   e_binary20k.csv    (a) reduced to 20,000 rows: the first 10 rows of each of the 2,000 groups
#                      of (a) (same groups, same true effects), for nAGQ = 25
#   b_verbagg.csv      lme4's VerbAgg (7,584 rows); r2 as 0/1 (Y = 1), id as "P001".."P316"
#   c_salamanders.csv  glmmTMB's Salamanders (644 rows), as shipped (spp and mined read back
#                      with sorted levels: reference spp is DES-L, mined gets "minedyes")
#   d_poisson1m.csv    1,000,000 Poisson rows: y ~ x + (1 | a) + (1 | b), a 500 levels, b 50
#                      levels, crossed (each row draws a and b at random), x ~ N(0, 1),
#                      beta = (0.5, 0.3), SD(a) = 0.5, SD(b) = 0.3
#   g_insteval.csv     lme4's InstEval (73,421 rows): y, service ("0"/"1"), s, d, dept as strings
#   h_gaussian1m.csv   1,000,000 gaussian rows: y ~ x + (1 | a) + (1 | b), a 5,000 levels, b 200
#                      levels, crossed (each row draws a and b at random), x ~ N(0, 1),
#                      beta = (10, 0.5), SD(a) = 1, SD(b) = 0.5, residual SD 2
#   f_agq1k.csv        issue 5's AGQ-cost set: 1,000 groups x 10 rows = 10,000 binary rows,
#                      y ~ x + (1 | g), x ~ N(0, 1), beta = (-0.5, 0.5), SD(g) = 1

suppressPackageStartupMessages({
  library(data.table)
  library(lme4)
  library(glmmTMB)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
bench_dir <- normalizePath(file.path(dirname(script), ".."))
out_dir <- file.path(bench_dir, "data")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

write_set <- function(d, name) {
  path <- file.path(out_dir, name)
  fwrite(d, path)
  cat(sprintf("%-20s %9d rows  %s\n", name, nrow(d), path))
}

pad <- function(prefix, i, n) sprintf(paste0("%s%0", nchar(as.character(n)), "d"), prefix, i)

# (a) and (e) -------------------------------------------------------------------------------
set.seed(1)
n_g <- 2000L; per_g <- 100L; n <- n_g * per_g
g_idx <- rep(seq_len(n_g), each = per_g)
b_g <- rnorm(n_g, 0, 0.8)
x1 <- rnorm(n); x2 <- rnorm(n)
f <- sample(c("A", "B", "C"), n, replace = TRUE)
eta <- -0.5 + 0.7 * x1 - 0.4 * x2 + ifelse(f == "B", 0.3, ifelse(f == "C", -0.6, 0)) + b_g[g_idx]
y <- rbinom(n, 1, plogis(eta))
a <- data.table(y = y, x1 = round(x1, 6), x2 = round(x2, 6), f = f, g = pad("g", g_idx, n_g))
write_set(a, "a_binary200k.csv")
within_g <- rep(seq_len(per_g), times = n_g)
write_set(a[within_g <= 10L], "e_binary20k.csv")

# (b) VerbAgg -------------------------------------------------------------------------------
data("VerbAgg", package = "lme4")
v <- data.table(r2 = as.integer(VerbAgg$r2 == "Y"), Anger = VerbAgg$Anger,
                Gender = as.character(VerbAgg$Gender), btype = as.character(VerbAgg$btype),
                situ = as.character(VerbAgg$situ), mode = as.character(VerbAgg$mode),
                item = as.character(VerbAgg$item),
                id = pad("P", as.integer(as.character(VerbAgg$id)), 316))
write_set(v, "b_verbagg.csv")

# (c) Salamanders ---------------------------------------------------------------------------
data("Salamanders", package = "glmmTMB")
s <- data.table(count = Salamanders$count, spp = as.character(Salamanders$spp),
                mined = as.character(Salamanders$mined), site = as.character(Salamanders$site),
                cover = Salamanders$cover, DOP = Salamanders$DOP, Wtemp = Salamanders$Wtemp,
                DOY = Salamanders$DOY, sample = Salamanders$sample)
write_set(s, "c_salamanders.csv")

# (d) 1,000,000 Poisson rows, two crossed factors -------------------------------------------
set.seed(1)
n <- 1000000L; n_a <- 500L; n_b <- 50L
u_a <- rnorm(n_a, 0, 0.5); u_b <- rnorm(n_b, 0, 0.3)
ia <- sample.int(n_a, n, replace = TRUE); ib <- sample.int(n_b, n, replace = TRUE)
x <- rnorm(n)
y <- rpois(n, exp(0.5 + 0.3 * x + u_a[ia] + u_b[ib]))
write_set(data.table(y = y, x = round(x, 6), a = pad("a", ia, n_a), b = pad("b", ib, n_b)),
          "d_poisson1m.csv")

# (f) AGQ cost: 1,000 groups, random intercept, binary --------------------------------------
set.seed(1)
n_g <- 1000L; per_g <- 10L; n <- n_g * per_g
g_idx <- rep(seq_len(n_g), each = per_g)
u <- rnorm(n_g, 0, 1)
x <- rnorm(n)
y <- rbinom(n, 1, plogis(-0.5 + 0.5 * x + u[g_idx]))
write_set(data.table(y = y, x = round(x, 6), g = pad("g", g_idx, n_g)), "f_agq1k.csv")

# (g) InstEval (issue 13: linear mixed models) ------------------------------------------------
data("InstEval", package = "lme4")
write_set(data.table(y = InstEval$y, service = as.character(InstEval$service),
                     s = pad("s", as.integer(as.character(InstEval$s)), 9999),
                     d = pad("d", as.integer(as.character(InstEval$d)), 9999),
                     dept = pad("dept", as.integer(as.character(InstEval$dept)), 99)),
          "g_insteval.csv")

# (h) 1,000,000 gaussian rows, two crossed factors (issue 13) ---------------------------------
set.seed(1)
n <- 1000000L; n_a <- 5000L; n_b <- 200L
u_a <- rnorm(n_a, 0, 1); u_b <- rnorm(n_b, 0, 0.5)
ia <- sample.int(n_a, n, replace = TRUE); ib <- sample.int(n_b, n, replace = TRUE)
x <- rnorm(n)
y <- 10 + 0.5 * x + u_a[ia] + u_b[ib] + rnorm(n, 0, 2)
write_set(data.table(y = round(y, 6), x = round(x, 6), a = pad("a", ia, n_a), b = pad("b", ib, n_b)),
          "h_gaussian1m.csv")
