"""Dashboards: the ministry's national, province and regency dashboards, their charts, the home page's panels by
role and the public programme overview, with ``/api/v1/stats/``. Their figures are cached per data version
(``figures_cache``), which this app's signals move after every committed change."""
