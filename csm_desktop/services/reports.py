"""PDF reports from the book: gather plain data, hand it to ``csm_desktop.reports``, write safely.

One account's QBR value report, a batch of them (both cores, one process per core, each with
its own database connection) and the internal portfolio report. Every PDF is built in a
temporary file next to its target and moved into place only when complete, so a failed or
cancelled export never leaves a half-written file behind.

reportlab is imported only when a report is made: the window imports this module at start-up.

The parts live in ``qbr_report`` (one account), ``report_batch`` (many, across processes)
and ``portfolio_report``; every public name stays importable from here.
"""

from __future__ import annotations

from csm_desktop.services.portfolio_report import portfolio_report_data, write_portfolio_report
from csm_desktop.services.qbr_report import (
    REPORT_FORMATS,
    find_account,
    health_reasons,
    internal_fields,
    qbr_data,
    write_qbr_report,
)
from csm_desktop.services.report_batch import (
    BatchIncomplete,
    batch_file_names,
    safe_file_name,
    write_qbr_batch,
)

__all__ = [
    "REPORT_FORMATS",
    "BatchIncomplete",
    "batch_file_names",
    "find_account",
    "health_reasons",
    "internal_fields",
    "portfolio_report_data",
    "qbr_data",
    "safe_file_name",
    "write_portfolio_report",
    "write_qbr_batch",
    "write_qbr_report",
]
