"""Browser fixtures (Playwright on Debian's Chromium); written in the browser-test issue step."""
