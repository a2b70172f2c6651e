"""Engine and session set-up, SQLite pragmas, Alembic migrations, backups."""
