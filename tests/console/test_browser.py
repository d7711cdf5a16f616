"""The console in a real headless browser (Debian's chromium, driven through chromedriver):
log in, read the status and a dead letter, replay it through its plan and confirmation.

The browser must be installed (``bin/ensure-browser``, which ``make test`` runs); without it
this test fails, saying so, rather than skipping. Each step's screenshot is kept in the test's
``tmp_path``; the groups page's is also kept in ``var/screenshots/`` (and, with
``WEIR_UPDATE_DOCS=1``, written to ``docs/console.png`` for the on-call guide).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from queues.dead import audit_log
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.console.conftest import TOKEN, DeadLetters
from tests.support.net import eventually, free_port
from tests.support.rabbit import RabbitProbe
from tests.support.servers import REPO, ServiceProcess

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
README_SCREENSHOT = REPO / "docs" / "console.png"
KEPT_SCREENSHOT = REPO / "var" / "screenshots" / "console-groups.png"


def keep_screenshot(taken: Path) -> None:
    """Keep the groups page's screenshot in ``var/screenshots/`` (ignored by git); with
    ``WEIR_UPDATE_DOCS=1`` it also replaces the README's, so test runs leave the tree clean."""
    KEPT_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(taken, KEPT_SCREENSHOT)
    if os.environ.get("WEIR_UPDATE_DOCS") == "1":
        shutil.copyfile(taken, README_SCREENSHOT)


# Headless, and nothing that reaches the network: the machine has no internet.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1360,860",
]

SCRIPT = "<script>alert('weir')</script>"


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(
            f"the console's browser test needs {' and '.join(missing)}: run bin/ensure-browser "
            "(or `sudo apt-get install chromium chromium-driver`)",
            pytrace=False,
        )
    # Selenium Manager looks drivers up online unless told the paths and to stay offline.
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def console_process(namespace: str, tmp_path: Path) -> Iterator[str]:
    """``python -m console`` as the Procfile runs it; its URL."""
    port = free_port()
    env = {"WEIR_NAMESPACE": namespace, "WEIR_CONSOLE_TOKEN": TOKEN, "WEIR_CONSOLE_PORT": str(port)}
    process = ServiceProcess(["-m", "console"], env, tmp_path / "console.log").start()
    url = f"http://127.0.0.1:{port}"
    eventually(lambda: _answers(f"{url}/healthz"), timeout=30, interval=0.2, what="the console to listen")
    yield url
    process.stop()


