"""The answer engine: understand a question, route it, answer it for a date, cite the sources.

Plain Python with no Discord or SQL import, shared by the CLI, the console, the bot and the benchmarks.
"""

from bot.engine.answer import Answer, Citation
from bot.engine.core import Engine

__all__ = ["Answer", "Citation", "Engine"]
