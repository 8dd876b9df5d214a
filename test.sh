#!/usr/bin/env bash
# The test command: installs the two Debian packages the tests use when they are missing, then runs
# every test of the solution but the load measures (Category=Load: run them with `bench/run.sh load`,
# docs/BENCHMARKS.md). Arguments are passed on to `dotnet test` (e.g. --filter NAME).
#
#   chromium   the dashboard's real-browser test drives /usr/bin/chromium (Playwright's own browser
#              download is not used)
#   lua-check  luacheck, the Lua lint of examples/ and types/
#
# and the Node.js `ws` package the WebSocket tests use as a peer (tests/node, `npm ci` from its
# package-lock.json; needs Node.js 18+ and npm).
#
# Needs the .NET 10 SDK. Installing uses apt-get (Debian, Ubuntu): as root directly, otherwise
# through sudo. On another system, install Chromium as /usr/bin/chromium and luacheck yourself.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v luacheck >/dev/null 2>&1 || missing+=(lua-check)

if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (needed by the tests)"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: apt-get not found; install ${missing[*]} yourself (Chromium as /usr/bin/chromium), then run this again" >&2
    exit 1
  fi

  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "test.sh: installing ${missing[*]} needs root, and sudo is not available; run this as root once" >&2
      exit 1
    fi
    as_root=(sudo)
  fi

  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: Node.js and npm are needed (the WebSocket tests talk to Node ws peers); install them, then run this again" >&2
  exit 1
fi
if [ ! -d tests/node/node_modules/ws ] || [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then
  echo "test.sh: installing the Node ws package into tests/node (npm ci)"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi

exec dotnet test PluginNet.sln -c Release "$@"
