# Image for the web process (gunicorn) and the Celery worker/beat processes.
# See docs/deploy.md. Build: docker build -t welfare .
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_MANIFEST=true

# psycopg[binary] ships its own libpq, so no PostgreSQL client libraries here.
# gettext: compilemessages. The pango/harfbuzz libraries, DejaVu and Liberation fonts
# (which cover Vietnamese) are what WeasyPrint needs for PDF output.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system welfare \
    && useradd --system --gid welfare --home-dir /app --shell /usr/sbin/nologin welfare

WORKDIR /app

# Dependencies first, so that code changes do not invalidate this layer.
COPY requirements.lock /app/requirements.lock
RUN pip install --no-cache-dir -r requirements.lock

COPY . /app

# STATIC_MANIFEST=true (above) selects WhiteNoise's compressed manifest
# storage, both for collectstatic here and at run time. Build-time only values
# below: SECRET_KEY=build-only and a throwaway DATABASE_URL (collectstatic and
# compilemessages never open the database). Real values come from the
# environment at run time (docker-compose.yml).
RUN export SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build-only.sqlite3 \
    && python manage.py collectstatic --noinput \
    && if find . -name '*.po' -path '*/locale/*' | grep -q .; then \
           python manage.py compilemessages; \
       fi \
    && rm -f /tmp/build-only.sqlite3 \
    && mkdir -p /app/media \
    && chown welfare:welfare /app/media

USER welfare

EXPOSE 8000

CMD ["gunicorn", "welfare.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
