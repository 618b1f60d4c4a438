#!/usr/bin/env bash
# Creates one login role and one database per service, for the postgres image's first start.
#
# docker-compose.yml mounts this file into /docker-entrypoint-initdb.d/; the image's entrypoint
# runs it (or sources it, when the file lost its executable bit) once, on an empty data
# directory, as the superuser $POSTGRES_USER over the local socket.
#
#   INNOVNET_DATABASES   space-separated names, e.g. "registration membership observatory ..."
#                        each name becomes a role and a database owned by that role
#   <NAME>_DB_PASSWORD   optional password of role <name> (<NAME> = upper-cased name)
#   <NAME>_DB_PASSWORD_FILE  optional file holding it (Docker/Kubernetes secrets)
#
# Without either, a role's password is its own name: fine for a local stack, never for
# production, where the operator sets real secrets. Each database is closed to PUBLIC, so a
# service can connect only to its own database (no service reads another's data).
# Safe to run again: existing roles get their password (re)set, existing databases are kept.

innovnet_init_databases() (
    set -euo pipefail

    local names name upper password password_file password_var password_file_var
    read -r -a names <<<"${INNOVNET_DATABASES:-}"
    if [ "${#names[@]}" -eq 0 ]; then
        echo "init-databases: INNOVNET_DATABASES is empty, nothing to create"
        return 0
    fi

    for name in "${names[@]}"; do
        if ! [[ $name =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
            echo "init-databases: '$name' is not a plain lower-case SQL identifier" >&2
            return 1
        fi
    done

    for name in "${names[@]}"; do
        upper=${name^^}
        password_file_var="${upper}_DB_PASSWORD_FILE"
        password_var="${upper}_DB_PASSWORD"
        password_file=${!password_file_var:-}
        if [ -n "$password_file" ]; then
            password=$(<"$password_file")
        else
            password=${!password_var:-$name}
        fi

        psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 \
            --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
            --set name="$name" --set password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name')
\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'name', :'password')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')
\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name')
\gexec
SELECT format('GRANT ALL ON DATABASE %I TO %I', :'name', :'name')
\gexec
SQL
        # Extensions a service needs, made as the superuser in its database (as postgres.sh).
        case $name in
            observatory)
                psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 \
                    --username "${POSTGRES_USER:-postgres}" --dbname "$name" \
                    -c "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"
                ;;
        esac
        echo "init-databases: role and database '$name' ready"
    done
)

innovnet_init_databases
