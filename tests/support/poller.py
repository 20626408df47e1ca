"""A background long-poller that records every event a queue receives."""

import threading
import time

import httpx

from marginalia_client.protocol import CATCHUP, poll_target, read_poll_answer

from .stack import wait_until

# Between a failed poll and the next: short, so tests of outages see recovery at once.
RETRY_PAUSE = 0.05


class Poller:
    """Polls one queue in a loop on its own thread, like a browser tab would.

    Given several poll-server URLs it is a client behind a round-robin balancer:
    each poll goes to the next server in turn, and one that does not answer is
    skipped (the balancer's retry).

    It builds each poll and reads each answer with the clients' own poll step
    (marginalia_client.protocol), but it is a recorder, not a client: it never
    registers again and never backs off, so a test sees every error status
    (`errors`), every catch-up (`catchups`) and every event exactly as the
    server sent them, duplicates included.
    """

    def __init__(self, poll_url: str | list[str], queue_id: str, last_event_id: int):
        self.poll_urls = [poll_url] if isinstance(poll_url, str) else list(poll_url)
        self.served_by: dict[str, int] = {url: 0 for url in self.poll_urls}
        self.failures = 0  # polls that got no HTTP answer at all
        self.queue_id = queue_id
        self.last_event_id = last_event_id
        self.events: list[dict] = []
        self.received_at: dict[int, float] = {}
        self.catchups = 0
        self.errors: list[int] = []
        self._stop = threading.Event()
        self._http = httpx.Client(timeout=httpx.Timeout(70, connect=2))
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        self._http.close()
        self._thread.join(5)

    def _run(self):
        turn = 0
        while not self._stop.is_set():
            url = self.poll_urls[turn % len(self.poll_urls)]
            turn += 1
            try:
                response = self._http.get(url + poll_target(self.queue_id, self.last_event_id))
            except (httpx.HTTPError, RuntimeError):
                self.failures += 1
                if self._stop.wait(RETRY_PAUSE):
                    return
                continue
            if response.status_code != 200:
                self.errors.append(response.status_code)
                self._stop.wait(RETRY_PAUSE)
                continue
            action, events, cursor = read_poll_answer(200, response.json())
            self.served_by[url] += 1
            now = time.monotonic()
            if action == CATCHUP:
                self.catchups += 1
            for event in events:
                self.received_at[event["event_id"]] = now
                self.events.append(event)
            if cursor is not None:
                self.last_event_id = cursor

    def wait_for(self, predicate, timeout: float = 5.0, message: str = "an event") -> dict:
        def found():
            return next((e for e in list(self.events) if predicate(e)), None)

        return wait_until(found, timeout=timeout, message=message)


def poll_once(
    poll_url: str, queue_id: str, last_event_id, timeout: float = 10, headers: dict | None = None
) -> httpx.Response:
    return httpx.get(
        poll_url + poll_target(queue_id, last_event_id), headers=headers or {}, timeout=timeout
    )
