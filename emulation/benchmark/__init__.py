"""The benchmark behind `manage.py benchmark` (DESIGN.md §9): generated province- and
country-scale data, pages timed over real HTTP against gunicorn, queries per page, the covenant
PDF, and storms: concurrent signing, voting and self-assessment.

Like the root URL map, this is project-level tooling: it may import every app. Pages and
scenarios are listed by name (`pages.PAGES`, `scenarios.SCENARIOS`); an app that lands later
adds its pages and storms there, and its rows to `data.Generator`.

- `data`: the scales, the generator (bulk inserts) and `Cast`, the objects the pages use.
- `server`: collectstatic once, gunicorn as a subprocess on a free port.
- `load`: sessions made server-side, timed requests from concurrent clients, percentiles.
- `pages`: the pages by name, timed over HTTP; queries per page counted in-process.
- `scenarios`: the signing and voting storms and the self-assessment deadline rush.
- `report`: the readable tables, the JSON and the targets.
"""
