"""Helpers for browser tests: hand a logged-in session to Chromium and watch for page errors."""

from __future__ import annotations


def session_cookie(client, user) -> str:  # type: ignore[no-untyped-def]
    """Log `user` in through the test client and return the session id for a browser to reuse.

    Call it before `browser_page` starts: once Playwright's event loop runs in this thread, database
    work here would open a second connection that PostgreSQL then refuses to drop with the test DB.
    """
    from django.conf import settings

    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def open_as(page, live_server, session_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Give the browser page that session and return a list that collects its script errors and
    failed requests (except the browser's own favicon probe) from now on."""
    from django.conf import settings

    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_id, "url": live_server.url}])
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return errors


PHONE = {"width": 390, "height": 844}
TAP_PX = 44  # the smallest comfortable touch target (Apple HIG; WCAG 2.5.5)

_LAYOUT_JS = """(selector) => {
  const W = window.innerWidth;
  const out = {scrollWidth: document.documentElement.scrollWidth, wide: [], action: null};
  // Content hidden in a side-scrolling box is content the reader cannot see: no table may be wider
  // than the screen, even inside a scroll container.
  for (const t of document.querySelectorAll('main table')) {
    const r = t.getBoundingClientRect();
    if (r.width > 0 && (r.right > W + 1 || r.left < -1)) { out.wide.push((t.id || t.className) + ' ' + Math.round(r.right)); }
  }
  const el = selector && document.querySelector(selector);
  if (el) {
    el.scrollIntoView({block: 'center'});
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    out.action = {left: r.left, right: r.right, width: r.width, height: r.height,
                  visible: s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0,
                  onTop: !!hit && (hit === el || el.contains(hit) || hit.contains(el))};
  }
  return out;
}"""


def phone_layout_problems(page, selector: str | None) -> list[str]:  # type: ignore[no-untyped-def]
    """What is wrong with the page on a phone: content wider than the viewport (the page itself or any table),
    and the main action (`selector`; None for a page that only reads) not visible, not on screen, covered,
    or smaller than a finger."""
    width = page.viewport_size["width"]
    found = page.evaluate(_LAYOUT_JS, selector)
    problems = []
    if found["scrollWidth"] > width:
        problems.append(f"页面宽 {found['scrollWidth']}px，超过屏幕 {width}px")
    problems += [f"表格超出屏幕：{w}" for w in found["wide"]]
    action = found["action"]
    if selector is None:
        return problems
    if action is None:
        problems.append(f"找不到主要操作 {selector}")
    elif not action["visible"] or not action["onTop"]:
        problems.append(f"主要操作 {selector} 不可见或被遮挡")
    else:
        if action["left"] < 0 or action["right"] > width + 0.5:
            problems.append(f"主要操作 {selector} 在屏幕外（{action['left']:.0f}–{action['right']:.0f}px）")
        if action["height"] < TAP_PX - 0.5 or action["width"] < TAP_PX - 0.5:
            problems.append(f"主要操作 {selector} 太小（{action['width']:.0f}×{action['height']:.0f}px）")
    return problems
