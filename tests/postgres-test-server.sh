#!/usr/bin/env bash
# A throwaway PostgreSQL for the store tests: a fresh cluster (initdb) in a directory of its own, listening only on
# 127.0.0.1 at a free port, one superuser with a generated password (scram-sha-256), no fsync (nothing here must survive).
# Sourced by ./test.sh; also usable by hand:
#   source tests/postgres-test-server.sh && pg_test_start .test/pg && echo "$CHARGER_TEST_POSTGRES"
#   dotnet test tests/Charger.Cloud.Tests
#   pg_test_stop
# pg_test_start exports CHARGER_TEST_POSTGRES (an Npgsql connection string). PostgreSQL refuses to run as root: as
# root the cluster runs as the user 'postgres' (runuser).

pg_test_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  command -v pg_ctl > /dev/null 2>&1 && command -v initdb > /dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

pg_test_start() {
  PG_TEST_ROOT=$(mkdir -p "$1" && cd "$1" && pwd) || return 1
  PG_TEST_BIN=$(pg_test_bin) || { echo "PostgreSQL server binaries (initdb, pg_ctl) not found" >&2; return 1; }
  PG_TEST_RUN=()
  rm -rf "$PG_TEST_ROOT/data" "$PG_TEST_ROOT/pwfile"
  local pw
  pw=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
  (umask 077 && printf '%s\n' "$pw" > "$PG_TEST_ROOT/pwfile")
  if [ "$(id -u)" = 0 ]; then
    id -u postgres > /dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres || return 1
    PG_TEST_RUN=(runuser -u postgres --)
    chown -R postgres: "$PG_TEST_ROOT"
    if ! "${PG_TEST_RUN[@]}" test -w "$PG_TEST_ROOT"; then
      # The checkout is not reachable by that user (e.g. under /root): use a directory of its own under /tmp.
      rm -rf "$PG_TEST_ROOT"
      PG_TEST_ROOT=$(mktemp -d /tmp/charger-pgtest.XXXXXX) || return 1
      (umask 077 && printf '%s\n' "$pw" > "$PG_TEST_ROOT/pwfile")
      chown -R postgres: "$PG_TEST_ROOT"
    fi
  fi
  # The database's default collation is ICU en-US where available (not byte order), so the tests show that the store's
  # orderings do not depend on the server's locale.
  local initdb=("${PG_TEST_RUN[@]}" "$PG_TEST_BIN/initdb" -D "$PG_TEST_ROOT/data" -U charger_test --pwfile="$PG_TEST_ROOT/pwfile" --auth=scram-sha-256 -E UTF8)
  if ! "${initdb[@]}" --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US > "$PG_TEST_ROOT/initdb.log" 2>&1; then
    "${PG_TEST_RUN[@]}" rm -rf "$PG_TEST_ROOT/data"
    if ! "${initdb[@]}" --no-locale >> "$PG_TEST_ROOT/initdb.log" 2>&1; then
      echo "initdb failed, see $PG_TEST_ROOT/initdb.log" >&2
      return 1
    fi
  fi
  rm -f "$PG_TEST_ROOT/pwfile"
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    ss -ltn 2> /dev/null | grep -q "[:.]$port\b" && continue
    if "${PG_TEST_RUN[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_ROOT/data" -l "$PG_TEST_ROOT/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$PG_TEST_ROOT' -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start > /dev/null 2>&1; then
      export CHARGER_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=charger_test;Password=$pw;Database=postgres"
      PG_TEST_PORT=$port
      return 0
    fi
  done
  echo "PostgreSQL did not start, see $PG_TEST_ROOT/server.log" >&2
  return 1
}

pg_test_stop() {
  [ -n "${PG_TEST_ROOT:-}" ] && [ -d "$PG_TEST_ROOT/data" ] || return 0
  "${PG_TEST_RUN[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_ROOT/data" -m fast -w -t 60 stop > /dev/null 2>&1
  rm -rf "$PG_TEST_ROOT"
  unset CHARGER_TEST_POSTGRES PG_TEST_ROOT
}
