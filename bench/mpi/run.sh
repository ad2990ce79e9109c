#!/bin/sh
# weft under mpirun (issue 16): one binary model, y ~ x + (1 | g) with 500 groups
# (bench/scaling/make_data.py), its rows in 4 files (data: [part0.csv, ..., part3.csv]), fitted
# with 1, 2 and 4 processes on this machine. Prints per run: wall seconds, and per process CPU
# seconds and peak resident memory (GNU time around each process), plus the loglik (the same
# for every K). Usage: bench/mpi/run.sh [WEFT] [ROWS ...] (default build/weft, 1e6 1e7).
set -e
here=$(cd "$(dirname "$0")" && pwd)
weft=$(realpath "${1:-build/weft}")
shift || true
sizes=${*:-1000000 10000000}
work=${WEFT_MPI_BENCH_DIR:-$(mktemp -d)}
cat > "$work/timed.sh" <<'SH'
#!/bin/sh
# one process, timed: $WORK/time.<rank>
exec /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.${OMPI_COMM_WORLD_RANK:-0}" "$@"
SH
chmod +x "$work/timed.sh"
echo "| rows | processes | threads each | wall s | CPU s per process | peak MB per process | loglik |"
echo "|---|---|---|---|---|---|---|"
for n in $sizes; do
  csv="$work/binary_$n.csv"
  [ -f "$csv" ] || /usr/bin/python3 "$here/../scaling/make_data.py" "$work" "$n" binary
  [ -f "$work/part3_$n.csv" ] || /usr/bin/python3 - "$csv" "$work" "$n" <<'PY'
import sys
# streamed line by line: a 5e7-row file does not fit in memory as a list of lines
src, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src) as f:
    header = f.readline()
    for k in range(4):
        with open("%s/part%d_%d.csv" % (work, k, n), "w") as part:
            part.write(header)
            for _ in range(n * (k + 1) // 4 - n * k // 4):
                part.write(f.readline())
PY
  printf 'data: [part0_%s.csv, part1_%s.csv, part2_%s.csv, part3_%s.csv]\nformula: y ~ x + (1 | g)\nfamily: binomial\n' \
    "$n" "$n" "$n" "$n" > "$work/model_$n.yaml"
  for k in 1 2 4; do
    rm -f "$work"/time.*
    # The machine's cores shared out: K processes with one OpenMP thread each where K >= cores
    # (more threads than cores spin in libgomp and take CPU from the other processes).
    threads=$(( $(nproc) / k > 0 ? $(nproc) / k : 1 ))
    start=$(date +%s.%N)
    OMP_NUM_THREADS=$threads WORK="$work" mpirun -q -n "$k" --oversubscribe --allow-run-as-root -x WORK -x OMP_NUM_THREADS \
      "$work/timed.sh" \
      "$weft" fit "$work/model_$n.yaml" --format json --quiet > "$work/out.json"
    end=$(date +%s.%N)
    cpu=""; mem=""
    for r in $(seq 0 $((k - 1))); do
      set -- $(cat "$work/time.$r")
      cpu="$cpu$(echo "$2 + $3" | bc -l | xargs printf '%.1f') "
      mem="$mem$(($4 / 1024)) "
    done
    ll=$(/usr/bin/python3 -c "import json; print('%.6f' % json.load(open('$work/out.json'))['loglik'])")
    echo "| $n | $k | $threads | $(echo "$end - $start" | bc -l | xargs printf '%.1f') | $cpu| $mem| $ll |"
  done
done
