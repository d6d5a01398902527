#!/usr/bin/env bash
# Real DataJoint against dj-serve: each corpus snapshot (made by scripts/harness-roundtrip.sh)
# is served from in-memory PGlite, and DataJoint 2.3.2 digests it over the wire; the digest is
# compared with the corpus's own. Needs the harness set up and `npm run build`.
#
#   DJH_CACHE=<harness cache dir> scripts/harness-serve.sh [postgres-dj2|mariadb-dj2 ...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
H="$(cd "${DJH_DIR:-$here/../shared/datajoint-harness}" && pwd)"
export DJH_CACHE="${DJH_CACHE:-$H/.cache}"
RT="$DJH_CACHE/rt-dj-snapshot"
PORT="${DJ_SERVE_PORT:-55439}"
corpora=("$@"); [ ${#corpora[@]} -gt 0 ] || corpora=(postgres-dj2 mariadb-dj2)
fail=0
for corpus in "${corpora[@]}"; do
  W="$RT/$corpus"; [ -d "$W/snap" ] || { echo "no snapshot in $W/snap: run scripts/harness-roundtrip.sh $corpus first"; exit 2; }
  prefix=dj_; lossy=(); [ "$corpus" = mariadb-dj2 ] && { prefix=src_; lossy=(--lossy); }
  rm -rf "$W/serve-store"; mkdir -p "$W/serve-store"
  started=$(date +%s.%N)
  node "$here/dist/cli/dj-serve.js" "$W/snap" --port "$PORT" --stores "$W/serve-store" ${lossy[@]+"${lossy[@]}"} --json > "$W/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    grep -q '"listening"\|"port"' "$W/serve.log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "== $corpus: dj-serve up after $(echo "$(date +%s.%N) - $started" | bc) s"
  if kill -0 "$pid" 2>/dev/null; then
    DJ_BACKEND=postgres DJ_HOST=127.0.0.1 DJ_PORT="$PORT" DJ_DATABASE_NAME=postgres DJH_STORE="$W/serve-store" \
      "$H/dj.sh" "$H/digest.py" --prefix "$prefix" > "$W/served.json" || true
    kill -INT "$pid"; wait "$pid" || true
    if [ "$corpus" = postgres-dj2 ]; then
      out="$(python3 "$H/digest.py" --compare "$H/corpus/$corpus/digest.json" "$W/served.json" 2>&1 || true)"
      echo "   digest through dj-serve: $(echo "$out" | head -1)"
      echo "$out" | head -1 | grep -q '^IDENTICAL' || fail=1
    else
      out="$(python3 "$H/digest.py" --compare "$H/corpus/$corpus/digest.json" "$W/served.json" --fields primary_key,row_count,foreign_keys,content_hash 2>&1 || true)"
      echo "   digest through dj-serve (cross-backend, content fields): $(echo "$out" | head -1)"
      echo "$out" | sed -n '2,40p' | sed 's/^/   /'
    fi
  else
    echo "   dj-serve exited early:"; tail -5 "$W/serve.log" | sed 's/^/   /'; fail=1
  fi
done
exit $fail
