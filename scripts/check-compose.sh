#!/usr/bin/env bash
# docker-compose.yml cannot run here (no Docker engine); validate it with Debian's docker-compose.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then echo "check-compose: docker-compose is not installed" >&2; exit 1; fi
  echo "check-compose: docker-compose not installed here, not checked (CI installs it: apt-get install docker-compose)"
  exit 0
fi
# The file must refuse to start without a LINK_SECRET (no default), and be valid with one.
if env -u LINK_SECRET docker-compose -f docker-compose.yml config -q 2>/dev/null; then
  echo "check-compose: docker-compose.yml must require LINK_SECRET (\${LINK_SECRET:?...})" >&2
  exit 1
fi
LINK_SECRET=compose-check-only docker-compose -f docker-compose.yml config -q
echo "check-compose: docker-compose.yml is valid"
