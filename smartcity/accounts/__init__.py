"""Accounts: who may do what through the API. Bearer tokens (``models.ApiToken``, issued in the admin site and stored
hashed), their authentication and the API's default permission. People management and sign-in protection come
here next."""
