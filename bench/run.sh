#!/usr/bin/env bash
# weft vs lme4 / glmmTMB benchmark runner (issue 8; not a test, not in CI). See bench/README.md.
#
#   bench/run.sh [BENCHMARK ...]      # names or prefixes: a b c d e f, a_binary200k, f_agq25, ...
#                                     # (none: all of bench/configs/*.yaml)
#
# Builds nothing. For each benchmark it
#   - runs bench/R/time_reference.R once per R tool, each in its own Rscript process under
#     /usr/bin/time -v (peak memory of that process; the JSON line has the fit time),
#   - runs `$WEFT fit bench/configs/NAME.yaml --format json` up to WEFT_REPEATS times under
#     /usr/bin/time -v and a timeout; the best (lowest) wall time end to end counts,
# then prints the comparison table (bench/table.py) and writes it to bench/results/latest.md.
# Raw outputs (JSON, /usr/bin/time logs, stderr, exit codes) are kept in bench/results/raw/.
#
# Environment:
#   WEFT               weft binary (default build/weft, relative to the repository root); use
#                      a Release build
#   WEFT_REPEATS       weft runs per benchmark (default 3; best of them counts)
#   WEFT_TIMEOUT       seconds per weft run before it is killed (default 600)
#   WEFT_REPEAT_LIMIT  a weft run slower than this many seconds is not repeated (default 120)
#   R_TIMEOUT          seconds per Rscript process (default 3600)
#   SKIP_R=1           reuse the R results already in bench/results/raw/ (re-time weft only)
#   SKIP_WEFT=1        reuse the weft results already in bench/results/raw/ (re-time R only)
set -u

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
cd "$ROOT"

WEFT="${WEFT:-build/weft}"
case "$WEFT" in /*) ;; *) WEFT="$ROOT/$WEFT" ;; esac
WEFT_REPEATS="${WEFT_REPEATS:-3}"
WEFT_TIMEOUT="${WEFT_TIMEOUT:-600}"
WEFT_REPEAT_LIMIT="${WEFT_REPEAT_LIMIT:-120}"
R_TIMEOUT="${R_TIMEOUT:-3600}"
RAW="$BENCH/results/raw"

die() { echo "run.sh: $*" >&2; exit 2; }
[ -x "$WEFT" ] || die "no weft binary at $WEFT (set WEFT=path/to/weft; use a Release build)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt-get install time)"
command -v python3 >/dev/null || die "python3 missing"
if [ "${SKIP_R:-0}" != 1 ]; then
  command -v Rscript >/dev/null || die "Rscript missing (R with lme4, glmmTMB, jsonlite, data.table)"
fi

# benchmarks: all configs, or the names / prefixes given
all=()
while read -r f; do all+=("$(basename "$f" .yaml)"); done < <(ls "$BENCH"/configs/*.yaml | sort -V)
selected=()
if [ $# -eq 0 ]; then
  selected=("${all[@]}")
else
  for want in "$@"; do
    hit=0
    for name in "${all[@]}"; do
      if [ "$name" = "$want" ] || [[ "$name" == "$want"_* ]]; then selected+=("$name"); hit=1; fi
    done
    [ $hit = 1 ] || die "unknown benchmark '$want' (one of: ${all[*]})"
  done
fi

# data sets
need_data=0
for f in a_binary200k b_verbagg c_salamanders d_poisson1m e_binary20k f_agq1k; do
  [ -f "$BENCH/data/$f.csv" ] || need_data=1
done
if [ $need_data = 1 ]; then
  echo "== making data sets (bench/R/make_data.R)" >&2
  Rscript "$BENCH/R/make_data.R" >&2 || die "make_data.R failed"
fi

mkdir -p "$RAW"
now() { date +%s.%N; }

r_tools() {  # tools timed in R per benchmark
  case "$1" in
    a_*|b_*|c_*|d_*) echo "lme4 glmmTMB" ;;
    *) echo "lme4" ;;
  esac
}

for name in "${selected[@]}"; do
  if [ "${SKIP_R:-0}" != 1 ]; then
    for tool in $(r_tools "$name"); do
      stem="$RAW/$name.$tool"
      echo "== $name: $tool (R)  load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
      cut -d' ' -f1-3 /proc/loadavg > "$stem.load"
      t0=$(now)
      /usr/bin/time -v -o "$stem.time" \
        timeout --kill-after=30 "$R_TIMEOUT" Rscript "$BENCH/R/time_reference.R" "$name" "$tool" \
        > "$stem.json" 2> "$stem.stderr"
      rc=$?
      t1=$(now)
      echo "$rc" > "$stem.rc"
      python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$t0" "$t1" > "$stem.wall"
      echo "   exit $rc, process $(cat "$stem.wall") s, fit $(python3 -c "import json,sys
try: print(json.loads(open(sys.argv[1]).read().splitlines()[-1])['seconds'])
except Exception: print('?')" "$stem.json") s" >&2
    done
  fi

  if [ "${SKIP_WEFT:-0}" != 1 ]; then
    rm -f "$RAW/$name".weft.*
    for i in $(seq 1 "$WEFT_REPEATS"); do
      stem="$RAW/$name.weft.$i"
      echo "== $name: weft run $i/$WEFT_REPEATS  load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
      cut -d' ' -f1-3 /proc/loadavg > "$stem.load"
      t0=$(now)
      /usr/bin/time -v -o "$stem.time" \
        timeout --kill-after=10 "$WEFT_TIMEOUT" "$WEFT" fit "$BENCH/configs/$name.yaml" --format json \
        > "$stem.json" 2> "$stem.stderr"
      rc=$?
      t1=$(now)
      echo "$rc" > "$stem.rc"
      wall=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$t0" "$t1")
      echo "$wall" > "$stem.wall"
      echo "   exit $rc, $wall s" >&2
      # a failed, killed or slow run is not repeated
      if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then break; fi
      if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" \
           "$wall" "$WEFT_REPEAT_LIMIT"; then
        echo "   (slower than WEFT_REPEAT_LIMIT=$WEFT_REPEAT_LIMIT s: not repeated)" >&2
        break
      fi
    done
  fi
done

mkdir -p "$BENCH/results"
python3 "$BENCH/table.py" --raw "$RAW" --weft "$WEFT" --markdown "$BENCH/results/latest.md" "${selected[@]}"
