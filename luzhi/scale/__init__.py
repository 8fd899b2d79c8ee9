"""Synthetic province-scale data for load tests: `manage.py generate_scale` (see province.py).

Its own app because it writes every domain app's tables: core, which every app builds on,
must not know them.
"""
