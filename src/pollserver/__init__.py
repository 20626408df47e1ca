"""The Tornado long-polling server.

One process reads the Redis event log once (`logreader`), keeps the queue
records and users' memberships it needs in memory (`queues`, `memberships`),
and wakes exactly the waiting polls an event is for (`fanout`). `poll` decides
the answer to one poll, `http` speaks HTTP/1.1 on Tornado's TCPServer,
`routes` and `poll_http` answer requests, `app` wires it all together;
`batching` folds the Redis reads of many polls into one round trip. `stream`
follows a Redis stream for the log reader and for `signals`; `config` is the
one place the process reads its environment, `metrics` what it counts.
"""
