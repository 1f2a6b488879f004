# Sourced by scripts/test.sh and scripts/bench.sh: makes sure a PostgreSQL answers on
# 127.0.0.1:5432, starting the local cluster (installing it from Debian's packages if it is
# missing), and fails loudly otherwise.

postgres_answers() {
    pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null
}

ensure_postgres() {
    if postgres_answers; then
        return
    fi
    printf '\n==> PostgreSQL does not answer on 127.0.0.1:5432: starting it\n'
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
        command -v apt-get >/dev/null || { echo "PostgreSQL missing, no apt-get" >&2; exit 1; }
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
        postgres_answers && break
        sleep 1
    done
    postgres_answers || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
}
