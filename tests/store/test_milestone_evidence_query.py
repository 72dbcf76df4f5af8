"""store.queries.milestones.milestones_with_evidence on a real book.

Hand-made: account "Acme" with three milestones, evidence "usage", "manual", "usage"
(positions 0, 1, 2): usage finds positions 0 and 2, manual finds 1, "review" finds none.
"""

from __future__ import annotations

from csm_desktop.domain.vocabulary import Evidence
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone
from csm_desktop.store.queries.milestones import milestones_with_evidence
from csm_desktop.store.queries.playbooks import roles_by_name


def test_milestones_are_found_by_their_evidence(book: Database) -> None:
    with book.session() as session:
        admin = roles_by_name(session)["Administrator"]
        acme = Account(name="Acme")
        session.add(acme)
        for position, evidence in enumerate((Evidence.USAGE, Evidence.MANUAL, Evidence.USAGE)):
            session.add(
                AccountMilestone(account=acme, position=position, title=f"Step {position}",
                                 role=admin, target_day=7, evidence=evidence.value)
            )  # fmt: skip
    with book.session() as session:
        usage = milestones_with_evidence(session, Evidence.USAGE.value)
        assert sorted(m.position for m in usage) == [0, 2]
        manual = milestones_with_evidence(session, Evidence.MANUAL.value)
        assert [m.position for m in manual] == [1]
        assert milestones_with_evidence(session, "review") == []
