"""Internal helpers: devices, seeding and input validation."""
