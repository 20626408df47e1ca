"""The realtime HTTP endpoints (register, heartbeat, status): above the apps, whose
memberships they read, and the realtime floor, whose queues they open."""
