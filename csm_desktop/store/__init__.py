"""Storage: typed models, engine set-up, migrations, queries and backups. No Qt here."""
