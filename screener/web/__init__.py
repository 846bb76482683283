"""`screener serve`: the screener behind a website (JSON API and a server-rendered web interview).

`screener.web.api` holds what the service answers, as pure functions over a rulebook (testable
without HTTP); `screener.web.pages` writes the HTML; `screener.web.app` is the ASGI application
(Starlette), with the limits and headers. The service keeps no state: answers travel with each
request (a JSON body, or hidden fields of the page), so nothing personal is stored or logged.
"""
