"""The CX lead's web app: server-rendered pages (Jinja2 + htmx, inline SVG charts) at ``/``.

Sessions are signed cookies, every form carries a CSRF token, and every asset is served by the app itself
(``/assets``), so the app works on a machine with no internet access.
"""
