#!/usr/bin/env bash
# The initiative page at 0 / 500 / 5,000 / 50,000 comments: before comment pages (d563a49) and now.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(mktemp -d)
git worktree add -q --detach "$before" d563a49
trap 'git worktree remove --force "$before"' EXIT
echo "before (d563a49):"; .venv/bin/python bench/bench_thread.py --root "$before" "$@" 2>/dev/null | grep '^{'
echo "after ($(git rev-parse --short HEAD)):"; .venv/bin/python bench/bench_thread.py --root "$PWD" "$@" 2>/dev/null | grep '^{'
