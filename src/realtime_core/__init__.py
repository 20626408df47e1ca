"""Framework-free core shared by the Django API and the Tornado poll server.

Everything both sides must agree on lives here: Redis key names, the publish
script that appends to the event log, how events are encoded, the queue
registry and access-token verification. Nothing here imports Django or Tornado.
"""
