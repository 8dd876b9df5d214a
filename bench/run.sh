#!/usr/bin/env bash
# The benchmark harness in one command (see docs/BENCHMARKS.md):
#   bench/run.sh                 every end-to-end measure, 5 runs each, then the results table
#   bench/run.sh ws-echo flood   only those jobs;  --runs N  more runs;  --smoke  a quick check
#   bench/run.sh micro [ARGS]    the BenchmarkDotNet micro measures (ARGS go to BenchmarkDotNet; --smoke: one pass)
#   bench/run.sh load [ARGS]     the test suite's load measures (tests with Category=Load: frame rate under
#                                attack), with their figures; ARGS go to dotnet test
# Installs the Node peers (the `ws` package, pinned by bench/node/package-lock.json) and builds
# in Release first. Everything it starts listens on and talks to 127.0.0.1 only, and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ "${1:-}" == "micro" ]]; then
  shift
  dotnet build bench/PluginNet.MicroBench -c Release -v quiet -nologo
  cd bench/PluginNet.MicroBench   # BenchmarkDotNet writes its reports under here (git-ignored)
  exec dotnet bin/Release/net10.0/PluginNet.MicroBench.dll "$@"
fi

if [[ "${1:-}" == "load" ]]; then
  shift
  exec dotnet test PluginNet.sln -c Release --filter "Category=Load" --logger "console;verbosity=detailed" "$@"
fi

(cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
dotnet build bench/PluginNet.Bench -c Release -v quiet -nologo
# cold-start compares the shipped build with the host compiled ReadyToRun: publish that one beside it.
if [[ $# -eq 0 || " $* " == *" cold-start "* || " $* " == *" all "* ]]; then
  dotnet publish Host/PluginNet.Host.csproj -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o bench/.r2r -v quiet -nologo
fi
dotnet bench/PluginNet.Bench/bin/Release/net10.0/PluginNet.Bench.dll "$@"
