"""A person's clicks through the pages, counted: a link followed, a box ticked or a button pressed
is one click; typing is not. A click is only possible on a link or button the current page
shows (by its visible text, or a link by its address), so a count cannot skip a page the person
would have to pass through."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from django.test import Client


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: (visible text, name, value) of each submit button
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    #: names of the unticked checkboxes, with the value they send once ticked
    boxes: dict[str, str] = field(default_factory=dict)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.forms: list[Form] = []
        self._link: tuple[str, list[str]] | None = None
        self._button: tuple[dict[str, str], list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._form: Form | None = None
        #: the open <select>: its name, its options' values, and the value selected
        self._select: tuple[str, list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self._link = (a["href"], [a.get("aria-label", "")])
        elif tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or "form" in a:
            return  # fields outside a form (or tied to another by id) are not sent by it
        elif tag == "button":
            self._button = (a, [])
        elif tag == "textarea":
            self._textarea = (a.get("name", ""), [])
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "submit":
                self._form.buttons.append((a.get("value", ""), a["name"], a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((a["name"], a.get("value", "on")))
                else:
                    self._form.boxes[a["name"]] = a.get("value", "on")
            elif kind != "file":
                self._form.fields.append((a["name"], a.get("value", "")))

    def handle_data(self, data: str) -> None:
        for open_tag in (self._link, self._button, self._textarea):
            if open_tag is not None:
                open_tag[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            href, text = self._link
            self.links.append((" ".join("".join(text).split()), href))
            self._link = None
        elif tag == "button" and self._button is not None and self._form is not None:
            a, text = self._button
            if a.get("type", "submit") == "submit":
                label = " ".join("".join(text).split())
                self._form.buttons.append((label, a.get("name", ""), a.get("value", "")))
            self._button = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            if name:
                self._form.fields.append((name, "".join(text)))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            # A browser sends the selected option, or the first one when none is.
            for value in selected or options[:1]:
                self._form.fields.append((name, value))
            self._select = None
        elif tag == "form":
            self._form = None


class Walker:
    """One person's way through the site, from `start` (not counted: use `visit` to count
    arriving there), with their clicks counted."""

    def __init__(self, client: Client, start: str) -> None:
        self.client = client
        self.clicks = 0
        self.steps: list[str] = []
        self._show(client.get(start, follow=True), start)

    def _show(self, response: Any, url: str) -> None:
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        chain = getattr(response, "redirect_chain", [])
        self.url = urljoin(url, chain[-1][0]) if chain else url
        self.html = response.content.decode()
        parser = _Parser()
        parser.feed(self.html)
        self.links, self.forms = parser.links, parser.forms

    def visit(self, address: str) -> None:
        """Come back to a page later (from the menu or a bookmark): one click."""
        self.clicks += 1
        self.steps.append(f"visit: {address}")
        self._show(self.client.get(address, follow=True), address)

    def click(self, text: str = "", *, href: str = "") -> None:
        """Follow the first link whose visible text contains `text` (or whose address is `href`)."""
        for label, target in self.links:
            if (href and target == href) or (text and not href and text in label):
                self.clicks += 1
                self.steps.append(f"link: {label or target}")
                address = urljoin(self.url, target)
                self._show(self.client.get(address, follow=True), address)
                return
        raise AssertionError(f"no link {text or href!r} on {self.url}")

    def submit(self, button: str, *, ticks: tuple[str, ...] = (), **typed: str) -> None:
        """Tick `ticks` (a click each), type `typed` (no click), press `button` (a click)."""
        for form in self.forms:
            for label, name, value in form.buttons:
                if button in label:
                    data: dict[str, list[str]] = {}
                    for key, current in form.fields:
                        data.setdefault(key, []).append(current)
                    for box in ticks:
                        data[box] = [form.boxes[box]]
                    self.clicks += len(ticks)
                    data.update({key: [text] for key, text in typed.items()})
                    if name:
                        data[name] = [value]
                    self.clicks += 1
                    self.steps.append(f"button: {label}")
                    address = urljoin(self.url, form.action or self.url)
                    self._show(self.client.post(address, data, follow=True), address)
                    return
        raise AssertionError(f"no button {button!r} on {self.url}")
