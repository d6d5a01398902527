#!/usr/bin/env bash
# Real-DataJoint round trip of every reference corpus, through dj-export and dj-import:
#
#   corpus dump → source database → dj-export → dj-import (same backend, and the other one)
#   → DataJoint 2.3.2 reads the copy (digest.py) → compared with the corpus's own digest
#
# Needs the DataJoint harness set up (../shared/datajoint-harness, `DJ_GIT=… ./setup.sh`; its
# servers running) and `npm run build`. Usage:
#
#   DJH_CACHE=<harness cache dir> scripts/harness-roundtrip.sh [mariadb-dj2|postgres-dj2 ...]
#
# Prints one line per comparison and exits non-zero if a same-backend copy is not IDENTICAL.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
H="${DJH_DIR:-$here/../shared/datajoint-harness}"
H="$(cd "$H" && pwd)"
export DJH_CACHE="${DJH_CACHE:-$H/.cache}"
RT="$DJH_CACHE/rt-dj-snapshot"
MY="mysql://root@127.0.0.1:${DJH_MYSQL_PORT:-3307}"
PG_PORT="${DJH_PG_PORT:-5433}"
export DJ_PASS="${DJH_DB_PASS:-password}"
EXPORT="node $here/dist/cli/dj-export.js"
IMPORT="node $here/dist/cli/dj-import.js"
corpora=("$@"); [ ${#corpora[@]} -gt 0 ] || corpora=(mariadb-dj2 postgres-dj2)
fail=0

stores() { # stores.json for a store root (the harness layout: one folder per store name)
  local root="$1" out="$2"
  python3 - "$root" "$out" <<'PY'
import json, sys
root, out = sys.argv[1], sys.argv[2]
names = ["files", "local", "main", "repo", "repo-s3", "share"]
cfg = {"default": "main", "filepath_default": "files"}
cfg.update({n: {"protocol": "file", "location": f"{root}/{n}"} for n in names})
json.dump(cfg, open(out, "w"), indent=1)
PY
  for n in files local main repo repo-s3 share; do mkdir -p "$root/$n"; done
}

psql_admin() { PGPASSWORD="$DJ_PASS" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$1" >/dev/null; }
drop_mysql_prefix() {
  mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P "${DJH_MYSQL_PORT:-3307}" -uroot -p"$DJ_PASS" -N -e \
    "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '$1%'" | while read -r s; do
      mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P "${DJH_MYSQL_PORT:-3307}" -uroot -p"$DJ_PASS" -e "SET FOREIGN_KEY_CHECKS=0; DROP DATABASE \`$s\`"; done
}

compare() { # label digest-json
  local label="$1" got="$2" ref="$3" fields="${4:-}"
  local out
  if [ -n "$fields" ]; then out="$(python3 "$H/digest.py" --compare "$ref" "$got" --fields "$fields" 2>&1)" || true
  else out="$(python3 "$H/digest.py" --compare "$ref" "$got" 2>&1)" || true; fi
  echo "== $label: $(echo "$out" | head -1)"
  echo "$out" > "$got.compare.txt"
}

for corpus in "${corpora[@]}"; do
  C="$H/corpus/$corpus"; W="$RT/$corpus"
  rm -rf "$W"; mkdir -p "$W"
  stores "$W/src-store" "$W/src-stores.json"
  if [ "$corpus" = mariadb-dj2 ]; then
    drop_mysql_prefix src_; drop_mysql_prefix dst_
    "$H/load_corpus.sh" "$C" --store "$W/src-store" --target-prefix src_ --drop >/dev/null
    $EXPORT --db "$MY" --schema 'src_*' --stores "$W/src-stores.json" --repo "$W/snap" --json > "$W/export.json"
    # same backend
    stores "$W/dst-store" "$W/dst-stores.json"
    $IMPORT "$W/snap" --db "$MY" --prefix src_=dst_ --stores "$W/dst-stores.json" --json > "$W/import-same.json"
    DJH_STORE="$W/dst-store" "$H/dj.sh" "$H/digest.py" --prefix dst_ > "$W/dst.json"
    compare "$corpus → MariaDB (dst_*)" "$W/dst.json" "$C/digest.json"
    grep -q '^IDENTICAL' "$W/dst.json.compare.txt" || fail=1
    # other backend: PostgreSQL database xdst, schema names dj_*
    psql_admin "DROP DATABASE IF EXISTS xdst WITH (FORCE)"; psql_admin "CREATE DATABASE xdst"
    stores "$W/x-store" "$W/x-stores.json"
    $IMPORT "$W/snap" --db "postgres://postgres@127.0.0.1:$PG_PORT/xdst" --prefix src_=dj_ --stores "$W/x-stores.json" --lossy --json > "$W/import-cross.json" || echo "cross-backend import: exit $? (see $W/import-cross.json)"
    DJ_BACKEND=postgres DJ_DATABASE_NAME=xdst DJH_STORE="$W/x-store" "$H/dj.sh" "$H/digest.py" --prefix dj_ > "$W/xdst.json" || true
    compare "$corpus → PostgreSQL (cross-backend, all fields)" "$W/xdst.json" "$C/digest.json"
    compare "$corpus → PostgreSQL (cross-backend, content)" "$W/xdst.json" "$C/digest.json" "primary_key,row_count,foreign_keys,content_hash"
    # and back: the PostgreSQL copy exported and imported into MariaDB again
    $EXPORT --db "postgres://postgres@127.0.0.1:$PG_PORT/xdst" --schema 'dj_*' --stores "$W/x-stores.json" --repo "$W/snap-back" --json > "$W/export-back.json"
    drop_mysql_prefix back_
    stores "$W/back-store" "$W/back-stores.json"
    $IMPORT "$W/snap-back" --db "$MY" --prefix dj_=back_ --stores "$W/back-stores.json" --lossy --json > "$W/import-back.json" || echo "back import: exit $?"
    DJH_STORE="$W/back-store" "$H/dj.sh" "$H/digest.py" --prefix back_ > "$W/back.json" || true
    compare "$corpus → PostgreSQL → MariaDB (back)" "$W/back.json" "$C/digest.json"
  else
    psql_admin "DROP DATABASE IF EXISTS src WITH (FORCE)"; psql_admin "DROP DATABASE IF EXISTS dst WITH (FORCE)"; psql_admin "CREATE DATABASE dst"
    "$H/load_corpus.sh" "$C" --database src --store "$W/src-store" --drop >/dev/null
    $EXPORT --db "postgres://postgres@127.0.0.1:$PG_PORT/src" --schema 'dj_*' --stores "$W/src-stores.json" --repo "$W/snap" --json > "$W/export.json"
    stores "$W/dst-store" "$W/dst-stores.json"
    $IMPORT "$W/snap" --db "postgres://postgres@127.0.0.1:$PG_PORT/dst" --stores "$W/dst-stores.json" --json > "$W/import-same.json"
    DJ_BACKEND=postgres DJ_DATABASE_NAME=dst DJH_STORE="$W/dst-store" "$H/dj.sh" "$H/digest.py" --prefix dj_ > "$W/dst.json"
    compare "$corpus → PostgreSQL (dst)" "$W/dst.json" "$C/digest.json"
    grep -q '^IDENTICAL' "$W/dst.json.compare.txt" || fail=1
    # other backend: MariaDB, schemas xdst_*
    drop_mysql_prefix xdst_
    stores "$W/x-store" "$W/x-stores.json"
    $IMPORT "$W/snap" --db "$MY" --prefix dj_=xdst_ --stores "$W/x-stores.json" --lossy --json > "$W/import-cross.json" || echo "cross-backend import: exit $? (see $W/import-cross.json)"
    DJH_STORE="$W/x-store" "$H/dj.sh" "$H/digest.py" --prefix xdst_ > "$W/xdst.json" || true
    compare "$corpus → MariaDB (cross-backend, all fields)" "$W/xdst.json" "$C/digest.json"
    compare "$corpus → MariaDB (cross-backend, content)" "$W/xdst.json" "$C/digest.json" "primary_key,row_count,foreign_keys,content_hash"
    $EXPORT --db "$MY" --schema 'xdst_*' --stores "$W/x-stores.json" --repo "$W/snap-back" --json > "$W/export-back.json"
    psql_admin "DROP DATABASE IF EXISTS back WITH (FORCE)"; psql_admin "CREATE DATABASE back"
    stores "$W/back-store" "$W/back-stores.json"
    $IMPORT "$W/snap-back" --db "postgres://postgres@127.0.0.1:$PG_PORT/back" --prefix xdst_=dj_ --stores "$W/back-stores.json" --lossy --json > "$W/import-back.json" || echo "back import: exit $?"
    DJ_BACKEND=postgres DJ_DATABASE_NAME=back DJH_STORE="$W/back-store" "$H/dj.sh" "$H/digest.py" --prefix dj_ > "$W/back.json" || true
    compare "$corpus → MariaDB → PostgreSQL (back)" "$W/back.json" "$C/digest.json"
  fi
done
echo "details: $RT/<corpus>/*.compare.txt"
exit $fail
