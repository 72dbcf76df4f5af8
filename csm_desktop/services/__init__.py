"""Use cases over the store: the only API the window and the command line call."""
