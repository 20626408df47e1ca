"""Everything a poll-server process reads from its environment, read once at start.

`app.main` builds a `PollServerConfig` and passes its parts down; no other
module of the poll server reads the environment.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from realtime_core.config import Environment, RealtimeConfig

from .http import HttpLimits

# Each limit of the HTTP edge, by the environment variable that sets it.
HTTP_LIMIT_VARIABLES = {
    "max_connections": "REALTIME_HTTP_MAX_CONNECTIONS",
    "max_head_bytes": "REALTIME_HTTP_MAX_HEAD_BYTES",
    "max_body_bytes": "REALTIME_HTTP_MAX_BODY_BYTES",
    "max_unsent_bytes": "REALTIME_HTTP_MAX_UNSENT_BYTES",
    "idle_timeout": "REALTIME_HTTP_IDLE_TIMEOUT",
    "head_timeout": "REALTIME_HTTP_HEAD_TIMEOUT",
    "body_timeout": "REALTIME_HTTP_BODY_TIMEOUT",
    "write_timeout": "REALTIME_HTTP_WRITE_TIMEOUT",
}


@dataclass(frozen=True)
class PollServerConfig:
    realtime: RealtimeConfig
    port: int
    host: str  # address to bind; "" for all interfaces
    log_level: str
    http: HttpLimits

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "PollServerConfig":
        env = Environment(environ)
        return cls(
            realtime=RealtimeConfig.from_env(env),
            port=env.integer("REALTIME_POLL_PORT", 8888),
            host=env.text("REALTIME_POLL_HOST", ""),
            log_level=env.text("REALTIME_LOG_LEVEL", "INFO").upper(),
            http=_http_limits(env),
        )


def _http_limits(env: Environment) -> HttpLimits:
    """`HttpLimits` with each default replaced by its environment variable, when set."""
    defaults = HttpLimits()
    values = {}
    for field, variable in HTTP_LIMIT_VARIABLES.items():
        default = getattr(defaults, field)
        read = env.number if isinstance(default, float) else env.integer
        values[field] = read(variable, default)
    return HttpLimits(**values)
