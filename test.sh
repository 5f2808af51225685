#!/usr/bin/env bash
# Installs what the tests need, builds, runs every test project, and ends with one line: "N passed, N failed".
# Tests start their own servers (embedded MQTT broker, mosquitto, agent and cloud processes) on loopback ports
# and stop them; nothing is left running.
set -uo pipefail
cd "$(dirname "$0")"
source tests/postgres-test-server.sh    # pg_test_bin, pg_test_start, pg_test_stop: the PostgreSQL store tests' server

need=()
command -v mosquitto > /dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_pub > /dev/null 2>&1 || need+=(mosquitto-clients)
command -v curl > /dev/null 2>&1 || need+=(curl)
command -v systemd-analyze > /dev/null 2>&1 || need+=(systemd)    # verifies the units of deploy/
pg_test_bin > /dev/null || need+=(postgresql)                          # the store suite runs against PostgreSQL too
[ -x /usr/bin/chromium ] || need+=(chromium)                           # the web UI's browser tests (Playwright drives it)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null; }; then
    echo "could not install ${need[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
# Debian may start a system mosquitto on 1883 after installing it; the tests use their own ports and configs.

echo "==> building"
if ! dotnet build Agent.sln -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
mkdir -p .test

# A throwaway PostgreSQL for the store suite (CHARGER_TEST_POSTGRES); stopped and deleted on exit. If it cannot start,
# the PostgreSQL tests fail and say why.
trap pg_test_stop EXIT
trap 'exit 130' INT TERM
echo "==> starting PostgreSQL"
if pg_test_start .test/pg; then
  echo "   127.0.0.1:$PG_TEST_PORT (cluster in .test/pg)"
else
  echo "   PostgreSQL did not start: the PostgreSQL store tests will fail"
fi
for proj in tests/*.Tests/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "==> $name"
  log=".test/$name.log"
  dotnet test "$proj" -c Release --no-build -nologo --logger "console;verbosity=normal" > "$log" 2>&1
  rc=$?
  total=$(grep -E '^\s*Total tests: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  if [ -z "$total" ]; then
    echo "   $name did not report a summary (exit $rc); last lines:"
    tail -20 "$log" | sed 's/^/   /'
    failed=$((failed + 1))
    continue
  fi
  p=$(grep -E '^\s*Passed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+'); p=${p:-0}
  f=$(grep -E '^\s*Failed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+'); f=${f:-0}
  echo "   $p passed, $f failed of $total"
  if [ "$f" != "0" ] || [ $rc -ne 0 ]; then
    grep -E '^\s+Failed |\[FAIL\]' "$log" | head -20 | sed 's/^/   /'
    [ "$f" = "0" ] && f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
