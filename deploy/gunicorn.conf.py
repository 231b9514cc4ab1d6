"""gunicorn settings for the portal: ``gunicorn -c deploy/gunicorn.conf.py``.

Every value can be changed from the environment, so one file serves a laptop
drill and a production host. App servers hold no state (sessions in the
database, cache in Redis, media on S3 or shared storage), so several of them
can stand behind one load balancer.
https://docs.gunicorn.org/en/stable/settings.html
"""

import multiprocessing
import os

wsgi_app = "renovation_portal.wsgi:application"

# Sync workers: the portal's requests are short database reads. gunicorn's
# rule of thumb is 2 × cores + 1; WEB_CONCURRENCY is the usual override.
workers = int(
    os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1))
)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# A worker stuck longer than this is killed and replaced. Keep it above
# DATABASE_STATEMENT_TIMEOUT_MS (20 s), so the database gives up first and the
# request ends in a clean answer rather than a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx keeps connections to the app server open between requests.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle each worker after a while, at staggered times, so a slow leak cannot
# grow and the workers never restart all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# Logs to stdout/stderr, where systemd or the container runtime collects them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's address as nginx forwards it, and the time taken in microseconds.
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s '
    '"%(f)s" "%(a)s" %(D)sus'
)

# gunicorn trusts X-Forwarded-Proto only from these addresses (nginx on the
# same host by default); Django reads it through SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_worker_init(worker):
    """Build what Django builds on first use and freeze the heap, so that the
    first visitors are not slower and full garbage collections stay short
    (renovation_portal/warmup.py)."""
    from renovation_portal import protocol_errors
    from renovation_portal.warmup import warm_up

    # A request gunicorn refuses (an address too long, say) gets the portal's
    # page in both languages, not gunicorn's (renovation_portal/protocol_errors.py).
    protocol_errors.install()
    done = warm_up()
    worker.log.debug("Warmed up: %s", done)
