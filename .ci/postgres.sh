# Sourced by .ci/run: start a throw-away PostgreSQL cluster on a local port for the storage tests
# and export EXAM_APP_TEST_POSTGRES_URL (the owner, who migrates) and EXAM_APP_TEST_POSTGRES_APP_URL
# (the workstations' restricted role, made by docs/postgresql/roles.sql as a clinic makes it).
# Without a PostgreSQL installation the tests skip and say so.
PG_PORT=${PG_PORT:-55432}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR=""

stop_postgres() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
    run_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; then
  PG_DIR=$(mktemp -d /tmp/exam-app-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
  run_as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U exam --auth=trust >/dev/null
  run_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  run_as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U exam exam_test
  export EXAM_APP_TEST_POSTGRES_URL="postgresql+psycopg://exam@127.0.0.1:$PG_PORT/exam_test"
  # trust authentication: the passwords are not asked, the scripts want them all the same
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U exam -d exam_test -v ON_ERROR_STOP=1 \
    -v owner_password=ci-owner -v app_password=ci-app -f docs/postgresql/roles.sql >/dev/null
  export EXAM_APP_TEST_POSTGRES_APP_URL="postgresql+psycopg://exam_app@127.0.0.1:$PG_PORT/exam_test"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') for the storage tests on port $PG_PORT"
else
  echo "no PostgreSQL installation found: the PostgreSQL storage tests will be skipped"
fi
