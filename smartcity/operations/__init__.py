"""Running the portal in production: backup and restore, readiness, metrics and logs."""
