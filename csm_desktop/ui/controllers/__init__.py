"""Controllers of the window: the logic behind menus and pages, one job per module."""
