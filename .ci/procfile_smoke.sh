#!/usr/bin/env bash
# Serves a fresh clone of HEAD exactly as the Procfile says (no make, no developer venv) and
# checks that Tupa speaks Finnish, Swedish and English there, in pages and in e-mails.
#
#   1. git clone of HEAD into a scratch folder: only what is committed is deployed
#   2. a new virtualenv from requirements.txt alone
#   3. the Procfile's release line, then its web and worker lines (PORT set, DEBUG=false,
#      SECRET_KEY, a fresh PostgreSQL database, e-mails into files: the worker sends them)
#   4. .ci/procfile_check.py: /calendar/ and an e-mail in fi, sv and en, hashed static files
#
# Usage: bash .ci/procfile_smoke.sh  (also `.ci/run procfile_smoke`). PROCFILE_DB=sqlite for
# SQLite instead of PostgreSQL. Exits non-zero when anything differs from what `make run` serves.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
SCRATCH=$(mktemp -d /tmp/tupa-procfile.XXXXXX)
DB_NAME="tupa_ci_procfile_$$"
WEB_PID=""
WORKER_PID=""

say() { printf '[%3ds] %s\n' "$SECONDS" "$*"; }

die() {
    printf 'PROCFILE SMOKE FAILED: %s\n' "$*" >&2
    exit 1
}

stop() {
    # The Procfile's line runs under its own bash (as platforms run it): end the whole group.
    local pid=$1
    [[ -n $pid ]] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 20); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    stop "$WORKER_PID"
    stop "$WEB_PID"
    if [[ ${PROCFILE_DB:-postgres} == postgres ]]; then
        psql -h 127.0.0.1 -U postgres -d postgres -qtA \
            -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if ((rc)) && [[ -d $SCRATCH/logs ]]; then
        for log in "$SCRATCH"/logs/*; do
            printf -- '--- %s (last lines)\n' "$(basename "$log")"
            tail -n 40 "$log"
        done
    fi
    rm -rf "$SCRATCH"
    exit "$rc"
}
trap cleanup EXIT

# A line of the Procfile, e.g. `procfile_line web`.
procfile_line() {
    local line
    line=$(grep -E "^$1:" "$SCRATCH/app/Procfile" | head -n 1) || die "the Procfile has no '$1' line"
    printf '%s\n' "${line#"$1":}"
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mkdir -p "$SCRATCH/logs" "$SCRATCH/mail"
# PROCFILE_SOURCE: another repository to clone (e.g. a scratch merge of two branches).
SOURCE=${PROCFILE_SOURCE:-$ROOT}
say "clone of $(git -C "$SOURCE" rev-parse --short HEAD) into $SCRATCH/app"
git clone -q --no-hardlinks "$SOURCE" "$SCRATCH/app"
# Nothing compiled or collected may come along: a platform builds from the repository alone.
[[ -z $(find "$SCRATCH/app" -name '*.mo' -o -name staticfiles -prune) ]] || die "the clone holds build output"

say "virtualenv from requirements.txt"
"$PYTHON" -m venv "$SCRATCH/venv"
"$SCRATCH/venv/bin/pip" install --disable-pip-version-check -q -r "$SCRATCH/app/requirements.txt" \
    >"$SCRATCH/logs/pip.log" 2>&1 || die "pip install -r requirements.txt failed"

if [[ ${PROCFILE_DB:-postgres} == postgres ]]; then
    psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA -c "CREATE DATABASE \"$DB_NAME\""
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB_NAME"
else
    DATABASE_URL="sqlite:///$SCRATCH/db.sqlite3"
fi
PORT=$(free_port)
# The platform's environment: the venv first on PATH (as a buildpack's), production settings.
# Four slashes: django-environ drops the first one of the path (filemail:///tmp would be tmp/).
export PATH="$SCRATCH/venv/bin:$PATH" PORT DATABASE_URL
export DEBUG=false WEB_CONCURRENCY=2 ALLOWED_HOSTS=127.0.0.1,localhost \
    SECRET_KEY="procfile-smoke-$RANDOM-$RANDOM-$RANDOM-$RANDOM-$RANDOM-not-for-production" \
    EMAIL_URL="filemail:///$SCRATCH/mail" SITE_URL="http://127.0.0.1:$PORT"
unset CACHE_URL VIRTUAL_ENV DJANGO_SETTINGS_MODULE PYTHONPATH
cd "$SCRATCH/app"

say "release:$(procfile_line release)"
bash -c "$(procfile_line release)" >"$SCRATCH/logs/release.log" 2>&1 || die "the release line failed"

# Two users the checks need; operators make theirs the same way (or through /admin/).
python manage.py shell -c '
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
coordinator = User.objects.create_user("smoke-coordinator", "coordinator@example.org", "smoke-pass-2026", is_staff=True)
resident = User.objects.create_user("smoke-resident", "resident@example.org", "smoke-pass-2026")
for user in (coordinator, resident):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
' >"$SCRATCH/logs/users.log" 2>&1 || die "could not create the smoke users"

say "web:$(procfile_line web)"
setsid bash -c "$(procfile_line web)" >"$SCRATCH/logs/web.log" 2>&1 &
WEB_PID=$!
for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$WEB_PID" 2>/dev/null || die "the web line exited"
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || die "the web line does not answer /healthz"

# The worker sends the e-mail queue (TASKS_BACKEND=database): the e-mail checks need it.
say "worker:$(procfile_line worker)"
setsid bash -c "$(procfile_line worker)" >"$SCRATCH/logs/worker.log" 2>&1 &
WORKER_PID=$!

python "$ROOT/.ci/procfile_check.py" --url "http://127.0.0.1:$PORT" --mail "$SCRATCH/mail" \
    --locale "$SCRATCH/app/locale" --password smoke-pass-2026

kill -0 "$WORKER_PID" 2>/dev/null || die "the worker line exited"
kill -0 "$WEB_PID" 2>/dev/null || die "the web line exited"
! grep -q Traceback "$SCRATCH/logs/worker.log" "$SCRATCH/logs/web.log" || die "a traceback in the logs"
say "procfile smoke passed"
