"""Read by gunicorn itself, from the directory it starts in (the repository root, as in
bin/run, the Procfile and the tests), when its master starts.

Loading the Django settings here checks the secrets once, in the master, before any
worker is forked: a missing secret then stops gunicorn with the settings' one-line
message. Left to the workers, each would print it and exit at once, and gunicorn's
master, reaping two failed workers during its own halt, ends in a traceback.
"""

import marginalia.settings  # noqa: F401
