#!/bin/sh
# Entry point of the Quartier image.
#
#   web           migrate the database, then serve with gunicorn on 0.0.0.0:8000
#   anything else run as given, e.g. `celery -A quartier worker`,
#                 `python manage.py createsuperuser`
#
# Variables: MIGRATE_ON_START (default 1; set 0 when several web containers
# start at once and you migrate separately), WEB_CONCURRENCY (gunicorn
# workers, default 2), GUNICORN_TIMEOUT (seconds, default 60).
set -eu

if [ "${1:-web}" != "web" ]; then
    exec "$@"
fi
if [ "$#" -gt 0 ]; then shift; fi

if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
    python manage.py migrate --no-input
fi

# The image collects static files at build time; collect them again only when
# STATIC_ROOT was pointed somewhere else (e.g. a volume) that is still empty.
if [ ! -f "${STATIC_ROOT:-/app/staticfiles}/staticfiles.json" ]; then
    python manage.py collectstatic --no-input --verbosity 0
fi

exec gunicorn quartier.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers "${WEB_CONCURRENCY:-2}" \
    --timeout "${GUNICORN_TIMEOUT:-60}" \
    --access-logfile - \
    --no-control-socket \
    "$@"
