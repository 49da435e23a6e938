"""Administration: users, roles, offices, positions and the audit log."""