def test_on_call_logs_in_reads_a_dead_letter_and_replays_it_in_a_real_browser(
    browser: WebDriver,
    console_process: str,
    dead_letters: DeadLetters,
    rabbit: RabbitProbe,
    redis_client: redis.Redis,
    namespace: str,
    tmp_path: Path,
) -> None:
    # Given orders waiting in critical, and dead letters of two causes, one carrying markup
    dead_letters.waiting(Lane.CRITICAL, 2)
    broken = dead_letters.add(payload={"id": 1001, "note": SCRIPT, "line_items": [{"sku": "SKU-0099"}]})
    dead_letters.add()
    dead_letters.add(lane=Lane.BULK, error_class="ErpRejected", error_message="product 1234567 is archived")
    wait = WebDriverWait(browser, 30)

    # When on-call opens the console, they are asked to log in
    browser.get(console_process + "/")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.ID, "name").send_keys("on-call")
    browser.find_element(By.ID, "login").click()

    # Then the status page shows the lanes as RabbitMQ holds them
    ready = wait.until(expected_conditions.presence_of_element_located((By.ID, "critical-ready")))
    assert ready.text == "2"
    assert "dead letters growing" in browser.find_element(By.ID, "alerts").text
    browser.save_screenshot(str(tmp_path / "1-status.png"))

    # When they look at the dead letters by cause
    browser.find_element(By.LINK_TEXT, "Dead letters").click()
    groups = wait.until(expected_conditions.presence_of_element_located((By.ID, "groups")))
    assert "2 × UnknownSku: unknown SKU SKU-0099" in groups.text
    browser.save_screenshot(str(tmp_path / "2-groups.png"))
    keep_screenshot(tmp_path / "2-groups.png")

    # And open the broken order from its group
    browser.find_element(By.PARTIAL_LINK_TEXT, "unknown SKU SKU-0099").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "letters")))
    browser.find_element(By.LINK_TEXT, broken).click()
    message = wait.until(expected_conditions.presence_of_element_located((By.ID, "payload")))

    # Then they see the message, markup shown as text and never run
    assert SCRIPT in message.text
    assert "permanent" in browser.find_element(By.ID, "reason").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    browser.save_screenshot(str(tmp_path / "3-detail.png"))

    # When they plan its replay and confirm it with a reason
    browser.find_element(By.ID, "plan-replay").click()
    plan = wait.until(expected_conditions.presence_of_element_located((By.ID, "plan")))
    assert "Replay 1 dead letter(s)" in plan.text
    browser.save_screenshot(str(tmp_path / "4-plan.png"))
    browser.find_element(By.ID, "why").send_keys("SKU-0099 added to the catalogue")
    browser.find_element(By.ID, "confirm-button").click()

    # Then it is replayed through the replay lane, and the audit log says who and why
    outcome = wait.until(expected_conditions.presence_of_element_located((By.ID, "outcome")))
    assert "1 replayed." in outcome.text
    browser.save_screenshot(str(tmp_path / "5-outcome.png"))
    replayed = rabbit.messages(lane_queues(namespace, Lane.REPLAY).ready)
    assert [message["message_id"] for message in replayed] == [broken]
    [entry] = audit_log(redis_client, namespace).read()
    assert (entry.who, entry.why) == ("console:on-call@127.0.0.1", "SKU-0099 added to the catalogue")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def log_in(browser: WebDriver, url: str) -> None:
    browser.get(url + "/login")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.ID, "login").click()
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "alerts")))


def sideways(browser: WebDriver) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the window)."""
    overflow: int = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return overflow


def test_dead_letters_with_long_reasons_fit_a_1280_pixel_window(
    browser: WebDriver,
    console_process: str,
    dead_letters: DeadLetters,
    redis_client: redis.Redis,
    namespace: str,
    tmp_path: Path,
) -> None:
    # Given dead letters whose reasons run long, unbroken, as ERP answers and URLs do
    blob = "ErpRejected:" + "x" * 40 + '{"faultString":"' + "Sale.line.product" * 20 + '"}'
    url = "https://erp.example.com/" + "/".join(["model", "sale.sale", "create"] * 12) + "?context=" + "ab" * 60
    long = dead_letters.add(error_class="ErpRejected", error_message=blob, channel="marketplace-eu-" + "north" * 6)
    dead_letters.add(error_class="ErpTransientFailureAfterManyAttempts", error_message=url)
    dead_letters.add()
    why = "ticket:" + "0123456789" * 30
    audit_log(redis_client, namespace).append(who="cli", action="purge", count=1, selection={"ids": [long]}, why=why)
    browser.set_window_size(1280, 800)
    log_in(browser, console_process)

    # When on-call reads them in a 1280-pixel window, the pages do not scroll sideways
    for page in ("/letters", "/groups", "/replay?lane=critical", f"/letters/{long}", "/audit"):
        browser.get(console_process + page)
        WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
        assert browser.execute_script("return window.innerWidth") <= 1280
        browser.save_screenshot(str(tmp_path / f"wide{page.replace('/', '-').partition('?')[0]}.png"))
        assert sideways(browser) <= 0, page


def test_the_status_page_reloads_itself_with_fresh_figures(
    browser: WebDriver, console_process: str, dead_letters: DeadLetters
) -> None:
    # Given on-call reading the status page, with nothing waiting in critical
    log_in(browser, console_process)
    assert browser.find_element(By.ID, "critical-ready").text == "0"
    browser.execute_script("document.body.dataset.read = 'before'")

    # When an event arrives meanwhile
    dead_letters.waiting(Lane.CRITICAL, 1)

    # Then the page reloads on its own (every 10 s) and shows it, untouched
    WebDriverWait(browser, 30).until(
        lambda driver: (
            driver.execute_script("return document.body.dataset.read === undefined")
            and driver.find_element(By.ID, "critical-ready").text == "1"
        )
    )
