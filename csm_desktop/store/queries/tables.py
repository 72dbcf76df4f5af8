"""The models' tables, for queries that must compile as plain SQLAlchemy Core.

A statement that names a mapped attribute (``Account.id``) is compiled by the ORM, and the
ORM's first statement configures every mapper of the book (30-45 ms). The Today list's
first page is read before the window's first lines show (start-up, issue 17) and needs no
mapped objects, so its queries name these tables' columns instead (``account.c.id``).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from csm_desktop.store.models import (
    Account,
    AccountAsk,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Experiment,
    Feature,
    Feedback,
    ImportRecord,
    Kickoff,
    KickoffAnswer,
    Measurement,
    MilestoneTemplate,
    Playbook,
    Renewal,
    Role,
    Setting,
    StatusChange,
    Touchpoint,
    UsageEvent,
    UsageFeature,
    ValueMetric,
    Variant,
)

account = cast(Table, Account.__table__)
account_ask = cast(Table, AccountAsk.__table__)
account_milestone = cast(Table, AccountMilestone.__table__)
contact = cast(Table, Contact.__table__)
done_criterion = cast(Table, DoneCriterion.__table__)
experiment = cast(Table, Experiment.__table__)
feature = cast(Table, Feature.__table__)
feedback = cast(Table, Feedback.__table__)
import_record = cast(Table, ImportRecord.__table__)
kickoff = cast(Table, Kickoff.__table__)
kickoff_answer = cast(Table, KickoffAnswer.__table__)
measurement = cast(Table, Measurement.__table__)
milestone_template = cast(Table, MilestoneTemplate.__table__)
playbook = cast(Table, Playbook.__table__)
renewal = cast(Table, Renewal.__table__)
role = cast(Table, Role.__table__)
setting = cast(Table, Setting.__table__)
status_change = cast(Table, StatusChange.__table__)
touchpoint = cast(Table, Touchpoint.__table__)
usage_event = cast(Table, UsageEvent.__table__)
usage_feature = cast(Table, UsageFeature.__table__)
value_metric = cast(Table, ValueMetric.__table__)
variant = cast(Table, Variant.__table__)
