"""Development tooling: the clearly marked demo dataset that ``make run`` loads (``manage.py seed_demo``). No
production module imports it."""
