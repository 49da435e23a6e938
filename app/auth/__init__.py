"""People and access: users, roles, offices, positions, login and password reset."""
