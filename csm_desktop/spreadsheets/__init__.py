"""Readers and writers of spreadsheets: files in, rows and problems out. No Qt, no SQL."""
