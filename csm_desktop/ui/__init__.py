"""The Qt window: widgets, table models, dialogs, charts and workers. Never SQL."""
