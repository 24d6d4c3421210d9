#!/usr/bin/env bash
# What a logged-in resident costs against a visitor: a checkout (default: the start of session 13,
# bcfeaa0) and this one, one after the other in one run on the same machine.
# Usage: bench/reader.sh [BASE_COMMIT] [bench_reader.py options]
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-bcfeaa0}"
shift || true
before=$(mktemp -d)
git worktree add -q --detach "$before" "$base"
trap 'git worktree remove --force "$before"' EXIT
echo "before ($base):"; .venv/bin/python bench/bench_reader.py --root "$before" "$@" 2>/dev/null | grep '^{'
echo "after ($(git rev-parse --short HEAD)):"; .venv/bin/python bench/bench_reader.py --root "$PWD" "$@" 2>/dev/null | grep '^{'
