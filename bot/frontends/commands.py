"""The slash commands every front end offers: names, options, descriptions, and where each is available."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Frontend = Literal["discord", "console"]
DISCORD: Frontend = "discord"
CONSOLE: Frontend = "console"
EVERYWHERE: frozenset[Frontend] = frozenset({DISCORD, CONSOLE})


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a command; ``placeholder`` stands for its value in the console's usage lines."""

    name: str
    description: str
    required: bool = False
    placeholder: str = ""
    frontends: frozenset[Frontend] = EVERYWHERE

    def usage(self) -> str:
        value = self.placeholder or self.name.upper()
        return value if self.required else f"[{value}]"


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str
    options: tuple[Option, ...] = ()
    frontends: frozenset[Frontend] = EVERYWHERE

    def options_for(self, frontend: Frontend) -> tuple[Option, ...]:
        return tuple(option for option in self.options if frontend in option.frontends)

    def descriptions(self, frontend: Frontend) -> dict[str, str]:
        """Option name to description, as ``app_commands.describe`` takes them."""
        return {option.name: option.description for option in self.options_for(frontend)}

    def synopsis(self, frontend: Frontend) -> str:
        """``/status STATE [YYYY-MM-DD]``."""
        return " ".join([f"/{self.name}", *(option.usage() for option in self.options_for(frontend))])


PUBLIC = Option("public", "Show to everyone", frontends=frozenset({DISCORD}))
AS_OF = Option("as_of", "Date (YYYY-MM-DD)", placeholder="YYYY-MM-DD")
STATE = Option("state", "A state's name", required=True)
FORMAT = Option("format", "Export the list as CSV or JSON", placeholder="csv|json")

COMMANDS: tuple[Command, ...] = (
    Command(
        "ask",
        "Ask a question about the Ottawa Mine Ban Convention.",
        (
            Option("question", "Your question, e.g. 'Has Finland left?'", required=True),
            Option("public", "Show the answer to everyone", frontends=frozenset({DISCORD})),
        ),
    ),
    Command(
        "status",
        "One state's status and dates, with sources.",
        (
            STATE,
            Option("as_of", "Date to compute the status for (YYYY-MM-DD)", placeholder="YYYY-MM-DD"),
            PUBLIC,
        ),
    ),
    Command("withdrawals", "Every state that has withdrawn or is withdrawing.", (AS_OF, FORMAT, PUBLIC)),
    Command(
        "parties",
        "How many States Parties on a date, with the full list as CSV or JSON.",
        (AS_OF, FORMAT, PUBLIC),
    ),
    Command("timeline", "A state's dated events, with sources.", (STATE, PUBLIC)),
    Command(
        "treaty",
        "What an article of the Convention says.",
        (Option("article", "Article number, 1 to 22", required=True), PUBLIC),
    ),
    Command(
        "chart",
        "A chart of the number of States Parties over time, with the changes marked.",
        (
            AS_OF,
            Option("from", "Start the chart on this date (YYYY-MM-DD)", placeholder="FROM"),
            Option("state", "Mark one state's own steps", placeholder="STATE"),
            PUBLIC,
        ),
    ),
    Command("about", "Version, fact-base build, sources and the last reload."),
    Command("reload", "Admins: re-read, validate and rebuild the facts."),
    Command(
        "misses",
        "Admins: the questions the bot missed, similar ones grouped, most frequent first.",
        (
            Option("since", "Only the questions from this date on (YYYY-MM-DD)", placeholder="YYYY-MM-DD"),
            PUBLIC,
        ),
        frontends=frozenset({DISCORD}),
    ),
    Command("help", "Every command, and example questions."),
)
# Shown by /help: questions that show what the bot understands (tests check each is answered).
EXAMPLE_QUESTIONS = (
    "Is Poland still a State Party?",
    "Which countries have left the treaty, and when?",
    "What does Article 5 require?",
)


def commands_for(frontend: Frontend) -> tuple[Command, ...]:
    return tuple(command for command in COMMANDS if frontend in command.frontends)


def command_named(name: str) -> Command:
    """The command called ``name``; ``KeyError`` if there is none."""
    for command in COMMANDS:
        if command.name == name:
            return command
    raise KeyError(name)


def help_lines(frontend: Frontend) -> list[str]:
    """Every command of ``frontend`` with its usage and one line, then the example questions."""
    commands = commands_for(frontend)
    if frontend == CONSOLE:
        width = max(len(command.synopsis(frontend)) for command in commands) + 2
        lines = [f"  {command.synopsis(frontend):<{width}}{command.description}" for command in commands]
        lines.append(f"  {'/quit':<{width}}Leave the console.")
    else:
        lines = [f"`{command.synopsis(frontend)}` — {command.description}" for command in commands]
    lines += ["", "Or just ask a question, for example:"]
    lines += [f"  • {question}" for question in EXAMPLE_QUESTIONS]
    return lines
