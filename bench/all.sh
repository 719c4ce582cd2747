#!/bin/sh
# Every benchmark in one run, in the order of docs/benchmarks.md: one line per figure, to be
# read side by side (the host is shared, so figures from different runs do not compare).
# Needs `make setup`, PostgreSQL at $PG (trust auth) and about 25 quiet minutes; it creates and
# empties the databases named below. Usage: sh bench/all.sh | tee bench-run.txt
set -u
cd "$(dirname "$0")/.."
PG=${PG:-postgresql://postgres@127.0.0.1:5432}
PY=.venv/bin/python
run() {  # one benchmark; a failure is reported and the others still run
    $PY "$@" || echo "FAILED: $*"
}
for db in tryghed_bench tryghed_p3 tryghed_teams tryghed_replicas; do
    psql "$PG/postgres" -qc "create database $db" >/dev/null 2>&1 || true
done
echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), nproc $(nproc)," \
    "$(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1), $(uname -sr)," \
    "$($PY --version), $(psql "$PG/postgres" -Atc 'show server_version')"
run bench/p1_answer.py --postgres "$PG/tryghed_bench"
run bench/p1_teams.py --postgres "$PG/tryghed_teams"
run bench/p1_service.py --answers 2000 --postgres "$PG/tryghed_bench"
run bench/p2_fanout.py --postgres "$PG/tryghed_bench"
run bench/p2_fanout.py --workspace-rate 5
run bench/p2_fanout.py --teams 10000 --workspaces 100
run bench/p2_service.py --teams 200 --postgres "$PG/tryghed_bench"
run bench/p3_trend.py --teams 100 1000 --postgres "$PG/tryghed_p3"
run bench/p4_footprint.py
run bench/p5_demo.py
run bench/p6_replicas.py --postgres "$PG/tryghed_replicas"
