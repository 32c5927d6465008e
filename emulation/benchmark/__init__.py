"""The benchmark behind `manage.py benchmark` (DESIGN.md §9): generated province- and
country-scale data, pages timed in-process against a trivial page and over real HTTP against
gunicorn, queries per page, issued PDFs, and storms (many people doing the same thing at once).

The kernel holds only the machinery. Each app contributes its share by registering it in its
AppConfig.ready(), in the apps' order (blocks, covenants, scoring, awards), as it registers its
demo seeder (emulation.demo), so the kernel never imports the apps above it:

- `register_data`: a `data.DataStep` that writes the app's rows and finds again the objects
  its pages and storms use;
- `register_pages`: `pages.Page`s, each as the person who would open it;
- `register_storms`: `scenarios.Storm`s;
- `register_pdf`: a `pdf.Pdf`, a document issued again and timed;
- `register_case`: a `cases.Case`, one piece of work done once at full size and timed.

The modules:

- `data`: the scales, the generator that runs the steps, and `Cast`, the objects the pages use.
- `server`: collectstatic once, gunicorn as a subprocess on a free port.
- `load`: sessions made server-side, timed requests from concurrent clients, percentiles.
- `pages`: the baseline page; queries and time per page, measured in-process.
- `scenarios`: what the storms share: posts over HTTP or in-process, and counting.
- `pdf`: issued PDFs timed.
- `cases`: timed cases (the spreadsheet import of a province).
- `report`: the readable tables, the JSON and the targets.
"""

from __future__ import annotations

from emulation.benchmark.cases import CASES, Case
from emulation.benchmark.data import STEPS, DataStep
from emulation.benchmark.pages import PAGES, Page
from emulation.benchmark.pdf import PDFS, Pdf
from emulation.benchmark.scenarios import STORMS, Storm


def register_data(step: type[DataStep]) -> None:
    if step not in STEPS:
        STEPS.append(step)


def register_pages(*pages: Page) -> None:
    for page in pages:
        if page.name not in {known.name for known in PAGES}:
            PAGES.append(page)


def register_storms(*storms: Storm) -> None:
    for storm in storms:
        if storm.name not in {known.name for known in STORMS}:
            STORMS.append(storm)


def register_pdf(pdf: Pdf) -> None:
    if pdf.name not in {known.name for known in PDFS}:
        PDFS.append(pdf)


def register_case(case: Case) -> None:
    if case.name not in {known.name for known in CASES}:
        CASES.append(case)
