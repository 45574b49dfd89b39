"""Image search sources for `kerasgan download`: they only *find* image URLs; kerasgan.ingest.download fetches.

Every source runs in the ingestion environment (.venv-ingest). The two web sources load a results
page in headless Chromium through selenium and a chromedriver that is given or found on PATH
(never downloaded: neither Selenium Manager nor webdriver-manager is ever invoked).

What a results page must contain for each source (this is the contract a local search server,
such as the one in tests/search_server.py or the demo's, has to serve at SEARCH_URL):

``google`` (default)
    The page is loaded and scrolled in Chromium, then its final HTML (``driver.page_source``) is
    handed to google_images_download 3.0.1's own parser (``_get_next_item``/``format_object``),
    exactly as that tool parses Google's page. That parser finds, anywhere in the HTML, a string
    of the form ``["https://HOST/PATH.jpg...`` (an opening bracket, a double quote, the URL) or
    ``"ou":"https://HOST/PATH.jpg..."``; the URL must start with ``https://`` and contain one of
    ``.jpg .jpeg .png .webp .gif`` (lower case), and ends at the next double quote. Plain ``http://``
    URLs are *not* found by it. So a local page serves its image URLs over HTTPS, e.g.::

        <script>var results = [["https://127.0.0.1:8443/img/pikachu-1.png", 256, 256],
                               ["https://127.0.0.1:8443/img/pikachu-2.jpg?w=300", 300, 200]];</script>

    and `kerasgan download` is told to trust the server's certificate with ``--ca-bundle``
    (``CA_BUNDLE=`` in make). JSON escapes in the URL (``\\u003d``, ``\\u0026``, ``\\/``), as
    Google writes them, are decoded before fetching.

``bing``
    The page is loaded and scrolled in Chromium; every element matching ``a.iusc`` contributes
    the ``murl`` field of the JSON object in its ``m`` attribute, as on Bing's results page::

        <a class="iusc" href="#" m='{"murl": "http://127.0.0.1:8000/img/1.png", "turl": "..."}'>
          <img src="/thumb/1.png"></a>

    Any http(s) URL is accepted (no extension needed). A "see more" link ``a.btn_seemore`` is
    clicked if present.

``urls``
    No browser: a text file with one http(s) URL per line (blank lines and ``#`` comments are
    ignored). All go to the keyword named after the file (``urls.txt`` -> ``downloads/urls/``).

``SEARCH_URL`` is a template with ``{query}`` (the URL-quoted keyword), e.g.
``http://127.0.0.1:8000/search?q={query}``; without it the real Google / Bing pages are used.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import quote

SOURCES = ("google", "bing", "urls")

# The page google_images_download 3.0.1 builds for a keyword (its build_search_url), and Bing's.
DEFAULT_SEARCH_URLS = {
    "google": "https://www.google.com/search?q={query}&espv=2&biw=1366&bih=667&site=webhp"
              "&source=lnms&tbm=isch&sa=X&ei=XosDVaCXD8TasATItgE&ved=0CAcQ_AUoAg",
    "bing": "https://www.bing.com/images/search?q={query}&form=HDRSC2&first=1",
}

# What Chromium needs here. --disable-quic keeps it on plain TCP (loopback tests, proxies).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  "--disable-dev-shm-usage", "--window-size=1024,768")

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class SearchError(Exception):
    """A results page could not be obtained (no chromedriver, browser failed, page failed)."""


def search_url(template, keyword):
    if "{query}" not in template:
        raise SearchError("SEARCH_URL must contain {query}: %r" % template)
    return template.replace("{query}", quote(keyword, safe=""))


def find_chromedriver(given=None):
    """The chromedriver to use: the given path, else `chromedriver` on PATH. Never downloads one."""
    if given:
        path = shutil.which(given) if os.sep not in given else given
        if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
            raise SearchError("CHROMEDRIVER=%s is not an executable file" % given)
        return os.path.abspath(path)
    path = shutil.which("chromedriver")
    if not path:
        raise SearchError("no chromedriver on PATH: install Debian's chromium and chromium-driver "
                          "(apt-get install chromium chromium-driver) or give CHROMEDRIVER=/path/to/chromedriver; "
                          "kerasgan never downloads a driver")
    return path


def find_browser(given=None):
    if given:
        return given
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None  # let chromedriver use its own default


@contextmanager
def chromium(chromedriver=None, browser=None, page_timeout=60):
    """Headless Chromium with a fresh, temporary profile (removed afterwards)."""
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    driver_path = find_chromedriver(chromedriver)
    profile = tempfile.mkdtemp(prefix="kerasgan-chromium-")
    options = Options()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=" + profile)
    binary = find_browser(browser)
    if binary:
        options.binary_location = binary
    service = Service(executable_path=driver_path, log_output=subprocess.DEVNULL)
    try:
        try:
            driver = webdriver.Chrome(service=service, options=options)
        except WebDriverException as error:
            raise SearchError("could not start Chromium through %s: %s" % (driver_path, error.msg or error))
        try:
            driver.set_page_load_timeout(page_timeout)
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _load(driver, url):
    from selenium.common.exceptions import WebDriverException
    try:
        driver.get(url)
    except WebDriverException as error:
        raise SearchError("could not load %s: %s" % (url, (error.msg or str(error)).splitlines()[0]))


def _scroll(driver, scrolls, pause, more_selector):
    """Scroll to the bottom until the page stops growing (at most `scrolls` times), clicking a
    "more results" control once if there is one, as google_images_download does."""
    from selenium.webdriver.common.by import By
    clicked = False
    last = None
    for _ in range(max(0, scrolls)):
        height = driver.execute_script(
            "window.scrollTo(0, document.body ? document.body.scrollHeight : 0);"
            "return document.body ? document.body.scrollHeight : 0;")
        if height == last:
            if clicked:
                break
            buttons = [b for b in driver.find_elements(By.CSS_SELECTOR, more_selector) if b.is_displayed()]
            if not buttons:
                break
            buttons[0].click()
            clicked = True
        last = height
        time.sleep(pause)


_JSON_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|/)")


def _unescape(url):
    return _JSON_ESCAPE.sub(lambda m: "/" if m.group(1) == "/" else chr(int(m.group(1)[1:], 16)), url)


def google_urls_from_html(html):
    """Image URLs in a results page, found by google_images_download 3.0.1's own parser."""
    from google_images_download.google_images_download import googleimagesdownload
    parser = googleimagesdownload()
    found, seen = [], set()
    page = html
    while True:
        item, end = parser._get_next_item(page)
        if item == "no_links":
            break
        page = page[end:]
        if not item:
            continue
        url = _unescape(parser.format_object(item)["image_link"])
        if url and url not in seen:
            seen.add(url)
            found.append(url)
    return found


