# ruff: noqa: E501 (the statements' lines are SQLite's own)
"""A new book's schema at head, as the migrations build it. GENERATED, do not edit:
run ``python scripts/write_schema_head.py`` after adding a migration.

``store.database`` makes a new book from these statements and rows instead of replaying every
migration (issue 17: importing alembic and running eight migrations cost about 0.3 s of a
5,000-account import-book). ``tests/store/test_schema_head.py`` proves a book made from here
equal to one made by the migrations: every table, column, type, index, constraint, trigger
and seeded row. When ``REVISION`` is not the app's head, new books run the migrations.
"""

from typing import Any

REVISION = "0010"

STATEMENTS: tuple[str, ...] = (
    (
        "CREATE TABLE alembic_version (\n"
        "\tversion_num VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
        ")"
    ),
    (
        "CREATE TABLE experiment (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tname VARCHAR NOT NULL, \n"
        "\thypothesis TEXT NOT NULL, \n"
        "\tprimary_metric VARCHAR NOT NULL, \n"
        "\tstarted_on DATE, \n"
        "\tseed INTEGER NOT NULL, \n"
        "\tlocked BOOLEAN NOT NULL, read_on DATE, \n"
        "\tCONSTRAINT pk_experiment PRIMARY KEY (id), \n"
        "\tCONSTRAINT uq_experiment_name UNIQUE (name)\n"
        ")"
    ),
    (
        "CREATE TABLE import_record (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tkind VARCHAR(16) NOT NULL, \n"
        "\tfile_name VARCHAR NOT NULL, \n"
        "\tsha256 VARCHAR(64) NOT NULL, \n"
        "\timported_at DATETIME NOT NULL, \n"
        "\trows_read INTEGER NOT NULL, \n"
        "\trows_stored INTEGER NOT NULL, \n"
        "\trows_rejected INTEGER NOT NULL, \n"
        "\tCONSTRAINT pk_import_record PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE playbook (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tname VARCHAR NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tsegment VARCHAR, \n"
        "\tindustry VARCHAR, \n"
        "\tdescription TEXT NOT NULL, \n"
        "\tchange_note TEXT NOT NULL, \n"
        "\tcreated_on DATE, \n"
        "\tarchived BOOLEAN NOT NULL, \n"
        "\tCONSTRAINT pk_playbook PRIMARY KEY (id), \n"
        "\tCONSTRAINT uq_playbook_name_version UNIQUE (name, version)\n"
        ")"
    ),
    (
        "CREATE TABLE role (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tname VARCHAR NOT NULL, \n"
        "\temphasis VARCHAR NOT NULL, \n"
        "\tposition INTEGER NOT NULL, \n"
        "\tCONSTRAINT pk_role PRIMARY KEY (id), \n"
        "\tCONSTRAINT uq_role_name UNIQUE (name)\n"
        ")"
    ),
    (
        "CREATE TABLE setting (\n"
        '\t"key" VARCHAR NOT NULL, \n'
        "\tvalue TEXT NOT NULL, \n"
        '\tCONSTRAINT pk_setting PRIMARY KEY ("key")\n'
        ")"
    ),
    (
        "CREATE TABLE milestone_template (\n"
        "\tid INTEGER NOT NULL, \n"
        '\t"key" VARCHAR NOT NULL, \n'
        "\ttitle VARCHAR NOT NULL, \n"
        "\trole_id INTEGER NOT NULL, \n"
        "\ttarget_day INTEGER NOT NULL, \n"
        "\tpurpose TEXT NOT NULL, \n"
        "\texpected_actions TEXT NOT NULL, \n"
        "\trisks TEXT NOT NULL, \n"
        "\tunlocks VARCHAR, \n"
        "\tcue TEXT NOT NULL, \n"
        "\tdefinition_of_done TEXT NOT NULL, \n"
        "\tsuccess_feature VARCHAR, \n"
        "\tsuccess_threshold INTEGER, \n"
        "\tsuccess_window_days INTEGER, \n"
        "\tfirst_value BOOLEAN NOT NULL, \n"
        "\tmessage_in_app TEXT NOT NULL, \n"
        "\tmessage_email_subject VARCHAR NOT NULL, \n"
        "\tmessage_email_body TEXT NOT NULL, \n"
        "\thelp_article TEXT NOT NULL, \n"
        "\tstory_example TEXT NOT NULL, \n"
        "\tCONSTRAINT pk_milestone_template PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_milestone_template_role_id_role FOREIGN KEY(role_id) REFERENCES role (id), \n"
        '\tCONSTRAINT uq_milestone_template_key UNIQUE ("key")\n'
        ")"
    ),
    (
        "CREATE TABLE variant (\n"
        "\tid INTEGER NOT NULL, \n"
        "\texperiment_id INTEGER NOT NULL, \n"
        "\tname VARCHAR NOT NULL, \n"
        "\tplaybook_id INTEGER, \n"
        "\tordering TEXT NOT NULL, kind VARCHAR(16) DEFAULT 'order' NOT NULL, change TEXT DEFAULT '' NOT NULL, \n"
        "\tCONSTRAINT pk_variant PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_variant_experiment_id_experiment FOREIGN KEY(experiment_id) REFERENCES experiment (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_variant_playbook_id_playbook FOREIGN KEY(playbook_id) REFERENCES playbook (id), \n"
        "\tCONSTRAINT uq_variant_experiment_id_name UNIQUE (experiment_id, name)\n"
        ")"
    ),
    (
        "CREATE TABLE account (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tname VARCHAR NOT NULL, \n"
        "\texternal_id VARCHAR, \n"
        "\tsegment VARCHAR, \n"
        "\tindustry VARCHAR, \n"
        "\tseats INTEGER, \n"
        "\tarr FLOAT, \n"
        "\towner VARCHAR, \n"
        "\tsigned_on DATE, \n"
        "\tkickoff_on DATE, \n"
        "\trenewal_on DATE, \n"
        "\tplaybook_id INTEGER, \n"
        "\tvariant_id INTEGER, \n"
        "\tarchived BOOLEAN NOT NULL, logo_path VARCHAR, version INTEGER DEFAULT '1' NOT NULL, changed_by VARCHAR, changed_at DATETIME, \n"
        "\tCONSTRAINT pk_account PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_account_playbook_id_playbook FOREIGN KEY(playbook_id) REFERENCES playbook (id), \n"
        "\tCONSTRAINT fk_account_variant_id_variant FOREIGN KEY(variant_id) REFERENCES variant (id) ON DELETE SET NULL, \n"
        "\tCONSTRAINT uq_account_external_id UNIQUE (external_id), \n"
        "\tCONSTRAINT uq_account_name UNIQUE (name)\n"
        ")"
    ),
    (
        "CREATE TABLE playbook_step (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tplaybook_id INTEGER NOT NULL, \n"
        "\ttemplate_id INTEGER NOT NULL, \n"
        "\tposition INTEGER NOT NULL, \n"
        "\tCONSTRAINT pk_playbook_step PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_playbook_step_playbook_id_playbook FOREIGN KEY(playbook_id) REFERENCES playbook (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_playbook_step_template_id_milestone_template FOREIGN KEY(template_id) REFERENCES milestone_template (id), \n"
        "\tCONSTRAINT uq_playbook_step_playbook_id_template_id UNIQUE (playbook_id, template_id)\n"
        ")"
    ),
    (
        "CREATE TABLE account_milestone (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\ttemplate_id INTEGER, \n"
        "\tposition INTEGER NOT NULL, \n"
        "\ttitle VARCHAR NOT NULL, \n"
        "\trole_id INTEGER NOT NULL, \n"
        "\ttarget_day INTEGER NOT NULL, \n"
        "\tdue_on DATE, \n"
        "\tstatus VARCHAR(16) NOT NULL, \n"
        "\tstatus_reason TEXT NOT NULL, \n"
        "\tstarted_on DATE, \n"
        "\tachieved_on DATE, \n"
        "\tevidence VARCHAR, \n"
        "\tdefinition_of_done TEXT NOT NULL, \n"
        "\tfirst_value BOOLEAN NOT NULL, \n"
        "\tunlocks VARCHAR, \n"
        "\tcue TEXT NOT NULL, \n"
        "\tsuccess_feature VARCHAR, \n"
        "\tsuccess_threshold INTEGER, \n"
        "\tsuccess_window_days INTEGER, \n"
        "\tcriterion_met_on DATE, replanned_on DATE, version INTEGER DEFAULT '1' NOT NULL, changed_by VARCHAR, changed_at DATETIME, \n"
        "\tCONSTRAINT pk_account_milestone PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_account_milestone_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_account_milestone_role_id_role FOREIGN KEY(role_id) REFERENCES role (id), \n"
        "\tCONSTRAINT fk_account_milestone_template_id_milestone_template FOREIGN KEY(template_id) REFERENCES milestone_template (id) ON DELETE SET NULL\n"
        ")"
    ),
    (
        "CREATE TABLE contact (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\trole_id INTEGER, \n"
        "\tname VARCHAR NOT NULL, \n"
        "\temail VARCHAR, \n"
        "\ttitle VARCHAR, \n"
        "\tCONSTRAINT pk_contact PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_contact_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_contact_role_id_role FOREIGN KEY(role_id) REFERENCES role (id)\n"
        ")"
    ),
    (
        "CREATE TABLE kickoff (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\theld_on DATE, \n"
        "\tattendees TEXT NOT NULL, \n"
        "\tsuccess_statement TEXT NOT NULL, version INTEGER DEFAULT '1' NOT NULL, changed_by VARCHAR, changed_at DATETIME, \n"
        "\tCONSTRAINT pk_kickoff PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_kickoff_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT uq_kickoff_account_id UNIQUE (account_id)\n"
        ")"
    ),
    (
        "CREATE TABLE value_metric (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\tname VARCHAR NOT NULL, \n"
        "\tunit VARCHAR NOT NULL, \n"
        "\tdirection VARCHAR(8) NOT NULL, \n"
        "\tbaseline FLOAT, \n"
        "\tbaseline_on DATE, \n"
        "\ttarget FLOAT, money_per_unit FLOAT, rate_per VARCHAR(8), version INTEGER DEFAULT '1' NOT NULL, changed_by VARCHAR, changed_at DATETIME, \n"
        "\tCONSTRAINT pk_value_metric PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_value_metric_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT uq_value_metric_account_id_name UNIQUE (account_id, name)\n"
        ")"
    ),
    (
        "CREATE TABLE done_criterion (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tkickoff_id INTEGER NOT NULL, \n"
        "\tposition INTEGER NOT NULL, \n"
        "\ttext TEXT NOT NULL, \n"
        "\tmet_on DATE, \n"
        "\tCONSTRAINT pk_done_criterion PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_done_criterion_kickoff_id_kickoff FOREIGN KEY(kickoff_id) REFERENCES kickoff (id) ON DELETE CASCADE\n"
        ")"
    ),
    (
        "CREATE TABLE kickoff_answer (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tkickoff_id INTEGER NOT NULL, \n"
        "\trole_id INTEGER NOT NULL, \n"
        "\tanswer TEXT NOT NULL, \n"
        "\tCONSTRAINT pk_kickoff_answer PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_kickoff_answer_kickoff_id_kickoff FOREIGN KEY(kickoff_id) REFERENCES kickoff (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_kickoff_answer_role_id_role FOREIGN KEY(role_id) REFERENCES role (id), \n"
        "\tCONSTRAINT uq_kickoff_answer_kickoff_id_role_id UNIQUE (kickoff_id, role_id)\n"
        ")"
    ),
    (
        "CREATE TABLE measurement (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tmetric_id INTEGER NOT NULL, \n"
        "\tmeasured_on DATE NOT NULL, \n"
        "\tvalue FLOAT NOT NULL, \n"
        "\tCONSTRAINT pk_measurement PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_measurement_metric_id_value_metric FOREIGN KEY(metric_id) REFERENCES value_metric (id) ON DELETE CASCADE\n"
        ")"
    ),
    (
        "CREATE TABLE status_change (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tmilestone_id INTEGER NOT NULL, \n"
        "\tchanged_on DATE NOT NULL, \n"
        "\trecorded_at DATETIME NOT NULL, \n"
        "\tfrom_status VARCHAR, \n"
        "\tto_status VARCHAR NOT NULL, \n"
        "\treason TEXT NOT NULL, changed_by VARCHAR, \n"
        "\tCONSTRAINT pk_status_change PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_status_change_milestone_id_account_milestone FOREIGN KEY(milestone_id) REFERENCES account_milestone (id) ON DELETE CASCADE\n"
        ")"
    ),
    (
        "CREATE TABLE touchpoint (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\tcontact_id INTEGER, \n"
        "\tmilestone_id INTEGER, \n"
        "\tchannel VARCHAR(16) NOT NULL, \n"
        "\ttemplate VARCHAR NOT NULL, \n"
        "\thappened_on DATE NOT NULL, \n"
        "\tnote TEXT NOT NULL, \n"
        "\tCONSTRAINT pk_touchpoint PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_touchpoint_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_touchpoint_contact_id_contact FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE SET NULL, \n"
        "\tCONSTRAINT fk_touchpoint_milestone_id_account_milestone FOREIGN KEY(milestone_id) REFERENCES account_milestone (id) ON DELETE SET NULL\n"
        ")"
    ),
    (
        "CREATE TABLE feature (\n"
        "\tid INTEGER NOT NULL, \n"
        '\t"key" VARCHAR NOT NULL, \n'
        "\tdisplay_name VARCHAR NOT NULL, \n"
        "\taliases TEXT NOT NULL, \n"
        "\tCONSTRAINT pk_feature PRIMARY KEY (id), \n"
        '\tCONSTRAINT uq_feature_key UNIQUE ("key")\n'
        ")"
    ),
    (
        "CREATE TABLE advocacy (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\tkind VARCHAR(16) NOT NULL, \n"
        "\thappened_on DATE NOT NULL, \n"
        "\tnote TEXT NOT NULL, \n"
        "\tCONSTRAINT pk_advocacy PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_advocacy_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE\n"
        ")"
    ),
    (
        "CREATE TABLE renewal (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\trenewal_on DATE NOT NULL, \n"
        "\toutcome VARCHAR(8) NOT NULL, \n"
        "\tarr_before FLOAT, \n"
        "\tarr_after FLOAT, \n"
        "\tCONSTRAINT pk_renewal PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_renewal_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT uq_renewal_account_id_renewal_on UNIQUE (account_id, renewal_on)\n"
        ")"
    ),
    (
        "CREATE TABLE account_ask (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\tkind VARCHAR(8) NOT NULL, \n"
        "\ttext TEXT NOT NULL, \n"
        "\towner VARCHAR NOT NULL, \n"
        "\tdue_on DATE, \n"
        "\tmilestone_id INTEGER, \n"
        "\tcreated_on DATE, \n"
        "\tresolved_on DATE, \n"
        "\tCONSTRAINT pk_account_ask PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_account_ask_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_account_ask_milestone_id_account_milestone FOREIGN KEY(milestone_id) REFERENCES account_milestone (id) ON DELETE SET NULL\n"
        ")"
    ),
    (
        "CREATE TABLE feedback (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\tgiven_on DATE NOT NULL, \n"
        "\tcontact_id INTEGER, \n"
        "\tmilestone_id INTEGER, \n"
        "\tsentiment VARCHAR(8) NOT NULL, \n"
        "\ttext TEXT NOT NULL, \n"
        "\tquotable BOOLEAN NOT NULL, \n"
        "\tCONSTRAINT pk_feedback PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_feedback_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_feedback_contact_id_contact FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE SET NULL, \n"
        "\tCONSTRAINT fk_feedback_milestone_id_account_milestone FOREIGN KEY(milestone_id) REFERENCES account_milestone (id) ON DELETE SET NULL\n"
        ")"
    ),
    (
        "CREATE TABLE account_event (\n"
        "\tid INTEGER NOT NULL, \n"
        "\taccount_id INTEGER NOT NULL, \n"
        "\thappened_on DATE NOT NULL, \n"
        "\trecorded_at DATETIME NOT NULL, \n"
        "\tkind VARCHAR(16) NOT NULL, \n"
        "\ttext TEXT NOT NULL, changed_by VARCHAR, \n"
        "\tCONSTRAINT pk_account_event PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_account_event_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE\n"
        ")"
    ),
    (
        "CREATE TABLE usage_feature (\n"
        "\tid INTEGER NOT NULL, \n"
        '\t"key" VARCHAR NOT NULL, \n'
        "\tCONSTRAINT pk_usage_feature PRIMARY KEY (id), \n"
        '\tCONSTRAINT uq_usage_feature_key UNIQUE ("key")\n'
        ")"
    ),
    (
        'CREATE TABLE "usage_event" (\n'
        "\taccount_id INTEGER NOT NULL, \n"
        "\tday INTEGER NOT NULL, \n"
        "\tfeature_id INTEGER NOT NULL, \n"
        "\tcount INTEGER NOT NULL, \n"
        "\tactive_users INTEGER, \n"
        "\tCONSTRAINT pk_usage_event PRIMARY KEY (account_id, day, feature_id), \n"
        "\tCONSTRAINT fk_usage_event_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, \n"
        "\tCONSTRAINT fk_usage_event_feature_id_usage_feature FOREIGN KEY(feature_id) REFERENCES usage_feature (id)\n"
        ")\n"
        " WITHOUT ROWID\n"
        "\n"
    ),
    (
        "CREATE TABLE team_member (\n"
        "\trole VARCHAR NOT NULL, \n"
        "\tname VARCHAR NOT NULL, \n"
        "\tCONSTRAINT pk_team_member PRIMARY KEY (role)\n"
        ")"
    ),
    (
        "CREATE INDEX ix_account_milestone_account_position ON account_milestone (account_id, position)"
    ),
    ("CREATE INDEX ix_contact_account_id ON contact (account_id)"),
    ("CREATE INDEX ix_measurement_metric_id ON measurement (metric_id)"),
    ("CREATE INDEX ix_status_change_milestone_id ON status_change (milestone_id)"),
    ("CREATE INDEX ix_touchpoint_account_id ON touchpoint (account_id)"),
    ("CREATE INDEX ix_advocacy_account_id ON advocacy (account_id)"),
    ("CREATE INDEX ix_account_ask_account_id ON account_ask (account_id)"),
    ("CREATE INDEX ix_feedback_account_id ON feedback (account_id)"),
    ("CREATE INDEX ix_account_event_account_id ON account_event (account_id)"),
    (
        "CREATE INDEX ix_account_milestone_success_feature ON account_milestone (success_feature) WHERE success_feature IS NOT NULL"
    ),
)

# (table, columns, rows) of every table the migrations fill
ROWS: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...] = (
    (
        "alembic_version",
        ("version_num",),
        (("0010",),),
    ),
    (
        "role",
        ("id", "name", "emphasis", "position"),
        (
            (1, "Administrator", "Governance and integration readiness", 1),
            (2, "Power user", "Automation and advanced configuration", 2),
            (3, "Operator", "Reliability and operational dashboards", 3),
        ),
    ),
)
