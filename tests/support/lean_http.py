"""A lean HTTP/1.1 keep-alive client on asyncio streams, for tests that run a
thousand clients in one process, where httpx's per-request cost would make the
test process itself the bottleneck.

One connection, one request at a time; responses must carry Content-Length
(Tornado's and gunicorn's do).
"""

import asyncio
import json


class LeanConnection:
    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None):
        self.host, self.port = host, port
        self._headers = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    @classmethod
    def to(cls, base_url: str, headers: dict[str, str] | None = None) -> "LeanConnection":
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        return cls(host, int(port), headers)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    async def request(self, method: str, path: str, body=None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{self._headers}{extra}"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n")
        for attempt in (1, 2):
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(
                    self.host, self.port, limit=1 << 22)
            try:
                self._writer.write(head.encode() + payload)
                raw = await self._reader.readuntil(b"\r\n\r\n")
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        status = int(raw[9:12])
        lowered = raw.lower()
        start = lowered.index(b"content-length:") + len(b"content-length:")
        length = int(lowered[start:lowered.index(b"\r\n", start)])
        data = await self._reader.readexactly(length) if length else b""
        if b"connection: close" in lowered:
            self.close()
        return status, data
