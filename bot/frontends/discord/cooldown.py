"""Per-user question limits, one cooldown notice per window, and de-duplication of identical @mention questions.

Each keeps its entries in the order they were last touched and forgets from the oldest end, so a question
costs the same with ten users as with a hundred thousand: nothing is scanned.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
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
        self._hits: OrderedDict[int, deque[float]] = OrderedDict()  # least recently asking first

    def hit(self, user_id: int) -> float:
        """Record a question; return 0 if allowed, else the seconds until the user may ask again."""
        now = self.clock()
        while self._hits:  # users whose last question is a window old have nothing left to count
            oldest = next(iter(self._hits.values()))
            if oldest and now - oldest[-1] < self.per:
                break
            self._hits.popitem(last=False)
        hits = self._hits.setdefault(user_id, deque())
        self._hits.move_to_end(user_id)
        while hits and now - hits[0] >= self.per:
            hits.popleft()
        if len(hits) >= self.rate:
            return self.per - (now - hits[0])
        hits.append(now)
        return 0.0

    def tracked(self) -> int:
        """How many users the limiter is counting for now."""
        return len(self._hits)


class CooldownNotices:
    """Whether a user who asks too quickly is still to be told so: once until they may ask again."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._until: OrderedDict[int, float] = OrderedDict()  # least recently told first

    def first(self, user_id: int, retry_after: float) -> bool:
        """True for the user's first refusal in a rate-limit window (tell them); False for the rest."""
        now = self.clock()
        while self._until and next(iter(self._until.values())) <= now:
            self._until.popitem(last=False)
        if now < self._until.get(user_id, now):
            return False
        self._until[user_id] = now + retry_after
        self._until.move_to_end(user_id)
        return True


class MentionDeduplicator:
    """Remember answered @mention questions per channel for ``window`` seconds."""

    def __init__(self, window: float = 30.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._seen: OrderedDict[tuple[int, str], tuple[float, str]] = OrderedDict()  # oldest first

    def earlier(self, channel_id: int, question: str) -> str | None:
        """The link to an earlier answer of the same question in the channel, if recent."""
        key = (channel_id, normalize(question))
        found = self._seen.get(key)
        if found and self.clock() - found[0] < self.window:
            return found[1]
        return None

    def remember(self, channel_id: int, question: str, link: str) -> None:
        """Remember the answer to ``question`` in the channel, by its link, for ``window`` seconds."""
        now = self.clock()
        while self._seen and now - next(iter(self._seen.values()))[0] >= self.window:
            self._seen.popitem(last=False)
        key = (channel_id, normalize(question))
        self._seen[key] = (now, link)
        self._seen.move_to_end(key)
