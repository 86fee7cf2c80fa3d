// cbsim console: the control API of `cbsim serve` in a page. Plain script,
// no build step, no external URL (CSP default-src 'self'). Every value from
// the API goes into the page as text (textContent), never as HTML.
"use strict";

(() => {
  const TOKEN_KEY = "cbsim.token"; // sessionStorage: kept in this tab only
  const MAX_ROWS = 2000;           // journal rows kept in the page, newest first
  const EVENT_LABELS = {
    order_form_impression: "Order Form Impression",
    initial_purchase: "Initial Purchase",
    upsell_purchase: "Upsell Purchase",
  };

  const $ = (id) => document.getElementById(id);

  // el makes an element with text content and attributes; data never
  // passes through an HTML parser.
  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function say(id, text, isError) {
    const m = $(id);
    m.textContent = text;
    m.classList.toggle("error", !!isError);
  }

  function setConn(state, text) {
    const c = $("conn");
    c.dataset.state = state;
    c.textContent = text;
  }

  // ---- token -------------------------------------------------------------

  let tokenWaiters = [];

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  }

  // askToken shows the token box; the API answered 401.
  function askToken() {
    sessionStorage.removeItem(TOKEN_KEY);
    const box = $("token-box");
    if (box.hidden) {
      box.hidden = false;
      $("token").value = "";
      $("token").focus();
    }
    setConn("token", "token needed");
  }

  // tokenGiven resolves when the user enters a token.
  function tokenGiven() {
    return new Promise((resolve) => tokenWaiters.push(resolve));
  }

  function withAuth(headers) {
    const t = token();
    if (t) headers.Authorization = "Bearer " + t;
    return headers;
  }

  // ---- API ---------------------------------------------------------------

  class APIError extends Error {
    constructor(status, message, param) {
      super(param ? message + " (" + param + ")" : message);
      this.status = status;
      this.param = param || "";
    }
  }

  // api calls the control API and returns its JSON answer; an error answer
  // throws an APIError with the API's message, a 401 also asks for the token.
  async function api(method, path, body) {
    const headers = withAuth({ Accept: "application/json" });
    const init = { method, headers, cache: "no-store", credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(path, init);
    if (resp.status === 401) {
      askToken();
      throw new APIError(401, "the control API wants its token: enter it above");
    }
    if (resp.status === 204) return null;
    let data = null;
    try {
      data = await resp.json();
    } catch (_) {
      data = null;
    }
    if (!resp.ok) {
      const msg = data && typeof data.error === "string" ? data.error : resp.status + " " + resp.statusText;
      throw new APIError(resp.status, msg, data && data.param);
    }
    return data;
  }

  // ---- journal -----------------------------------------------------------

  const rows = new Map(); // journal number → its <tr>
  let lastEventId = "";   // of the stream, sent back as Last-Event-ID when reconnecting

  // outcome sorts a delivery for the status filter: delivered (a 2xx),
  // skipped (not sent by a rule of the integration), or failed (sent, or
  // meant to be, and not delivered).
  function outcome(rec) {
    if (rec.delivered) return "delivered";
    if (rec.skipped && !rec.skipped.startsWith("not sent")) return "skipped";
    return "failed";
  }

  function shownTime(at) {
    if (typeof at !== "string" || at === "") return "";
    return at.replace("T", " ").replace(/\.\d+/, "").replace(/Z$/, " UTC");
  }

  function addDelivery(rec) {
    if (rec === null || typeof rec !== "object" || rec.n === undefined || rec.n === null) return;
    const n = Number(rec.n);
    const state = outcome(rec);
    const tr = el("tr", null, { "data-n": n, "data-event": rec.event || "", "data-status": state });
    tr.className = state;

    tr.append(el("td", n, { class: "num" }));
    tr.append(el("td", shownTime(rec.at), { title: rec.at || "" }));

    const ev = el("td");
    ev.append(el("span", EVENT_LABELS[rec.event] || rec.event || ""));
    if (rec.test_fire) ev.append(el("span", "test", { class: "tag" }));
    const replayOf = rec.replay_of;
    if (replayOf !== undefined && replayOf !== null) {
      ev.append(el("br"), el("span", "replay of #" + replayOf, { class: "replay-of" }));
    }
    tr.append(ev);

    tr.append(el("td", rec.integration || ""));
    tr.append(el("td", rec.role || ""));
    const url = el("td", null, { class: "url", title: rec.url || "" });
    url.append(el("code", rec.url || ""));
    tr.append(url);

    let status = rec.status ? String(rec.status) : state === "skipped" ? "skipped" : "error";
    const why = rec.error || rec.skipped || "";
    tr.append(el("td", status, { class: "status num", title: why }));
    tr.append(el("td", typeof rec.latency_ms === "number" ? rec.latency_ms.toFixed(1) + " ms" : "", { class: "num" }));
    tr.append(el("td", rec.attempts === undefined ? "" : rec.attempts, { class: "num" }));

    const act = el("td", null, { class: "act" });
    if (state === "failed") {
      act.append(el("button", "Replay", { type: "button", class: "replay", "data-n": n, title: "send this postback again" }));
    }
    tr.append(act);

    const tbody = $("journal").tBodies[0];
    const old = rows.get(n);
    if (old) {
      old.replaceWith(tr);
    } else {
      // newest first: before the first row with a smaller number
      let before = null;
      for (const r of tbody.rows) {
        if (Number(r.dataset.n) < n) {
          before = r;
          break;
        }
      }
      tbody.insertBefore(tr, before);
    }
    rows.set(n, tr);
    filterRow(tr);

    if (replayOf !== undefined && replayOf !== null) markReplayed(Number(replayOf), n);
    while (tbody.rows.length > MAX_ROWS) {
      const last = tbody.rows[tbody.rows.length - 1];
      rows.delete(Number(last.dataset.n));
      last.remove();
    }
  }

  // markReplayed notes on the original row which delivery replayed it.
  function markReplayed(orig, n) {
    const tr = rows.get(orig);
    if (!tr) return;
    const act = tr.querySelector("td.act");
    let mark = act.querySelector(".replayed");
    if (!mark) {
      mark = el("span", "", { class: "replay-of replayed" });
      act.append(" ", mark);
    }
    mark.textContent = "replayed as #" + n;
  }

  function clearJournal() {
    rows.clear();
    $("journal").tBodies[0].replaceChildren();
    $("notes").replaceChildren();
    $("notes-count").textContent = "0";
  }

  function addNote(text) {
    const li = el("li", text);
    $("notes").prepend(li);
    const notes = $("notes");
    while (notes.children.length > MAX_ROWS) notes.lastElementChild.remove();
    $("notes-count").textContent = String(notes.children.length);
  }

  function noteText(data) {
    try {
      const v = JSON.parse(data);
      if (typeof v === "string") return v;
      if (v && typeof v === "object") return v.text || v.Text || JSON.stringify(v);
      return String(v);
    } catch (_) {
      return data;
    }
  }

  // ---- filters -----------------------------------------------------------

  function filterRow(tr) {
    const ev = $("filter-event").value;
    const st = $("filter-status").value;
    tr.hidden = (ev !== "" && tr.dataset.event !== ev) || (st !== "" && tr.dataset.status !== st);
  }

  function filterAll() {
    for (const tr of rows.values()) filterRow(tr);
  }

  // ---- the journal stream ------------------------------------------------

  // readEvents reads a text/event-stream body and calls onEvent(type, data,
  // id) per event; it returns when the body ends.
  async function readEvents(body, onEvent) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    let type = "", data = [], id = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let nl;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        if (buf[nl] === "\r" && nl === buf.length - 1) break; // a CR that may be half of CRLF: wait
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (id !== null) lastEventId = id;
          if (type !== "" || data.length > 0) onEvent(type || "message", data.join("\n"), id);
          type = "";
          data = [];
          id = null;
          continue;
        }
        if (line.startsWith(":")) continue; // a comment: the heartbeat
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? "" : line.slice(colon + 1);
        if (val.startsWith(" ")) val = val.slice(1);
        if (field === "event") type = val;
        else if (field === "data") data.push(val);
        else if (field === "id" && !val.includes("\0")) id = val;
      }
    }
  }

  function onEvent(type, data, id) {
    switch (type) {
      case "delivery":
        try {
          addDelivery(JSON.parse(data));
        } catch (e) {
          say("journal-msg", "a delivery the page could not read: " + e.message, true);
        }
        break;
      case "note":
        addNote(noteText(data));
        break;
      case "reset": {
        // the journal was cleared (or the server restarted): its deliveries follow afresh
        clearJournal();
        say("journal-msg", "the journal was cleared");
        break;
      }
    }
  }

  // streamJournal follows GET /journal/stream for as long as the page
  // lives, reconnecting with Last-Event-ID when the stream ends.
  async function streamJournal() {
    let backoff = 500;
    for (;;) {
      try {
        const headers = withAuth({ Accept: "text/event-stream" });
        if (lastEventId !== "") headers["Last-Event-ID"] = lastEventId;
        const resp = await fetch("/journal/stream", { headers, cache: "no-store", credentials: "same-origin" });
        if (resp.status === 401) {
          askToken();
          await tokenGiven();
          continue;
        }
        if (resp.status === 400 && lastEventId !== "") {
          // an id this server does not take (an older cbsim's): read the journal afresh
          lastEventId = "";
          clearJournal();
          continue;
        }
        if (!resp.ok || !resp.body) throw new Error("journal stream: HTTP " + resp.status);
        setConn("live", "live");
        if ($("journal-msg").textContent.startsWith("journal stream:")) say("journal-msg", "");
        backoff = 500;
        await readEvents(resp.body, onEvent);
      } catch (e) {
        say("journal-msg", "journal stream: " + e.message, true);
      }
      setConn("reconnecting", "reconnecting…");
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 10000);
    }
  }

  async function replay(button) {
    const n = Number(button.dataset.n);
    button.disabled = true;
    say("journal-msg", "replaying #" + n + "…");
    try {
      const res = await api("POST", "/journal/replay", { n });
      const ds = (res && res.deliveries) || [];
      ds.forEach(addDelivery);
      const d = ds[0];
      say("journal-msg", d ? "replayed #" + n + " as #" + d.n + ": " + (d.status || outcome(d)) : "replayed #" + n);
    } catch (e) {
      say("journal-msg", "replay #" + n + ": " + e.message, true);
    } finally {
      button.disabled = false;
    }
  }

  // ---- fire --------------------------------------------------------------

  function fireBody(dryRun) {
    const b = { event: $("fire-event").value, role: $("fire-role").value };
    const url = $("fire-url").value.trim();
    const integration = $("fire-integration").value;
    if (url !== "") b.url = url;
    else if (integration !== "") b.integration = integration;
    for (const [id, key] of [["fire-affiliate", "affiliate"], ["fire-item", "item"], ["fire-tid", "tid"], ["fire-vtid", "vtid"]]) {
      const v = $(id).value.trim();
      if (v !== "") b[key] = v;
    }
    const seed = $("fire-seed").value.trim();
    if (seed !== "") {
      if (!/^\d+$/.test(seed) || !Number.isSafeInteger(Number(seed))) {
        throw new APIError(0, "seed: give a whole number from 0 to " + Number.MAX_SAFE_INTEGER + ", or leave it empty");
      }
      b.seed = Number(seed);
    }
    if ($("fire-test-card").checked) b.test_card = true;
    if ($("fire-test-fire").checked) b.test_fire = true;
    if (dryRun) b.dry_run = true;
    return b;
  }

  async function preview() {
    const out = $("preview-out");
    out.replaceChildren();
    say("fire-msg", "previewing…");
    try {
      const res = await api("POST", "/fire", fireBody(true));
      const ds = res.deliveries || [];
      for (const d of ds) {
        const li = el("li", null, { "data-integration": d.integration || "" });
        li.append(el("span", (d.integration || "") + " (" + (d.role || "") + ")", { class: "who" }));
        if (d.skipped) li.append(el("span", "not sent: " + d.skipped, { class: "msg" }));
        else li.append(el("code", d.url || "", { class: "url" }));
        out.append(li);
      }
      const notes = res.notes || [];
      say("fire-msg", "preview: " + ds.length + " postback" + (ds.length === 1 ? "" : "s") + ", nothing sent" +
        (notes.length ? "; notes: " + notes.join("; ") : ""));
    } catch (e) {
      say("fire-msg", e.message, true);
    }
  }

  async function fire() {
    say("fire-msg", "firing…");
    $("fire").disabled = true;
    try {
      const res = await api("POST", "/fire", fireBody(false));
      const ds = res.deliveries || [];
      ds.forEach(addDelivery);
      const parts = ds.map((d) => (d.integration || "") + ": " + (d.skipped ? "skipped" : d.status || "error"));
      say("fire-msg", "fired " + ds.length + " postback" + (ds.length === 1 ? "" : "s") + (parts.length ? " — " + parts.join(", ") : ""));
    } catch (e) {
      say("fire-msg", e.message, true);
    } finally {
      $("fire").disabled = false;
    }
  }

  // ---- integrations ------------------------------------------------------

  function renderIntegrations(list) {
    const tbody = $("integrations").tBodies[0];
    tbody.replaceChildren();
    const sel = $("fire-integration");
    const chosen = sel.value;
    while (sel.options.length > 1) sel.remove(1);
    for (const in_ of list || []) {
      const tr = el("tr", null, { "data-name": in_.name });
      tr.append(el("td", in_.name), el("td", in_.role), el("td", in_.account || ""));
      const evs = el("td", null, { class: "events" });
      for (const ev of in_.events || []) evs.append(el("div", ev));
      tr.append(evs);
      const urls = el("td", null, { class: "url" });
      if (in_.per_event && in_.urls) {
        for (const [ev, u] of Object.entries(in_.urls)) {
          const line = el("div");
          line.append(el("span", ev + ": ", { class: "replay-of" }), el("code", u));
          urls.append(line);
        }
      } else {
        urls.append(el("code", in_.url || ""));
      }
      tr.append(urls);
      const td = el("td");
      const box = el("input", null, { type: "checkbox", class: "active-toggle", "data-name": in_.name, "aria-label": "active: " + in_.name });
      box.checked = !!in_.active;
      td.append(box);
      tr.append(td);
      tbody.append(tr);

      const opt = el("option", in_.name + " (" + in_.role + (in_.active ? "" : ", inactive") + ")", { value: in_.name });
      sel.append(opt);
    }
    if ([...sel.options].some((o) => o.value === chosen)) sel.value = chosen;
  }

  async function loadIntegrations() {
    try {
      renderIntegrations(await api("GET", "/integrations"));
      say("integrations-msg", "");
    } catch (e) {
      say("integrations-msg", e.message, true);
    }
  }

  async function toggleActive(box) {
    const name = box.dataset.name;
    const want = box.checked;
    box.disabled = true;
    try {
      renderIntegrations(await api("PATCH", "/integrations/" + encodeURIComponent(name), { active: want }));
      say("integrations-msg", name + (want ? " is active" : " is inactive"));
    } catch (e) {
      box.checked = !want;
      say("integrations-msg", name + ": " + e.message, true);
    } finally {
      box.disabled = false;
    }
  }

  // ---- clock -------------------------------------------------------------

  let clock = null; // {now: ms of the server's clock, at: ms of the page's when read, offset}

  function renderClock() {
    if (!clock) return;
    const now = new Date(clock.now + (Date.now() - clock.at));
    $("clock-now").textContent = isNaN(now) ? "–" : now.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    $("clock-offset").textContent = clock.offset;
  }

  function setClock(c) {
    if (!c || typeof c.now !== "string") return;
    clock = { now: Date.parse(c.now), at: Date.now(), offset: String(c.offset === undefined ? "" : c.offset) };
    renderClock();
  }

  async function loadClock() {
    try {
      setClock(await api("GET", "/clock"));
      say("clock-msg", "");
    } catch (e) {
      say("clock-msg", e.message, true);
    }
  }

  async function advanceClock() {
    const days = Number($("clock-days").value);
    if (!Number.isInteger(days) || days < 1 || days > 36500) {
      say("clock-msg", "days: give a whole number from 1 to 36500", true);
      return;
    }
    try {
      setClock(await api("POST", "/clock", { advance: days * 24 + "h" }));
      say("clock-msg", "advanced " + days + " day" + (days === 1 ? "" : "s"));
    } catch (e) {
      say("clock-msg", e.message, true);
    }
  }

  // ---- wiring ------------------------------------------------------------

  function loadViews() {
    loadIntegrations();
    loadClock();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("token-box").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const t = $("token").value.trim();
      if (t === "") return;
      sessionStorage.setItem(TOKEN_KEY, t);
      $("token").value = "";
      $("token-box").hidden = true;
      setConn("connecting", "connecting…");
      const waiters = tokenWaiters;
      tokenWaiters = [];
      waiters.forEach((resolve) => resolve());
      loadViews();
    });
    $("fire-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      fire();
    });
    $("preview").addEventListener("click", preview);
    $("fire-url").addEventListener("input", () => {
      $("fire-integration").disabled = $("fire-url").value.trim() !== "";
    });
    $("filter-event").addEventListener("change", filterAll);
    $("filter-status").addEventListener("change", filterAll);
    $("journal").tBodies[0].addEventListener("click", (ev) => {
      const b = ev.target.closest("button.replay");
      if (b) replay(b);
    });
    $("integrations").tBodies[0].addEventListener("change", (ev) => {
      if (ev.target.matches("input.active-toggle")) toggleActive(ev.target);
    });
    $("clock-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      advanceClock();
    });
    setInterval(renderClock, 1000);
    loadViews();
    streamJournal();
  });
})();
