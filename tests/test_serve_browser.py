"""The web interview in a real headless browser (chromium + chromedriver via selenium): two people
answer with mouse and keyboard as they would, through to their verdict pages; the pages run with
the server's Content-Security-Policy and raise no browser console error. Skips (with the reason and
how to install a browser) when none is installed."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install -e '.[serve,test]'")

from screener.rulebook import load_rulebook
from screener.web.app import create_app

HERE = Path(__file__).parent
REAL = HERE.parent / "rules"
PERSONAS = HERE / "fixtures" / "personas"
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app under uvicorn on a free loopback port, in a thread of this process."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(load_rulebook(REAL), as_of=AS_OF, access_log_enabled=False)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(300):
        if instance.started:
            break
        time.sleep(0.02)
    assert instance.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def person(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((PERSONAS / f"{name}.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def submit(browser: Any, button: Any) -> None:
    """Click a submit button (or press Enter in a field) and wait for the next page: a loaded machine
    may still show the old page when the next lookup runs."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    if callable(button):
        button()
    else:
        button.click()

    def left(_: Any) -> bool:
        """The old page is gone. Mid-navigation chromium may say so as an inspector error instead of a
        stale element (seen on a loaded machine), which selenium's staleness_of does not catch."""
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    WebDriverWait(browser, 30).until(left)


def answer_in_browser(browser: Any, server: str, answers: dict[str, Any]) -> list[str]:
    """Go through the interview as a person would: click the choice (or type and press Enter), click
    "I don't know" for what they do not know, and "No, show my result" when offered other routes."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/")
    asked: list[str] = []
    while True:
        if browser.find_elements(By.CSS_SELECTOR, 'button[value="goal_only"]'):
            submit(browser, browser.find_element(By.CSS_SELECTOR, 'button[value="goal_only"]'))
            continue
        current = browser.find_elements(By.CSS_SELECTOR, 'input[name="q"]')
        if not current:
            return asked
        question = current[0].get_attribute("value")
        asked.append(question)
        assert len(asked) < 40, asked
        value = answers.get(question)
        if value is None:
            submit(browser, browser.find_element(By.CSS_SELECTOR, 'button[value="skip"]'))
            continue
        text = {True: "yes", False: "no"}.get(value, str(value))
        radios = browser.find_elements(By.CSS_SELECTOR, 'input[type="radio"][name="answer"]')
        if radios:
            radio = next(r for r in radios if r.get_attribute("value") == text)
            label = browser.find_element(By.CSS_SELECTOR, f'label[for="{radio.get_attribute("id")}"]')
            label.click()  # the label is the target, as a person clicks the words
            assert radio.is_selected()
            submit(browser, browser.find_element(By.CSS_SELECTOR, 'button[value="next"]'))
        else:
            field = browser.find_element(By.ID, "answer")
            field.clear()
            submit(browser, lambda field=field, text=text: field.send_keys(text, Keys.ENTER))  # Enter: Continue


@pytest.mark.parametrize(("name", "headline"), [
    ("barista_working_year", "Open to you: International Experience Canada"),
    ("married_to_canadian", "Open to you: Sponsorship by your Canadian spouse or partner"),
])
def test_a_person_reaches_their_verdict_page(browser: Any, server: str, name: str, headline: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get_log("browser")  # start with an empty console
    asked = answer_in_browser(browser, server, person(name))
    assert asked[0] == "goal" and len(asked) <= 12
    assert browser.title == "Your screening"
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(headline)
    details = browser.find_element(By.CSS_SELECTOR, "details:last-of-type")
    assert not details.find_element(By.TAG_NAME, "table").is_displayed()  # the first screen first
    details.find_element(By.TAG_NAME, "summary").click()
    assert details.find_element(By.TAG_NAME, "table").is_displayed()  # then every route and why
    assert "All routes" in details.text
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []  # no CSP violation, no missing file


def test_back_and_a_bad_answer_in_the_browser(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/")
    browser.find_element(By.CSS_SELECTOR, 'label[for="c1"]').click()  # the goal: a choice
    submit(browser, browser.find_element(By.CSS_SELECTOR, 'button[value="next"]'))
    while browser.find_element(By.CSS_SELECTOR, 'input[name="q"]').get_attribute("value") != "age":
        submit(browser, browser.find_element(By.CSS_SELECTOR, 'button[value="skip"]'))
    field = browser.find_element(By.ID, "answer")
    assert browser.find_element(By.CSS_SELECTOR, 'label[for="answer"]').text  # the question is its label
    submit(browser, lambda: field.send_keys("two hundred", Keys.ENTER))
    error = browser.find_element(By.CSS_SELECTOR, '[role="alert"]')
    assert error.text.startswith("Sorry: expected a whole number")
    assert browser.find_element(By.ID, "answer").get_attribute("aria-invalid") == "true"
    progress = browser.find_element(By.CLASS_NAME, "progress").text
    submit(browser, browser.find_element(By.CSS_SELECTOR, 'button[value="back"]'))
    back_at = browser.find_element(By.CSS_SELECTOR, 'input[name="q"]').get_attribute("value")
    assert back_at != "age"
    assert progress  # the honest line was shown
