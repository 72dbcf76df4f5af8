"""The living playbook: create, edit, version, and roll playbooks out to accounts.

Versioning rules (DESIGN §2: a playbook is named and versioned; account milestones are
snapshots):

- A version is *locked* when it is not the newest version of its name, when an account is
  on it, or when an experiment variant uses it. A locked version's ladder and texts never
  change, so older versions stay readable exactly as they were; "New version…" copies its
  steps into version + 1 with a change note, and that copy is what the CSM edits.
- Templates are modules shared by every playbook version that includes them. Saving a
  template that another playbook also uses needs a choice (``Scope``): ``EVERY_PLAYBOOK``
  changes it for every editable playbook that uses it, ``THIS_PLAYBOOK`` makes a copy (key
  ``<key>@<playbook> v<version>``) for this version only. Whenever a locked version uses the
  template, the edit goes to a copy and the locked version keeps the original (copy on write).
- Editing a playbook never touches an account. ``apply_to_accounts`` moves chosen accounts to
  a newer version: it adds the new milestones and refreshes the snapshot of *open* ones
  (title, role, target day and due date, definition of done, criterion, cue, unlocks,
  first-value flag); achieved and skipped milestones are history and stay as they are.

Every function takes the ``Database`` and returns plain frozen dataclasses or ids.

The work is split by job: ``playbook_library`` (reading, locking and sharing rules),
``playbook_edits`` (create, version, edit) and ``playbook_rollout`` (accounts to a newer
version); this module is their one face for the UI and the CLI, plus the PDF export.
"""

from __future__ import annotations

from pathlib import Path

from csm_desktop.safe_output import write_output_file
from csm_desktop.services.playbook_edits import (
    add_template,
    create_playbook,
    new_milestone,
    new_version,
    remove_step,
    reorder_steps,
    save_template,
    version_history,
)
from csm_desktop.services.playbook_library import (
    MAX_TARGET_DAY,
    AccountOnVersion,
    AccountUpdate,
    PlaybookDetail,
    PlaybookLocked,
    PlaybookSummary,
    Scope,
    TemplateDetail,
    TemplateSaved,
    TemplateShared,
    TemplateSharing,
    find_playbook,
    list_playbooks,
    playbook_detail,
    role_names,
    template_sharing,
    templates_for_reuse,
)
from csm_desktop.services.playbook_rollout import (
    accounts_on_older_versions,
    apply_to_accounts,
)
from csm_desktop.store.database import Database

__all__ = [
    "MAX_TARGET_DAY",
    "AccountOnVersion",
    "AccountUpdate",
    "PlaybookDetail",
    "PlaybookLocked",
    "PlaybookSummary",
    "Scope",
    "TemplateDetail",
    "TemplateSaved",
    "TemplateShared",
    "TemplateSharing",
    "accounts_on_older_versions",
    "add_template",
    "apply_to_accounts",
    "create_playbook",
    "find_playbook",
    "list_playbooks",
    "new_milestone",
    "new_version",
    "playbook_detail",
    "remove_step",
    "reorder_steps",
    "role_names",
    "save_template",
    "template_sharing",
    "templates_for_reuse",
    "version_history",
    "write_playbook_pdf",
]


# --- the playbook as a document ------------------------------------------------------------


def write_playbook_pdf(database: Database, playbook_id: int, path: Path) -> Path:
    """Export one version as a readable PDF with the playbook's version history."""
    from csm_desktop.reports.playbook_doc import PlaybookDocument, build_playbook_pdf

    detail = playbook_detail(database, playbook_id)
    summary = detail.summary
    history = [
        note for note in version_history(database, summary.name) if note.version <= summary.version
    ]
    document = PlaybookDocument(
        name=summary.name,
        version=summary.version,
        segment=summary.segment,
        industry=summary.industry,
        description=summary.description,
        created_on=summary.created_on,
        milestones=tuple(step.step for step in detail.steps),
        history=tuple(history),
    )
    return write_output_file(Path(path), lambda target: build_playbook_pdf(document, target))
