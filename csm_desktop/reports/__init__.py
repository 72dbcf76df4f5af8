"""reportlab documents and vector charts built from plain data. No Qt, no SQL."""
