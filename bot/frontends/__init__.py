"""Front ends: the replies shared by every front end, the console, and Discord."""
