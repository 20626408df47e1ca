"""A lean HTTP/1.1 keep-alive client on asyncio streams (no httpx or aiohttp), for the
load generator and for tests that run a thousand clients in one process, where a full
client's per-request cost would make the client process the bottleneck.

One connection, one request at a time; answers must carry Content-Length (Tornado's,
the poll server's and gunicorn's do).
"""

import asyncio
import json


class LeanConnection:
    __slots__ = ("host", "port", "_headers", "_reader", "_writer")

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None):
        self.host, self.port = host, port
        self._headers = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    @classmethod
    def to(cls, base_url: str, headers: dict[str, str] | None = None) -> "LeanConnection":
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        return cls(host, int(port), headers)

    async def open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(
            self.host, self.port, limit=1 << 22
        )

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    async def request(
        self, method: str, path: str, body=None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """`body`: None, bytes as they are, or a value sent as JSON."""
        if body is None or isinstance(body, bytes):
            payload, content_type = body or b"", ""
        else:
            payload, content_type = json.dumps(body).encode(), "Content-Type: application/json\r\n"
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items()) if headers else ""
        length = f"Content-Length: {len(payload)}\r\n" if payload or method != "GET" else ""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"{self._headers}{extra}{content_type}{length}\r\n"
        ).encode()
        for attempt in (1, 2):
            if self._writer is None:
                await self.open()
            try:
                self._writer.write(head + payload)
                raw = await self._reader.readuntil(b"\r\n\r\n")
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        status = int(raw[9:12])
        lowered = raw.lower()
        start = lowered.find(b"content-length:")
        if start < 0:
            raise ValueError("an answer without Content-Length")
        start += len(b"content-length:")
        length = int(lowered[start : lowered.index(b"\r\n", start)])
        data = await self._reader.readexactly(length) if length else b""
        if b"connection: close" in lowered:
            self.close()
        return status, data
