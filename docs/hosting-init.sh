#!/bin/sh
# Run once by the PostgreSQL image on a new data directory (compose.yaml
# mounts it into /docker-entrypoint-initdb.d): the role Debrief's server
# connects as. It owns nothing; `debrief admin migrate --grant-to
# debrief_app` then gives it rights on the tables' rows.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v pw="$DEBRIEF_APP_PASSWORD" <<'SQL'
CREATE ROLE debrief_app LOGIN PASSWORD :'pw';
SQL
