#!/usr/bin/env bash
# Back up Schatkaart's database, or restore a backup and prove it whole.
#
#   scripts/backup.sh dump    DATABASE_URL FILE   PostgreSQL: pg_dump in its custom format;
#                                                 SQLite: SQLite's online backup of the file
#   scripts/backup.sh restore FILE DATABASE_URL   into an empty database (pg_restore) or a new
#                                                 file, then every verify command against it
#                                                 (exit 1 on any fault)
#
# The restore runs `flask archive verify` (the public record's hash chain, head to tail),
# `flask credits verify` (every balance against its ledger) and `flask council verify` (the
# council's kept facts against their sources). tests/test_backup.py runs both directions.
# Pictures kept in a folder (IMAGE_FOLDER) are backed up with the files; with
# IMAGE_STORAGE=database they are in the dump.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:?dump or restore}"
case "$what" in
  dump)
    url="${2:?DATABASE_URL}"; file="${3:?FILE}"
    if [[ "$url" == sqlite:///* ]]; then
      .venv/bin/python -c 'import sys, sqlean
src, dst = sqlean.connect(sys.argv[1]), sqlean.connect(sys.argv[2])
src.backup(dst)
dst.close()' "${url#sqlite:///}" "$file"
    else
      pg_dump --format=custom --no-owner --no-privileges --file "$file" "$url"
    fi
    echo "backup written: $file ($(stat -c %s "$file") bytes)"
    ;;
  restore)
    file="${2:?FILE}"; url="${3:?DATABASE_URL}"
    if [[ "$url" == sqlite:///* ]]; then
      [ ! -e "${url#sqlite:///}" ] || { echo "${url#sqlite:///} exists: restore into a new file" >&2; exit 2; }
      cp "$file" "${url#sqlite:///}"
    else
      pg_restore --no-owner --no-privileges --exit-on-error --dbname "$url" "$file"
    fi
    echo "restored into ${url##*/}; verifying"
    export DATABASE_URL="$url" FLASK_APP=schatkaart SECRET_KEY="${SECRET_KEY:-restore-check}"
    .venv/bin/flask archive verify
    .venv/bin/flask credits verify
    .venv/bin/flask council verify
    echo "restore verified"
    ;;
  *) echo "usage: $0 dump DATABASE_URL FILE | restore FILE DATABASE_URL" >&2; exit 2 ;;
esac
