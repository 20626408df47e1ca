"""Access that ends and events that stay bounded, through the whole real system:
gunicorn, the relay, the poll server, PostgreSQL and Redis."""

import asyncio
import json
import time
import uuid

import httpx

from marginalia_client import RealtimeClient
from realtime_core.config import ANSWER_BYTES
from realtime_core.events import MAX_EVENT_BYTES
from tests.support.stack import wait_until


def poll_server_state(stack) -> dict:
    return httpx.get(f"{stack.poll_url}/health", timeout=5).json()


def wait_for_head(stack, api, account) -> int:
    """The newest event id Redis assigned (read by registering), once the poll server has it."""
    head = api.register(account)["last_event_id"]
    wait_until(
        lambda: poll_server_state(stack)["head_event_id"] >= head,
        timeout=20,
        message=f"the poll server to read event {head}",
    )
    return head


async def poll(http, stack, queue_id: str, cursor: int) -> httpx.Response:
    return await http.get(
        f"{stack.poll_url}/realtime/poll", params={"queue_id": queue_id, "last_event_id": cursor}
    )


async def waiting_poll(http, stack, queue_id: str, cursor: int) -> asyncio.Task:
    """A poll the server holds: started, and seen among the server's waiting polls."""
    before = poll_server_state(stack)["pending_polls"]
    task = asyncio.create_task(poll(http, stack, queue_id, cursor))
    await asyncio.to_thread(
        wait_until,
        lambda: poll_server_state(stack)["pending_polls"] > before,
        20,
        0.02,
        "the poll to wait",
    )
    return task


def run_django(stack, code: str) -> None:
    """Run `code` in a Django shell process against the stack's database and Redis."""
    stack.manage("shell", "-c", code)


async def end_access_and_check(stack, api, lab, change: str) -> float:
    """Apply `change` to the member in a Django process while they hold a waiting poll;
    returns the seconds from the change's end to the poll's answer."""
    member = lab["member"]
    queue = api.register(member)
    async with httpx.AsyncClient(timeout=30) as http:
        waiting = await waiting_poll(http, stack, queue["queue_id"], queue["last_event_id"])
        await asyncio.to_thread(
            run_django,
            stack,
            f"from accounts.models import User; user = User.objects.get(pk={member.id}); {change}",
        )
        changed_at = time.monotonic()
        answer = await asyncio.wait_for(waiting, 10)
        answered_after = time.monotonic() - changed_at
        assert answer.status_code == 200 and answer.json()["events"] == []
        # New writes are not for them, and their queue is gone here and for every later poll.
        api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"])
        wait_for_head(stack, api, lab["admin"])
        again = await poll(http, stack, queue["queue_id"], answer.json()["last_event_id"])
        assert again.status_code == 404, again.text
    assert api.call("GET", "/api/realtime/status", member).status_code == 401
    return answered_after


async def test_a_deactivated_user_loses_delivery_at_once(stack, api, lab):
    answered_after = await end_access_and_check(
        stack, api, lab, "user.is_active = False; user.save()"
    )
    assert answered_after < 2.0, answered_after


async def test_a_deleted_user_loses_delivery_at_once(stack, api, lab):
    answered_after = await end_access_and_check(stack, api, lab, "user.delete()")
    assert answered_after < 2.0, answered_after


async def test_a_signed_out_logins_queue_ends_at_once_and_another_logins_goes_on(stack, api, lab):
    """A queue id copied from a page is a capability: it must not outlive its login, even
    on a poll already waiting. The person's other login keeps its queue."""
    admin, member = lab["admin"], lab["member"]
    elsewhere = api.login(member)
    ending, staying = api.register(member), api.register(elsewhere)
    async with httpx.AsyncClient(timeout=30) as http:
        waiting = await waiting_poll(http, stack, ending["queue_id"], ending["last_event_id"])
        api.call("POST", "/api/auth/logout", member, json={}, expect=204)
        signed_out_at = time.monotonic()
        answer = await asyncio.wait_for(waiting, 10)
        assert answer.status_code == 200 and answer.json()["events"] == []
        assert time.monotonic() - signed_out_at < 2.0
        again = await poll(http, stack, ending["queue_id"], answer.json()["last_event_id"])
        assert again.status_code == 404, again.text
        discussion = api.discussion(admin, lab["community"]["id"], lab["article"]["id"])
        wait_for_head(stack, api, admin)
        heard = await poll(http, stack, staying["queue_id"], staying["last_event_id"])
        assert [event["data"]["discussion"]["id"] for event in heard.json()["events"]] == [
            discussion["id"]
        ]


