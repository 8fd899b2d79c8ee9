"""Settings sections kept in their own modules; luzhi/settings.py imports them last.

- security.py — security headers, Content-Security-Policy, rate limits, trusted proxies;
- services.py — Redis (cache, sessions) and Celery, all switched on by environment variables.

Each module reads only the environment and may extend the lists settings.py defined
(they are passed in as `base`).
"""
