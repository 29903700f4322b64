"""The worker's exchange (record finished attempts, claim the next messages) does the same
whichever way it runs: in one statement (PostgreSQL) or in steps (finish, claim, read the
rows, read the suppressions: SQLite, and the reference). Two organizations get the same
messages and suppressions; one goes through each path; rows, timelines and answers must match."""

from __future__ import annotations

from datetime import timedelta

from app.core.db import dialect
from app.core.ids import new_id
from app.engines import delivery_queue as queue
from models import Message, MessageEvent, Suppression

MESSAGES = [  # (to, cc, bcc) as stored
    (["plain@example.com"], [], []),
    (["Upper.Case@Example.COM"], ["cc@example.com"], ["hidden@example.com"]),  # cc suppressed
    (["ZOË@example.com"], [], []),  # non-ASCII: folded by Python, not by the database
    (["one@example.com", "two@example.com"], [], []),  # both suppressed
    (["nobody@example.com"], [], []),
]
SUPPRESSED = ["upper.case@example.com", "cc@example.com", "zoë@example.com", "one@example.com", "TWO@example.com"]
IGNORED = {"id", "organization_id", "created_at", "updated_at", "due_at", "sent_at", "api_key_id"}


async def seed(organization_id: str) -> list[str]:
    due = queue.now() - timedelta(seconds=5)
    ids = []
    for i, (to, cc, bcc) in enumerate(MESSAGES):
        message = await Message.create(
            id=new_id("msg"), organization_id=organization_id, to=to, cc=cc, bcc=bcc, reply_to=["r@example.com"],
            recipient_names={"to": ["Name"] + [None] * (len(to) - 1)}, from_address="Acme <hello@acme.com>",
            subject=f"S{i}", html="<p>h</p>" if i % 2 else None, text=f"t{i}", headers={"X-N": str(i)},
            tags=[f"t{i}"], metadata={"i": i}, variables={}, attachment_count=0, status="queued",
            sandbox=i == 4, send_at=None, due_at=due + timedelta(milliseconds=i), unsubscribe=i == 1,
            track_opens=True if i == 2 else None, track_clicks=None,
            dkim_signature="DKIM-Signature: v=1" if i == 3 else None,
        )
        ids.append(message.id)
    for address in SUPPRESSED:
        await Suppression.create(organization_id=organization_id, email=address, email_key=address.lower(),
                                 reason="manual")
    return ids


def plain(claimed, blocked, ids):
    """The claims and suppressions with message ids replaced by their index."""
    index = {message_id: i for i, message_id in enumerate(ids)}
    rows = sorted(
        (index[c.id], c.attempt, {k: v for k, v in vars(m).items() if k not in IGNORED}) for c, m in claimed
    )  # in no particular order (UPDATE … RETURNING)
    return rows, sorted(key for _, key in blocked)


async def state(ids):
    rows = []
    for message_id in ids:
        m = await Message.get(id=message_id)
        events = await MessageEvent.filter(message_id=message_id).order_by("id").values_list("status", "detail")
        rows.append((m.status, m.attempts, m.last_reply, m.sent_at is not None, m.due_at > queue.now(), events))
    return rows


async def run(organization_id: str, in_steps: bool):
    ids = await seed(organization_id)
    scope = {organization_id}
    first = await queue.exchange([], 3, 60, {}, 10, scope, in_steps=in_steps)
    claims = sorted((c for c, _ in first.claimed), key=lambda c: ids.index(c.id))
    at = queue.now()
    finishes = [
        queue.Finish(claims[0], "sent", "250 ok", at, reply="250 ok"),
        queue.Finish(claims[1], "deferred", "451 later; next attempt at …", at, reply="451 later",
                     due_at=at + timedelta(minutes=5)),
        queue.Finish(queue.Claim(claims[2].id, claims[2].attempt + 1, organization_id), "failed", "stale", at),
    ]
    second = await queue.exchange(finishes, 5, 60, {organization_id: 1}, 10, scope, in_steps=in_steps)
    last = await queue.exchange([queue.Finish(claims[2], "failed", "550 no", at, reply="550 no")], 0, 60,
                                None, None, scope, in_steps=in_steps)
    return (
        plain(first.claimed, first.blocked, ids), second.recorded, plain(second.claimed, second.blocked, ids),
        last.recorded, last.claimed, await state(ids),
    )


async def test_one_statement_and_steps_exchange_the_same(make_key):
    fast = await run((await make_key()).organization_id, in_steps=False)
    steps = await run((await make_key()).organization_id, in_steps=True)
    assert fast == steps
    (first_rows, first_blocked), recorded, (second_rows, second_blocked), last_recorded, _, rows = fast
    assert [i for i, _, _ in first_rows] == [0, 1, 2] and [i for i, _, _ in second_rows] == [3, 4]
    assert first_blocked == ["cc@example.com", "upper.case@example.com", "zoë@example.com"]
    assert second_blocked == ["one@example.com", "two@example.com"]
    assert recorded == [True, True, False] and last_recorded == [True]
    assert first_rows[1][2]["to"] == ["Upper.Case@Example.COM"] and first_rows[1][2]["unsubscribe"] is True
    assert rows[0][0] == "sent" and rows[1][0] == "deferred" and rows[2][0] == "failed"
    assert rows[0][5] == [("sending", "attempt 1"), ("sent", "250 ok")]


async def test_the_fast_path_is_the_one_postgresql_takes(make_key, monkeypatch):
    """On PostgreSQL `exchange` answers in one statement (the steps are never called)."""
    if dialect() != "postgres":
        return
    organization_id = (await make_key()).organization_id
    await seed(organization_id)

    async def no_steps(*args, **kwargs):
        raise AssertionError("the steps ran")

    monkeypatch.setattr(queue, "_exchange_in_steps", no_steps)
    result = await queue.exchange([], 2, 60, {}, 10, {organization_id})
    assert len(result.claimed) == 2
