"""◀ ▶ buttons that turn the pages of a long reply; only the asker may turn them, for ten minutes."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.frontends.discord.errors import report_interaction_error

log = logging.getLogger("bot.paging")
PAGE_TIMEOUT_SECONDS = 600.0
NOT_YOURS = "Only the person who asked can turn these pages. Ask the question yourself to get your own copy."


class _Turn(discord.ui.Button["PagerView"]):
    def __init__(self, label: str, step: int) -> None:
        super().__init__(label=label, style=discord.ButtonStyle.secondary)
        self.step = step

    async def callback(self, interaction: discord.Interaction) -> None:
        view = self.view
        if view is not None:
            await view.turn(interaction, self.step)


class PagerView(discord.ui.View):
    """Pages of one reply, turned in place; the buttons are disabled when the view times out."""

    def __init__(
        self,
        pages: list[discord.Embed],
        *,
        owner_id: int,
        extra: list[discord.ui.Item[Any]] | None = None,
        timeout: float = PAGE_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(timeout=timeout)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.origin: discord.Interaction | None = None  # the interaction whose response shows the pages
        self.message: discord.Message | None = None  # or the message that shows them
        self.previous = _Turn("◀", -1)
        self.counter: discord.ui.Button[PagerView] = discord.ui.Button(
            label=self._counter_label(), style=discord.ButtonStyle.secondary, disabled=True
        )
        self.next = _Turn("▶", +1)
        for item in (self.previous, self.counter, self.next, *(extra or [])):
            self.add_item(item)
        self._refresh()

    def _counter_label(self) -> str:
        return f"page {self.index + 1}/{len(self.pages)}"

    def _refresh(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index == len(self.pages) - 1
        self.counter.label = self._counter_label()

    @property
    def page(self) -> discord.Embed:
        return self.pages[self.index]

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            NOT_YOURS, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )
        return False

    async def turn(self, interaction: discord.Interaction, step: int) -> None:
        """Show the page ``step`` away from the current one."""
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._refresh()
        await interaction.response.edit_message(embed=self.page, view=self)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            if self.origin is not None:
                await self.origin.edit_original_response(view=self)
            elif self.message is not None:
                await self.message.edit(view=self)
        except discord.HTTPException as error:
            log.debug("could not disable the page buttons: %s", error)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_interaction_error(interaction, error)
