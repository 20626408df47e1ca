"""The realtime client: registers a queue, keeps it alive, and long-polls it.

One `events()` iteration owns at most two tasks besides the caller's: the current
request step (register or poll, with its retries) and the heartbeat. Both are kept
on the client so that `close()`, called from any task, can cancel them and end the
iteration.
"""

import asyncio
import inspect
import logging
import random as random_module
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from time import monotonic
from typing import Any, Literal, TypeVar

import httpx

from .backoff import RetryDelays, is_transient
from .errors import CannotSend, RequestFailed, raise_for_status
from .markers import CatchupRequired, Reregistered, Signal
from .ordering import unseen_in_order
from .protocol import (
    CATCHUP,
    DELIVER,
    FAIL,
    PERSONAL_SIGNAL_TYPES,
    REGISTER,
    RETRY,
    poll_target,
    read_poll_answer,
    read_signals,
    retry_after,
)

log = logging.getLogger(__name__)

Status = Literal["connecting", "connected", "reconnecting", "closed"]
Item = dict | CatchupRequired | Reregistered | Signal
AccessToken = str | Callable[[], str | Awaitable[str]]
T = TypeVar("T")
# read_poll_answer's (action, events, last_event_id), and the answer's signals
PollStep = tuple[str, list, int | None, list[Signal]]

# A poll that stayed open this long before failing shows the link worked until then:
# its failure starts the retry delays over (docs/protocol.md, "Retry delays").
LINK_WORKED_AFTER = 10.0
# New queues in a row that the poll server did not know: past these, the poll URL is
# not a poll server of this API (every poll of a wrong address answers 404).
MAX_GONE_IN_A_ROW = 5
# Requests httpx refuses to send as configured: a URL without http:// or https://, a
# header value with a line break (an access token read from a file with its newline).
_NEVER_SENDABLE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)


def _cannot_send(error: Exception) -> CannotSend:
    # Not the error's own message: httpx quotes the header it refused, the token with it.
    return CannotSend(
        f"the request cannot be sent ({type(error).__name__}): check that both URLs "
        "start with http:// or https:// and that the access token has no spaces or line breaks"
    )


class _Closed(Exception):
    """close() ended the iteration while it waited on a request."""


