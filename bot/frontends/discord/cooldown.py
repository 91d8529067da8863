"""Per-user question limits, one cooldown notice per window, and de-duplication of identical @mention questions."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bot.textnorm import normalize


class UserRateLimiter:
    """Allow each user ``rate`` questions per ``per`` seconds."""

    def __init__(
        self, rate: int = 5, per: float = 10.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.per = per
        self.clock = clock
        self._hits: dict[int, deque[float]] = {}

    def hit(self, user_id: int) -> float:
        """Record a question; return 0 if allowed, else the seconds until the user may ask again."""
        now = self.clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self.per:
            hits.popleft()
        if len(hits) >= self.rate:
            return self.per - (now - hits[0])
        hits.append(now)
        if len(self._hits) > 10_000:
            self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] < self.per}
        return 0.0


class CooldownNotices:
    """Whether a user who asks too quickly is still to be told so: once until they may ask again."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._until: dict[int, float] = {}

    def first(self, user_id: int, retry_after: float) -> bool:
        """True for the user's first refusal in a rate-limit window (tell them); False for the rest."""
        now = self.clock()
        if now < self._until.get(user_id, now):
            return False
        self._until[user_id] = now + retry_after
        if len(self._until) > 10_000:
            self._until = {k: v for k, v in self._until.items() if now < v}
        return True


class MentionDeduplicator:
    """Remember answered @mention questions per channel for ``window`` seconds."""

    def __init__(self, window: float = 30.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._seen: dict[tuple[int, str], tuple[float, str]] = {}

    def earlier(self, channel_id: int, question: str) -> str | None:
        """The link to an earlier answer of the same question in the channel, if recent."""
        key = (channel_id, normalize(question))
        found = self._seen.get(key)
        if found and self.clock() - found[0] < self.window:
            return found[1]
        return None

    def remember(self, channel_id: int, question: str, link: str) -> None:
        now = self.clock()
        self._seen[(channel_id, normalize(question))] = (now, link)
        if len(self._seen) > 10_000:
            self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window}
