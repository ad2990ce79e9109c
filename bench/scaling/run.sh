#!/bin/sh
# The scaling curve (issue 16): fit time against rows (1e4 ... 1e7) for a binary and a Poisson
# model, y ~ x + (1 | g) with 500 groups, weft beside lme4 and glmmTMB (default controls) in the
# same run. R tools run until a fit takes longer than 10 minutes (they are not run on the next
# size once one takes over 60 s: ten times the rows takes longer than 10 minutes). Writes
# bench/scaling/results.md and bench/scaling/scaling.png (matplotlib).
# Usage: bench/scaling/run.sh [WEFT] (default build/weft). Needs R (lme4, glmmTMB, data.table),
# /usr/bin/python3 with numpy and matplotlib, GNU time.
set -e
here=$(cd "$(dirname "$0")" && pwd)
weft=$(realpath "${1:-build/weft}")
work=${WEFT_SCALING_DIR:-$(mktemp -d)}
out="$work/times.txt"
: > "$out"
for family in binary poisson; do
  r_limit_lme4=0; r_limit_tmb=0
  for n in 10000 100000 1000000 10000000; do
    csv="$work/${family}_$n.csv"
    [ -f "$csv" ] || /usr/bin/python3 "$here/make_data.py" "$work" "$n" "$family"
    printf 'data: %s\nformula: y ~ x + (1 | g)\nfamily: %s\n' "$csv" \
      "$([ $family = binary ] && echo binomial || echo poisson)" > "$work/model.yaml"
    # weft: end to end (CSV read included), wall and CPU seconds, peak memory
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$weft" fit "$work/model.yaml" --format json --quiet \
      > "$work/out.json"
    ll=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/out.json'))['loglik'])")
    echo "$family $n weft $(cat "$work/time.txt") $ll" >> "$out"
    for tool in lme4 glmmTMB; do
      eval skip=\$r_limit_$( [ $tool = lme4 ] && echo lme4 || echo tmb )
      if [ "$skip" = 1 ]; then echo "$family $n $tool skipped" >> "$out"; continue; fi
      if r=$(timeout 660 Rscript "$here/time_r.R" "$csv" "$family" "$tool" 2>/dev/null); then
        echo "$family $n $tool $r" >> "$out"
        s=${r%% *}
        if [ "$(echo "$s > 60" | bc -l)" = 1 ]; then eval r_limit_$( [ $tool = lme4 ] && echo lme4 || echo tmb )=1; fi
      else
        echo "$family $n $tool timeout" >> "$out"
        eval r_limit_$( [ $tool = lme4 ] && echo lme4 || echo tmb )=1
      fi
    done
  done
done
/usr/bin/python3 "$here/plot.py" "$out" "$here/results.md" "$here/scaling.png"
cat "$here/results.md"