BING_SCRIPT = """
return Array.from(document.querySelectorAll('a.iusc')).map(function (a) { return a.getAttribute('m'); });
"""


def bing_urls_from_m(values):
    found, seen = [], set()
    for value in values:
        try:
            url = json.loads(value or "").get("murl")
        except (ValueError, AttributeError):
            continue
        if isinstance(url, str) and url.startswith(("http://", "https://")) and url not in seen:
            seen.add(url)
            found.append(url)
    return found


class BrowserSearch:
    """One browser for all keywords of a run (started lazily, closed by close())."""

    def __init__(self, source, template=None, chromedriver=None, browser=None, scrolls=10, pause=0.5,
                 page_timeout=60):
        self.source = source
        self.template = template or DEFAULT_SEARCH_URLS[source]
        self.chromedriver, self.browser = chromedriver, browser
        self.scrolls, self.pause, self.page_timeout = scrolls, pause, page_timeout
        self._context = None
        self._driver = None

    def _get_driver(self):
        if self._driver is None:
            self._context = chromium(self.chromedriver, self.browser, self.page_timeout)
            self._driver = self._context.__enter__()
        return self._driver

    def urls(self, keyword):
        driver = self._get_driver()
        url = search_url(self.template, keyword)
        _load(driver, url)
        if self.source == "google":
            _scroll(driver, self.scrolls, self.pause, "input[value='Show more results']")
            return google_urls_from_html(driver.page_source)
        _scroll(driver, self.scrolls, self.pause, "a.btn_seemore")
        return bing_urls_from_m(driver.execute_script(BING_SCRIPT) or [])

    def close(self):
        if self._context is not None:
            self._context.__exit__(None, None, None)
            self._context = self._driver = None


def urls_from_file(path):
    found, seen = [], set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line not in seen:
                seen.add(line)
                found.append(line)
    return found
