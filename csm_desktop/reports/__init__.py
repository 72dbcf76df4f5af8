"""reportlab documents and vector charts built from plain data. No Qt, no SQL."""

from csm_desktop.reports.lazy_imports import install

install()  # before any report imports reportlab (see lazy_imports)
