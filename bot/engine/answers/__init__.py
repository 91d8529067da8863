"""Answer families: per-state answers, lists and counts, groups, treaty facts and declines."""
