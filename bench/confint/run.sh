#!/bin/sh
# Confidence intervals: weft fit --confint profile|boot against lme4's confint(method =
# "profile") and confint(method = "boot", nsim = 500) on the same data, in the same run
# (issue 15's speed goal: >= 20x). Needs R with lme4 and jsonlite. Usage:
# bench/confint/run.sh [WEFT] (default build/weft). Prints one line per model and method: lme4
# seconds, weft seconds (best of 3, fit included), ratio.
set -e
here=$(cd "$(dirname "$0")" && pwd)
weft=$(realpath "${1:-build/weft}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
Rscript "$here/lme4_profile.R" "$work" > "$work/lme4.txt"
printf '%-22s %-8s %10s %10s %8s\n' model method lme4_s weft_s ratio
while read -r name method lme4_seconds; do
  best=""
  for i in 1 2 3; do
    start=$(date +%s.%N)
    "$weft" fit "$work/$name/config.yaml" --confint "$method" --nsim 500 --seed 1 --format json --quiet \
      > "$work/$name/out.json"
    t=$(echo "$(date +%s.%N) - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf '%-22s %-8s %10.3f %10.3f %8.1f\n' "$name" "$method" "$lme4_seconds" "$best" "$(echo "$lme4_seconds / $best" | bc -l)"
done < "$work/lme4.txt"