async def test_a_re_added_member_with_an_old_queue_never_sees_what_happened_while_out(
    stack, api, lab
):
    admin, member = lab["admin"], lab["member"]
    community_id, article_id = lab["community"]["id"], lab["article"]["id"]
    queue = api.register(member)
    secret = f"SECRET-{uuid.uuid4().hex}"

    api.remove_member(admin, community_id, member)
    discussion = api.discussion(admin, community_id, article_id, content=f"{secret} discussion")
    comment = api.comment(admin, discussion["id"], f"{secret} comment")
    api.call("DELETE", f"/api/comments/{comment['id']}", admin, expect=204)
    api.add_member(admin, community_id, member)
    head = wait_for_head(stack, api, admin)

    async with httpx.AsyncClient(timeout=30) as http:
        answer = await poll(http, stack, queue["queue_id"], queue["last_event_id"])
        assert answer.json()["catchup_required"] is True, answer.text
        assert answer.json()["last_event_id"] >= head
        assert secret.encode() not in answer.content

        # A poll-server process started after the join behaves the same.
        stack.stop_process("poll")
        stack.start_poll_server()
        answer = await poll(http, stack, queue["queue_id"], queue["last_event_id"])
        assert answer.json()["catchup_required"] is True, answer.text
        assert secret.encode() not in answer.content

        # From the catch-up on, the community's events reach the member again.
        cursor = answer.json()["last_event_id"]
        waiting = await waiting_poll(http, stack, queue["queue_id"], cursor)
        after = api.discussion(admin, community_id, article_id, content="after the join")
        events = (await asyncio.wait_for(waiting, 10)).json()["events"]
        assert [e["data"]["discussion"]["id"] for e in events] == [after["id"]]


async def test_an_over_size_comment_event_is_cut_and_flagged_and_the_api_has_it_whole(
    stack, api, lab
):
    admin, member = lab["admin"], lab["member"]
    discussion = api.discussion(admin, lab["community"]["id"], lab["article"]["id"])
    queue = api.register(member)
    # Within the API's limits (20,000 characters, 20 KB), but every character but the
    # first (a post needs one to see) is written \u0001 in JSON: 120 KB of event.
    content = "x" + "\x01" * 19_999
    async with httpx.AsyncClient(timeout=30) as http:
        waiting = await waiting_poll(http, stack, queue["queue_id"], queue["last_event_id"])
        comment = api.comment(admin, discussion["id"], content)
        answer = await asyncio.wait_for(waiting, 10)
    [event] = answer.json()["events"]
    size = len(json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode())
    assert size <= MAX_EVENT_BYTES
    assert event["type"] == "new_comment" and event["data"]["truncated"] is True
    assert event["data"]["comment"]["id"] == comment["id"]
    assert content.startswith(event["data"]["comment"]["content"])
    fetched = next(c for c in api.comments(member, discussion["id"]) if c["id"] == comment["id"])
    assert fetched["content"] == content  # the refetch the flag asks for


async def test_the_python_client_reads_a_large_backlog_page_by_page_each_event_once(
    stack, api, lab
):
    admin, member = lab["admin"], lab["member"]
    discussion = api.discussion(admin, lab["community"]["id"], lab["article"]["id"])
    queue = api.register(member)
    written = [api.comment(admin, discussion["id"], "x" + "\x01" * 19_999)["id"] for _ in range(12)]
    wait_for_head(stack, api, admin)

    answer_sizes: list[int] = []

    async def record_poll_answer(response: httpx.Response) -> None:
        if response.url.path == "/realtime/poll":
            answer_sizes.append(len(await response.aread()))

    received = []
    async with httpx.AsyncClient(event_hooks={"response": [record_poll_answer]}) as http:
        client = RealtimeClient(
            stack.api_url,
            stack.poll_url,
            member.access,
            http=http,
            queue_id=queue["queue_id"],
            last_event_id=queue["last_event_id"],
        )

        async def consume():
            async for item in client.events():
                received.append(item)
                if len(received) == len(written):
                    return

        try:
            await asyncio.wait_for(consume(), 20)
        finally:
            await client.close()
    assert [event["data"]["comment"]["id"] for event in received] == written
    assert len(answer_sizes) >= 3  # twelve events of about 64 KiB: four to an answer at most
    assert max(answer_sizes) <= ANSWER_BYTES
