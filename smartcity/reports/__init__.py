"""Progress reports: the models (one report per scope and period, its files, subscriptions), their periods and
figures (the SQL), the tables per language (``sections``), the files (CSV, XLSX, PDF), the requests (``services``),
the job's body (``jobs``) and its tasks, emails, pages and API."""