class RealtimeClient:
    """Async iterator of the realtime events of one user.

    `access_token` is the JWT access token, or a sync or async callable returning the
    current one; it is called before every API request, so it can refresh the token.
    Pass `queue_id` and `last_event_id` together to resume a queue, e.g. in a new
    process. `http` is an httpx.AsyncClient to use instead of the client's own; the
    caller then closes it. With `signals=True` the polls also ask for presence, typing
    and join-request signals, and with `notifications=True` for the user's notification
    signals ("notification", "notifications_read"); each is yielded as a `Signal` item
    only when its kind was asked for. `sleep` and `random` drive the retry delays and
    heartbeat interval, and exist so tests need not wait.
    """

    def __init__(
        self,
        api_url: str,
        poll_url: str,
        access_token: AccessToken,
        *,
        heartbeat_interval: float = 60,
        poll_timeout: float = 65,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        queue_id: str | None = None,
        last_event_id: int | None = None,
        signals: bool = False,
        notifications: bool = False,
        http: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = random_module.random,
    ):
        if (queue_id is None) != (last_event_id is None):
            raise ValueError("resuming needs both queue_id and last_event_id")
        self._api_url = api_url.rstrip("/")
        self._poll_url = poll_url.rstrip("/")
        self._access_token = access_token
        self._heartbeat_interval = heartbeat_interval
        self._delays = RetryDelays(backoff_base, backoff_cap, random)
        self._owns_http = http is None
        self._http = httpx.AsyncClient() if http is None else http
        # A poll waits up to a minute for an event; connecting to the server may not.
        self._poll_timeout = httpx.Timeout(poll_timeout, connect=self._http.timeout.connect)
        self._sleep = sleep

        self.queue_id = queue_id
        self.last_event_id = last_event_id
        # The newest signal seen, "0" before any; None: signals are not asked for.
        self.signal_cursor: str | None = "0" if signals or notifications else None
        self._signals = signals
        self._notifications = notifications
        self.status: Status = "connecting"
        self._status_callbacks: list[Callable[[Status], None]] = []
        self._step: asyncio.Task | None = None
        self._heartbeat: asyncio.Task | None = None
        self._iterating = False
        self._closed = False

    async def __aenter__(self) -> "RealtimeClient":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    def on_status(self, callback: Callable[[Status], None]) -> None:
        """Calls `callback(status)` on every change of `status`."""
        self._status_callbacks.append(callback)

    async def events(self) -> AsyncIterator[Item]:
        """Yields event dicts in event_id order, each once, plus a `CatchupRequired` or
        `Reregistered` marker whenever the caller must refetch its state.

        Runs until `close()`; outages are retried forever. Raises `AuthenticationError`
        when the API refuses the token, `RequestFailed` on other errors retrying cannot
        fix. One iteration at a time per client.
        """
        if self._iterating:
            raise RuntimeError(
                "events() is already being iterated; close the previous iterator first "
                "(e.g. iterate inside contextlib.aclosing)"
            )
        self._iterating = True
        gone_in_a_row = 0  # queues found gone with no answered poll between
        try:
            if self.queue_id is None:
                await self._register()
            else:
                self._start_heartbeat()
            while True:
                # None: the heartbeat found the queue gone.
                action, events, cursor, signals = await self._run_step(self._poll_with_retries) or (
                    REGISTER,
                    [],
                    None,
                    [],
                )
                if action == REGISTER:
                    gone_in_a_row += 1
                    if gone_in_a_row > MAX_GONE_IN_A_ROW:
                        raise RequestFailed(
                            404,
                            f"{self._poll_url}/realtime/poll did not know "
                            f"{MAX_GONE_IN_A_ROW} new queues in a row: is it the poll "
                            "server's address, and does it share the API's Redis?",
                        )
                    # Gone again right after registering: back off instead of spinning.
                    await self._register(back_off=gone_in_a_row > 1)
                    yield Reregistered(self.queue_id, self.last_event_id)
                    continue
                gone_in_a_row = 0
                if action == CATCHUP:
                    if cursor is None:  # no cursor given: a registration provides one
                        await self._register()
                    else:  # possibly lower than ours: Redis lost its data, a new epoch
                        self.last_event_id = cursor
                    yield CatchupRequired(self.last_event_id)
                    continue
                for signal in signals:
                    yield signal
                for event in unseen_in_order(events, self.last_event_id):
                    if self._closed:  # close() was called while an event was handled
                        return
                    # Advanced per event: a caller that stops mid-answer resumes
                    # from the last event it actually received.
                    self.last_event_id = event["event_id"]
                    yield event
                # The server also skips past events that were not for this queue, and
                # a paged backlog continues from here at once.
                self.last_event_id = max(self.last_event_id, cursor)
        except _Closed:
            return
        finally:
            await _cancel(self._step, self._heartbeat)
            self._iterating = False

    async def close(self) -> None:
        """Ends the iteration, cancels the heartbeat and any request in flight, and
        closes the HTTP client if this client created it. Safe to call twice."""
        self._closed = True
        await _cancel(self._step, self._heartbeat)
        if self._owns_http:
            await self._http.aclose()
        self._set_status("closed")

    async def server_status(self) -> dict:
        """`{user_id, communities, realtime_enabled}` from the API, in one attempt."""
        response = await self._call_api("GET", "/api/realtime/status")
        raise_for_status(response)
        return response.json()

    async def _register(self, back_off: bool = False) -> None:
        """Registers a new queue; first waits the next retry delay if `back_off`."""
        # The heartbeat beats for the queue being replaced; once gone, it must not
        # interrupt the registration as a heartbeat that ended would.
        await _cancel(self._heartbeat)
        self._heartbeat = None
        answer = await self._run_step(lambda: self._register_with_retries(back_off))
        self.queue_id = answer["queue_id"]
        self.last_event_id = answer["last_event_id"]
        self._start_heartbeat()

    def _start_heartbeat(self) -> None:
        self._heartbeat = asyncio.create_task(self._keep_alive(self.queue_id))

    async def _run_step(self, request: Callable[[], Coroutine[Any, Any, T]]) -> T | None:
        """Runs one request step as a task that close() can cancel. The end of the
        heartbeat interrupts it too: the queue is gone, and the step's answer is None.
        """
        if self._closed:
            raise _Closed
        step = self._step = asyncio.create_task(request())
        watched = {step} if self._heartbeat is None else {step, self._heartbeat}
        try:
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await _cancel(step)
            self._step = None
        if self._closed:
            raise _Closed
        if not step.cancelled():
            return step.result()
        self._heartbeat.result()  # raises what ended the heartbeat, if it failed
        return None

    async def _register_with_retries(self, back_off: bool) -> dict:
        if back_off:
            await self._retry_later("the new queue was gone at once", None)
        response = await self._with_retries(
            lambda: self._call_api("POST", "/api/realtime/register")
        )
        raise_for_status(response)
        return response.json()

    async def _poll_with_retries(self) -> PollStep:
        """What the next poll answer says to do (protocol.read_poll_answer), once it is
        not an outage: those are retried here."""
        while True:
            started = monotonic()
            try:
                response = await self._http.get(
                    self._poll_url
                    + poll_target(
                        self.queue_id, self.last_event_id, self.signal_cursor, self._notifications
                    ),
                    timeout=self._poll_timeout,
                    extensions={"trace": self._trace_poll},
                )
            except _NEVER_SENDABLE as error:
                raise _cannot_send(error) from None
            except httpx.TransportError as error:
                failure, wait = repr(error), None
            else:
                body = _json_or_none(response)
                action, events, cursor = read_poll_answer(response.status_code, body)
                if action in (DELIVER, CATCHUP):
                    self._delays.reset()
                if action == FAIL:
                    raise_for_status(response)
                if action != RETRY:
                    self._set_status("connected")
                    return action, events, cursor, self._signals_of(action, body)
                failure = f"HTTP {response.status_code}"
                wait = retry_after(response.status_code, response.headers.get("Retry-After"))
            if monotonic() - started >= LINK_WORKED_AFTER:
                self._delays.reset()
            await self._retry_later(failure, wait)

    def _signals_of(self, action: str, body: dict | None) -> list[Signal]:
        """The answer's signals of the kinds this client asks for; moves the signal
        cursor past all of them."""
        if self.signal_cursor is None or action != DELIVER:
            return []
        found = read_signals(body)
        if found is None:
            return []
        signals, self.signal_cursor = found
        return [
            Signal(s["id"], s["type"], s.get("data") or {})
            for s in signals
            if self._asked_for(s["type"])
        ]

    def _asked_for(self, signal_type: str) -> bool:
        # The server sends community signals to every poll with a signal cursor, so a
        # client asking for notifications alone is sent presence and typing as well.
        if signal_type in PERSONAL_SIGNAL_TYPES:
            return self._notifications
        return self._signals

    async def _trace_poll(self, event_name: str, info: dict) -> None:
        # A long poll is answered only when an event arrives or a minute passes; the
        # request reaching the server is the first sign that the connection works.
        if event_name.endswith("send_request_body.complete"):
            self._set_status("connected")

    async def _keep_alive(self, queue_id: str) -> None:
        """Heartbeats `queue_id` until the server no longer knows it, then returns."""
        while True:
            await self._sleep(self._heartbeat_interval)
            try:
                response = await self._call_api(
                    "POST", "/api/realtime/heartbeat", params={"queue_id": queue_id}
                )
            except _NEVER_SENDABLE as error:
                raise _cannot_send(error) from None
            except httpx.TransportError as error:
                # Every poll renews the queue as well; the next beat tries again.
                log.warning("realtime heartbeat failed: %r", error)
                continue
            if response.status_code == 404:
                return
            if is_transient(response.status_code):
                log.warning("realtime heartbeat failed: HTTP %s", response.status_code)
                continue
            raise_for_status(response)

    async def _with_retries(self, send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
        """The first answer to `send()` that is not a transient failure. Network errors,
        timeouts, 5xx and 429 are retried after a growing random delay, or after the
        answer's Retry-After, forever."""
        while True:
            try:
                response = await send()
            except _NEVER_SENDABLE as error:
                raise _cannot_send(error) from None
            except httpx.TransportError as error:
                failure, wait = repr(error), None
            else:
                if not is_transient(response.status_code):
                    return response
                failure = f"HTTP {response.status_code}"
                wait = retry_after(response.status_code, response.headers.get("Retry-After"))
            await self._retry_later(failure, wait)

    async def _retry_later(self, failure: str, asked: float | None) -> None:
        """Waits before the next attempt after a failure: the `asked` seconds of a
        Retry-After, else the next retry delay."""
        if self.status == "connected":
            self._set_status("reconnecting")
        delay = self._delays.next(asked)
        log.warning("realtime request failed (%s); retrying in %.1f s", failure, delay)
        await self._sleep(delay)

    async def _call_api(self, method: str, path: str, **options) -> httpx.Response:
        token = self._access_token() if callable(self._access_token) else self._access_token
        if inspect.isawaitable(token):
            token = await token
        return await self._http.request(
            method,
            f"{self._api_url}{path}",
            headers={"Authorization": f"Bearer {token}"},
            **options,
        )

    def _set_status(self, status: Status) -> None:
        if status != self.status:
            self.status = status
            for callback in self._status_callbacks:
                callback(status)


def _json_or_none(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        return None


async def _cancel(*tasks: asyncio.Task | None) -> None:
    """Cancels the tasks and waits until they have finished."""
    running = {task for task in tasks if task is not None}
    for task in running:
        task.cancel()
    if running:
        await asyncio.wait(running)
    for task in running:
        if not task.cancelled():
            # Whatever the task ended with, nobody is left to act on it; retrieving
            # it keeps asyncio from logging "exception was never retrieved".
            task.exception()
