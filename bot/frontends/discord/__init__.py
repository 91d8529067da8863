"""The Discord front end (discord.py)."""
