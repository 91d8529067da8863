"""Long replies come in pages: nothing is cut, pages end at line or sentence ends, only the asker turns them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import discord
from hypothesis import given
from hypothesis import strategies as st
from support import discord_payloads as P
from test_discord_commands import TODAY, harness, invoke, last_message, settle

from bot.frontends.discord.app import TreatyBot
from bot.frontends.discord.embeds import EMBED_TOTAL_LIMIT, to_pages, to_texts
from bot.frontends.discord.paging import NOT_YOURS, PagerView
from bot.frontends.pages import split_text
from bot.frontends.replies import Reply

__all__ = ["harness"]

LONG_QUESTION = "which states joined in 1998"


def words(text: str) -> list[str]:
    return text.split()


@given(st.text(alphabet=st.sampled_from("ab .,\n"), max_size=3000), st.integers(min_value=5, max_value=400))
def test_split_text_keeps_every_word_and_respects_the_limit(text: str, limit: int) -> None:
    pages = split_text(text, limit)
    assert all(len(page) <= limit for page in pages)
    assert words(" ".join(pages)) == words(text) or max(map(len, text.split()), default=0) > limit


def test_pages_end_at_sentence_ends_when_lines_are_long() -> None:
    text = " ".join(f"Sentence number {i} says something." for i in range(200))
    pages = split_text(text, 500)
    assert len(pages) > 1
    assert all(page.endswith("something.") for page in pages)
    assert "…" not in "".join(pages)


def test_a_long_list_breaks_after_a_comma_not_inside_a_name() -> None:
    text = "Joined: " + ", ".join(f"State {i} (from 1 March 1999)" for i in range(300)) + "."
    pages = split_text(text, 2000)
    assert all(page.endswith((",", ".")) for page in pages)
    assert words(" ".join(pages)) == words(text)


def test_every_page_fits_discord_and_the_whole_answer_is_there(harness) -> None:
    replies = harness["bot"].replies
    for reply in (
        replies.ask(LONG_QUESTION, as_of=TODAY),
        replies.parties(as_of=dt.date(1999, 2, 28)),
        replies.timeline("Poland"),
    ):
        pages = to_pages(reply)
        assert all(len(page) <= EMBED_TOTAL_LIMIT for page in pages)
        shown = " ".join(page.description or "" for page in pages)
        assert words(shown) == words(reply.body)
        fields = [field.name for page in pages for field in page.fields]
        assert sum(1 for name in fields if name and not name.endswith("(continued)")) == len(reply.sources)
        if len(pages) > 1:
            assert [page.footer.text.rsplit("page ", 1)[-1] for page in pages] == [
                f"{i}/{len(pages)}" for i in range(1, len(pages) + 1)
            ]


def test_plain_text_pages_lose_nothing(harness) -> None:
    reply = harness["bot"].replies.timeline("Poland")
    texts = to_texts(reply)
    assert len(texts) > 1 and all(len(text) <= 2000 for text in texts)
    assert words(" ".join(texts)) == words(reply.as_text())
    withdrawal = harness["store"].kb.states["POL"].withdrawal_effective
    if withdrawal:  # the effective date that a cut used to lose
        assert withdrawal.strftime("%-d %B %Y") in " ".join(texts)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components", []) for c in row["components"]]


async def turn(h: dict[str, Any], custom_id: str, *, user_id: str) -> None:
    bot: TreatyBot = h["bot"]
    store = bot._connection._view_store
    response_id = next(reversed(store._views))
    clicked = P.button(custom_id, P.message("", message_id=str(response_id)), user_id=user_id)
    store.dispatch_view(2, custom_id, discord.Interaction(data=clicked, state=bot._connection))
    await settle(h, len(h["sent"]) + 1)


async def test_the_asker_turns_the_pages_and_others_cannot(harness) -> None:
    asker, other = "700000000000000001", "700000000000000002"
    await invoke(harness, P.command("ask", P.option("question", LONG_QUESTION), user_id=asker))
    first = last_message(harness)
    labels = [b.get("label") for b in buttons(first)]
    assert labels[:3] == ["◀", "page 1/2", "▶"]
    assert "…" not in first["embeds"][0]["description"]
    forward = buttons(first)[2]["custom_id"]
    await turn(harness, forward, user_id=other)
    refusal = last_message(harness)
    assert refusal["content"] == NOT_YOURS and refusal["flags"] & 64
    await turn(harness, forward, user_id=asker)
    second = last_message(harness)
    assert second["embeds"][0]["footer"]["text"].endswith("page 2/2")
    assert [b.get("disabled", False) for b in buttons(second)[:3]] == [False, True, True]


async def test_page_buttons_are_disabled_after_the_timeout(harness) -> None:
    await invoke(harness, P.command("ask", P.option("question", LONG_QUESTION)))
    items = [i for by_id in harness["bot"]._connection._view_store._views.values() for i in by_id.values()]
    view = next(i.view for i in items if isinstance(i.view, PagerView))
    sent_before = len(harness["sent"])
    await view.on_timeout()
    edit = harness["sent"][sent_before]
    assert edit.method == "PATCH" and edit.path.endswith("/messages/@original")
    assert all(button["disabled"] for button in buttons(edit.body))


async def test_without_embeds_a_long_reply_is_several_messages(harness) -> None:
    await invoke(
        harness,
        P.command("timeline", P.option("state", "Poland"), app_permissions=P.NO_EMBED_PERMISSIONS),
    )
    sent = [s.body.get("data", s.body).get("content") for s in harness["sent"]]
    assert len(sent) >= 2 and all(text and len(text) <= 2000 for text in sent)
    assert not re.search(r"…\s*$", sent[0])


def test_a_short_reply_is_one_page_without_a_page_number() -> None:
    pages = to_pages(Reply(body="Poland is a State Party.", footer="Answer for 27 November 2026"))
    assert len(pages) == 1 and pages[0].footer.text == "Answer for 27 November 2026"


def test_the_same_reply_is_laid_out_once_and_a_changed_one_anew() -> None:
    first = to_pages(Reply(body="Chad is a State Party.", footer="Answer for 27 November 2026"))
    again = to_pages(Reply(body="Chad is a State Party.", footer="Answer for 27 November 2026"))
    assert again == first and again[0] is first[0]
    again.clear()  # the caller's list is its own: the next caller still gets the page
    third = to_pages(Reply(body="Chad is a State Party.", footer="Answer for 27 November 2026"))
    assert len(third) == 1 and third[0] is first[0]
    later = to_pages(Reply(body="Chad is a State Party.", footer="Answer for 28 November 2026"))
    assert later[0].footer.text == "Answer for 28 November 2026"
    declined = to_pages(Reply(body="Chad is a State Party.", footer="Answer for 28 November 2026", title="?"))
    assert declined[0].title == "?" and later[0].title is None


async def test_a_long_answer_to_a_mention_comes_in_pages(harness) -> None:
    from test_discord_commands import mention

    await mention(harness, LONG_QUESTION)
    reply = harness["sent"][-1].body
    assert reply["embeds"][0]["footer"]["text"].endswith("page 1/2")
    assert [b.get("label") for b in buttons(reply)][:3] == ["◀", "page 1/2", "▶"]
