"""Journey map: assembled from plain aggregates, rendered as json, csv, mermaid, theydo or html.

``build`` assembles the map (stages, layers, moments of truth); ``document`` is the json format and its
pydantic schema; ``renderers`` holds csv, mermaid and theydo plus ``render(jm, fmt)`` for any format;
``html`` is the self-contained page with its SVG emotion curve; ``catalog`` holds the words every export
writes, in English and French (the map's ``lang`` picks them).
"""
