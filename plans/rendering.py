"""HTML and PDF of the plan: one template for the browser preview and for WeasyPrint.

WeasyPrint reads the stylesheet from disk through the static file fetcher: never over HTTP, never any other
file. WeasyPrint is imported on first render only (it parses its stylesheets at import: web processes that
never render should not pay for it).
"""
import logging
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from approvals.verification.services import qr_svg

from .charts import dimension_chart_svg

logger = logging.getLogger(__name__)

TEMPLATE = "plans/plan_document.html"
# Relative URLs in the template ("/static/css/plan.css") resolve against this, then reach the fetcher.
BASE_URL = "file:///"


@cache
def static_file_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFileFetcher(URLFetcher):
        """Serves /static/… from the static files on disk; refuses everything else (no HTTP, no other files)."""

        def __init__(self):
            # A missing stylesheet must fail the render, not print an unstyled official document.
            super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            mime_type = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})

    return StaticFileFetcher


def static_path(url: str) -> Path:
    """The file on disk behind a /static/ URL; ValueError for any other URL."""
    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if parts.scheme != "file" or not parts.path.startswith(prefix):
        raise ValueError(f"Only static files may be fetched while rendering a plan: {url}")
    relative = unquote(parts.path[len(prefix):])
    if ".." in Path(relative).parts:
        raise ValueError(f"Refused path: {url}")
    found = finders.find(relative)
    if found:
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    if candidate.is_file():
        return candidate
    raise FileNotFoundError(f"Static file not found: {relative}")


@dataclass(frozen=True)
class RenderedPlan:
    pdf: bytes
    pages: int


def plan_context(content: dict, *, number: int | None = None, generated_on: str = "", preview: bool = False,
                 content_key: str = "", back_url: str = "") -> dict:
    risk = content.get("risk")
    chart = ""
    if risk and risk["dimensions"]:
        chart = dimension_chart_svg([(d["label"], d["score"]) for d in risk["dimensions"]])
    lineup = content["lineup"]
    conditions_count = (len((content.get("permit") or {}).get("conditions", [])) + len(lineup["struck"])
                        + len(content["deferred_documents"]))
    verification_link = (content.get("permit") or {}).get("verification_url", "")
    return {
        "plan": content,
        "chart_svg": chart,
        "verification_qr_svg": qr_svg(verification_link) if verification_link else "",
        "site_plan_svg": site_plan_figure(content.get("site_plan")),
        "version_number": number,
        "generated_on": generated_on,
        "content_key_short": content_key[:12],
        "preview": preview,
        "back_url": back_url,
        "conditions_count": conditions_count,
    }


def site_plan_figure(site_plan: dict | None) -> str:
    """The site plan drawn as inline SVG (sharp at any zoom), its legend in the content's labels."""
    if not site_plan:
        return ""
    from dataclasses import replace

    from siteplan.layers import LAYERS
    from siteplan.svg import Style, site_plan_svg

    labels = site_plan.get("labels") or {}
    layers = {kind: replace(layer, label=labels.get(kind, str(layer.label))) for kind, layer in LAYERS.items()}
    return site_plan_svg(site_plan["features"], width_m=site_plan["width_m"], height_m=site_plan["height_m"],
                         layers=layers, capacities=site_plan.get("capacities") or {},
                         style=Style(texts=site_plan.get("texts") or {}),
                         background_href=background_data_uri(site_plan.get("background") or ""))


BACKGROUND_PRINT_PX = 1600  # the background's longer side in the printed figure (~220 dpi over 180 mm)


def background_data_uri(name: str) -> str:
    """The stored background `name` as a print-sized JPEG data: URI ("" when there is none or it cannot be
    read: the figure is then drawn without it, never the PDF refused)."""
    if not name:
        return ""
    import base64
    import io

    from django.core.files.storage import default_storage
    from PIL import Image

    try:
        with default_storage.open(name, "rb") as stored, Image.open(stored) as image:
            image.thumbnail((BACKGROUND_PRINT_PX, BACKGROUND_PRINT_PX))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
    except Exception:  # a missing or unreadable file: the drawing alone
        logger.warning("plan: site-plan background %r could not be read", name, exc_info=True)
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def plan_html(content: dict, **kwargs) -> str:
    return render_to_string(TEMPLATE, plan_context(content, **kwargs))


class PlanRenderError(Exception):
    """The plan could not be rendered (e.g. its stylesheet is missing): the task retries, then records it."""


def html_to_pdf(html: str) -> RenderedPlan:
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=static_file_fetcher_class()()).render()
    except FatalURLFetchingError as error:
        # A BaseException in WeasyPrint: it would escape Celery's error handling and stop the worker.
        raise PlanRenderError(f"{error} ({error.__cause__})") from error
    return RenderedPlan(pdf=document.write_pdf(), pages=len(document.pages))
