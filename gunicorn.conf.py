"""Read by gunicorn itself, from the directory it starts in (the repository root, as in
bin/run, the Procfile and the tests), when its master starts.

Loading the Django settings here checks the secrets once, in the master, before any
worker is forked: a missing secret then stops gunicorn with the settings' one-line
message. Left to the workers, each would print it and exit at once, and gunicorn's
master, reaping two failed workers during its own halt, ends in a traceback.

It also gives the workers one folder for their Prometheus metrics (prometheus_client's
multiprocess mode: each worker writes its own, `GET /api/metrics` adds them up), new at
each start, and forgets a worker's gauges when it exits.
"""

import atexit
import os
import shutil
import tempfile

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Set before any worker imports prometheus_client, which reads it then.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="marginalia-metrics-")
    atexit.register(shutil.rmtree, os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)

import marginalia.settings  # noqa: E402,F401
from prometheus_client import multiprocess  # noqa: E402


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)

# gunicorn's control socket lies at one path per user, which every gunicorn of that user
# would share (two APIs on a host, test runs side by side); nothing here uses it.
control_socket_disable = True
