"""The per-user question limit, the cooldown notice and the @mention de-duplication: what they allow, and
that they forget users and questions once their window has passed (nothing is kept, nothing is scanned)."""

from __future__ import annotations

import pytest

from bot.frontends.discord.cooldown import CooldownNotices, MentionDeduplicator, UserRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_questions_per_ten_seconds_then_the_wait_is_told() -> None:
    clock = Clock()
    limiter = UserRateLimiter(5, 10.0, clock=clock)
    for step in range(5):
        clock.now = 1000.0 + step
        assert limiter.hit(7) == 0
    clock.now = 1006.0
    assert limiter.hit(7) == pytest.approx(4.0)  # the first question, at 1000, leaves the window at 1010
    assert limiter.hit(8) == 0  # another user is not held back
    clock.now = 1010.0
    assert limiter.hit(7) == 0


def test_users_are_forgotten_once_their_last_question_is_a_window_old() -> None:
    clock = Clock()
    limiter = UserRateLimiter(5, 10.0, clock=clock)
    for user in range(20_000):
        limiter.hit(user)
    clock.now = 1009.0
    limiter.hit(3)  # user 3 asks again: kept, with both questions counted
    assert limiter.tracked() == 20_000
    clock.now = 1010.0
    limiter.hit(99_999)
    assert limiter.tracked() == 2  # user 3 (last asked at 1009) and the new user
    for _ in range(4):
        assert limiter.hit(3) == 0  # the question at 1000 has left the window; 1009's has not
    assert limiter.hit(3) == pytest.approx(9.0)


def test_a_refused_user_stays_counted_until_the_window_has_passed() -> None:
    clock = Clock()
    limiter = UserRateLimiter(2, 10.0, clock=clock)
    limiter.hit(1)
    limiter.hit(1)
    clock.now = 1005.0
    limiter.hit(2)
    assert limiter.hit(1) == pytest.approx(5.0)
    clock.now = 1009.9
    assert limiter.hit(1) == pytest.approx(0.1)


def test_a_cooldown_notice_is_forgotten_when_its_wait_is_over() -> None:
    clock = Clock()
    notices = CooldownNotices(clock=clock)
    assert notices.first(1, 4.0) and not notices.first(1, 3.0)
    assert notices.first(2, 9.0)
    clock.now = 1004.0
    assert notices.first(1, 4.0)  # a new window: told again
    assert not notices.first(2, 5.0)  # still within its own


def test_a_remembered_mention_answer_lasts_its_window() -> None:
    clock = Clock()
    seen = MentionDeduplicator(30.0, clock=clock)
    seen.remember(1, "Is Poland a party?", "https://discord.com/channels/1/1/10")
    clock.now = 1020.0
    seen.remember(1, "Is Chad a party?", "https://discord.com/channels/1/1/11")
    assert seen.earlier(1, "is poland a party") == "https://discord.com/channels/1/1/10"
    assert seen.earlier(2, "Is Poland a party?") is None  # another channel
    clock.now = 1030.0
    seen.remember(1, "Is Peru a party?", "https://discord.com/channels/1/1/12")
    assert seen.earlier(1, "Is Poland a party?") is None
    assert seen.earlier(1, "Is Chad a party?") == "https://discord.com/channels/1/1/11"
    seen.remember(1, "Is Chad a party?", "https://discord.com/channels/1/1/13")  # asked again: renewed
    clock.now = 1055.0
    assert seen.earlier(1, "Is Chad a party?") == "https://discord.com/channels/1/1/13"
