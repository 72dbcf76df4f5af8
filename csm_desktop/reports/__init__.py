"""reportlab documents and vector charts built from plain data. No Qt, no SQL."""

from csm_desktop.reports.lazy_uri_pattern import install

install()  # before any report imports reportlab's paragraph module (see lazy_uri_pattern)
