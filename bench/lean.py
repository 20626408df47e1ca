"""A lean HTTP/1.1 keep-alive client on asyncio streams (no httpx/aiohttp).

One connection, one request at a time; responses must carry Content-Length
(Tornado's and Django's do). Kept minimal so the load generator's CPU stays low.
"""

import asyncio


class Conn:
    __slots__ = ("host", "port", "reader", "writer")

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: str = "") -> tuple[int, bytes]:
        for attempt in (0, 1):
            if self.writer is None:
                await self.open()
            head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{headers}"
                    f"Content-Length: {len(body)}\r\n\r\n" if body or method != "GET" else
                    f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{headers}\r\n")
            try:
                self.writer.write(head.encode() + body)
                raw = await self.reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()  # keep-alive connection closed by the server: reconnect once
                if attempt:
                    raise
                continue
            status = int(raw[9:12])
            i = raw.lower().find(b"content-length:")
            if i < 0:
                raise ValueError("response without Content-Length")
            length = int(raw[i + 15:raw.index(b"\r\n", i)])
            data = await self.reader.readexactly(length) if length else b""
            if b"connection: close" in raw.lower():
                self.close()
            return status, data
        raise ConnectionError
