"""The floor: a bare Tornado RequestHandler returning a fixed 30-byte body."""

import asyncio
import sys

import tornado.web

BODY = b'{"events":[],"last_event_id":0}'[:30]


class Bare(tornado.web.RequestHandler):
    def get(self):
        self.finish(BODY)


async def main(port):
    tornado.web.Application([(r"/.*", Bare)]).listen(port, "127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
