# Production image of Quartier: gunicorn for the web process, the same image
# runs the Celery worker. See docker-compose.yml for how the services fit.
#
#   docker build -t quartier .
#   docker run --rm quartier python manage.py check --deploy   # needs the env of docker-compose.yml
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    XDG_CACHE_HOME=/tmp/.cache \
    DJANGO_SETTINGS_MODULE=quartier.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# WeasyPrint's system libraries (Pango with its FreeType backend, HarfBuzz
# incl. the subsetter for embedded fonts) and fonts for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-dejavu-core \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

# The unprivileged user the processes run as. The code stays owned by root,
# so the application cannot change itself; only /data/media is writable.
RUN groupadd --system --gid 10001 quartier \
    && useradd --system --uid 10001 --gid quartier --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin quartier

WORKDIR /app

# The runtime lock only (the dev lock's test tools and embedded servers stay out),
# first, so code changes do not reinstall it.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# Translations (no gettext and no dev package needed), static files (settings need these three
# variables to import; nothing connects to them here), byte code, and the
# directory for uploads, which a named volume on /data/media inherits.
RUN chmod 0755 docker/entrypoint.sh docker/healthcheck.py \
    && python -m quartier.devenv compilemessages \
    && DATABASE_URL=postgresql://build/build REDIS_URL=redis://build SECRET_KEY=build-only \
        python manage.py collectstatic --no-input --verbosity 0 \
    && python -m compileall -q . \
    && mkdir -p /data/media \
    && chown quartier:quartier /data/media

USER quartier:quartier
EXPOSE 8000
VOLUME ["/data/media"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
