"""Security headers, Content-Security-Policy, rate limits and trusted proxies (issue 8).

Everything here reads the environment only:

- LUZHI_SECURE_COOKIES=1: session and CSRF cookies only over HTTPS.
- LUZHI_HSTS_SECONDS (default 0 = off, since many intranet deployments are plain http),
  LUZHI_HSTS_INCLUDE_SUBDOMAINS, LUZHI_HSTS_PRELOAD, LUZHI_SSL_REDIRECT: turn on once the
  site is served over HTTPS.
- LUZHI_TRUSTED_PROXIES: comma-separated IPs or CIDRs of the reverse proxies (nginx) whose
  X-Forwarded-For is believed (see luzhi/core/clientip.py). Empty: REMOTE_ADDR is the client.
- LUZHI_TOKEN_RATE: requests per address to the token endpoint (default "10/min").
"""

import ipaddress
import os
from typing import Any

from csp.constants import NONE, SELF


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def trusted_proxies(raw: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Parse LUZHI_TRUSTED_PROXIES; a bad entry stops start-up with a clear message."""
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"LUZHI_TRUSTED_PROXIES: {item!r} is not an IP address or network") from exc
    return networks


# The one policy of every page. No inline script, no eval, no inline style: the templates keep
# scripts in static files, htmx is told not to inject its indicator <style>, ECharts draws on
# canvas (its tooltip in rich-text mode) and dynamic widths are set from data attributes by JS.
CSP_DIRECTIVES: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],  # Bootstrap's form controls draw their arrows and ticks as data: SVGs
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()"
)


def apply(base: dict[str, Any]) -> None:
    """Adjust the settings namespace `base` (settings.py's globals) in place."""
    base["CONTENT_SECURITY_POLICY"] = {"DIRECTIVES": CSP_DIRECTIVES}
    base["LUZHI_PERMISSIONS_POLICY"] = PERMISSIONS_POLICY

    secure_cookies = _env_bool("LUZHI_SECURE_COOKIES")
    base["SESSION_COOKIE_SECURE"] = secure_cookies
    base["CSRF_COOKIE_SECURE"] = secure_cookies
    base["SESSION_COOKIE_HTTPONLY"] = True
    base["SESSION_COOKIE_SAMESITE"] = "Lax"
    base["CSRF_COOKIE_SAMESITE"] = "Lax"

    base["SECURE_HSTS_SECONDS"] = int(os.environ.get("LUZHI_HSTS_SECONDS", "0"))
    base["SECURE_HSTS_INCLUDE_SUBDOMAINS"] = _env_bool("LUZHI_HSTS_INCLUDE_SUBDOMAINS")
    base["SECURE_HSTS_PRELOAD"] = _env_bool("LUZHI_HSTS_PRELOAD")
    base["SECURE_SSL_REDIRECT"] = _env_bool("LUZHI_SSL_REDIRECT")
    # HTTPS behind nginx: gunicorn takes X-Forwarded-Proto from 127.0.0.1 only (forwarded_allow_ips),
    # so Django needs no SECURE_PROXY_SSL_HEADER, which would believe the header from anyone.
    base["SECURE_CONTENT_TYPE_NOSNIFF"] = True
    base["SECURE_REFERRER_POLICY"] = "same-origin"
    base["SECURE_CROSS_ORIGIN_OPENER_POLICY"] = "same-origin"
    base["X_FRAME_OPTIONS"] = "DENY"

    base["LUZHI_TRUSTED_PROXIES"] = trusted_proxies(os.environ.get("LUZHI_TRUSTED_PROXIES", ""))
    # axes asks this for the address of a failed login; the same rule as the audit log.
    base["AXES_CLIENT_IP_CALLABLE"] = "luzhi.core.clientip.axes_client_ip"

    # Every log handler masks phone and ID numbers (luzhi/core/logging.py).
    logging_config = base.get("LOGGING")
    if logging_config is not None:
        logging_config.setdefault("filters", {})["personal_data"] = {"()": "luzhi.core.logging.PersonalDataFilter"}
        for handler in logging_config.get("handlers", {}).values():
            if "personal_data" not in handler.setdefault("filters", []):
                handler["filters"].append("personal_data")

    rest = base["REST_FRAMEWORK"]
    rest["DEFAULT_THROTTLE_RATES"] = {
        **rest.get("DEFAULT_THROTTLE_RATES", {}),
        "token": os.environ.get("LUZHI_TOKEN_RATE", "10/min"),
    }
