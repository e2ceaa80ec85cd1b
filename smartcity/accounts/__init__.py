"""Accounts: who may do what. Bearer tokens for the API (``models.ApiToken``, issued in the admin site and stored
hashed), their authentication and the API's default permission; and people management for ministry admins:
invitations (one-time links, stored hashed), roles, officers' regencies with their history, deactivation, and the
security log (``services``, ``people``, the pages under ``/people/``). Sign-in protection comes here next."""
