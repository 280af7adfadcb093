"""Settings of the benchmark servers: the project's own settings, plus a hello-world reference view.

``pages.py`` and ``voting.py`` run gunicorn with ``--settings benchmarks.settings``. Nothing else differs from
production: DEBUG stays off, the login throttle (django-axes) stays on — it locks a name out only after failed
logins, and the benchmark's logins all succeed — and the public application form's rate limit
(``FONDS_RATE_LIMIT``) is never reached, since no benchmark uses that form.
"""

from quartier.settings import *  # noqa: F403  # the project's settings, unchanged

ROOT_URLCONF = "benchmarks.urls"
