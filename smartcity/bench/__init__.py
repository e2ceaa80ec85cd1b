"""Development tooling: the national-scale data generator (``manage.py generate_scale_data``) and the benchmark
harness with its baselines and locust scenario (``manage.py bench``). No production module imports it."""
