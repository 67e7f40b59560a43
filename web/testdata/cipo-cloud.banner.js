// Privet cookie banner. Served from the privacy engine; it makes no request
// elsewhere. Listen for the choice with
//   window.addEventListener("privet:consent", e => e.detail.choices)
// or run a tag only once its category is allowed with
//   window.privet.onConsent("analytics", () => loadTag())
(function () {
  "use strict";
  var cfg = {"service":"cipo-cloud","version":"0123456789abcdef","categories":[{"key":"analytics","label":"Analytics","description":"Measure how the site is used."},{"key":"preference","label":"Preferences","description":"Remember settings such as language."},{"key":"advertising","label":"Advertising","description":"Show ads based on your activity, here and on other sites."}]};
  var me = document.currentScript;
  var src = new URL(me ? me.src : location.href);
  var tenant = src.searchParams.get("tenant") || "";
  var endpoint = src.origin + "/v1/public/consents";
  var NAME = "privet_consent", YEAR = 31536000;
  var gpc = navigator.globalPrivacyControl === true;
  var waiting = {};
  var state = read();

  // The cookie holds the visitor's random id and its choices:
  // id:analytics=1&advertising=0
  function read() {
    var m = document.cookie.match(/(?:^|;\s*)privet_consent=([^;]*)/);
    var s = { id: "", choices: {} };
    if (m) {
      var v = decodeURIComponent(m[1]), i = v.indexOf(":");
      s.id = v.slice(0, i < 0 ? v.length : i);
      if (i >= 0) v.slice(i + 1).split("&").forEach(function (kv) {
        var p = kv.split("=");
        if (p.length === 2 && has(p[0])) s.choices[p[0]] = p[1] === "1";
      });
    }
    if (!/^[A-Za-z0-9_-]{16,128}$/.test(s.id)) s.id = newID();
    return s;
  }
  function newID() {
    var b = new Uint8Array(16), a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", s = "";
    crypto.getRandomValues(b);
    for (var i = 0; i < b.length; i++) s += a[b[i] & 63];
    return s + "v";
  }
  function has(k) {
    return cfg.categories.some(function (c) { return c.key === k; });
  }
  function write() {
    var parts = [];
    for (var k in state.choices) parts.push(k + "=" + (state.choices[k] ? 1 : 0));
    document.cookie = NAME + "=" + encodeURIComponent(state.id + ":" + parts.join("&")) +
      "; Max-Age=" + YEAR + "; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  }
  function pending() {
    return cfg.categories.filter(function (c) { return !(c.key in state.choices); });
  }
  function allowed(k) {
    return k === "essential" || k === "security" || state.choices[k] === true;
  }

  // decide keeps, records and announces a choice; GPC always wins for
  // advertising, whatever was clicked.
  function decide(choices) {
    if (gpc && has("advertising")) choices.advertising = false;
    for (var k in choices) state.choices[k] = choices[k];
    write();
    fetch(endpoint, {
      method: "POST", mode: "cors", credentials: "omit", keepalive: true,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ tenant: tenant, cookie_id: state.id, choices: choices, gpc: gpc })
    }).catch(function () {});
    for (var c in waiting) if (allowed(c)) {
      var fns = waiting[c];
      delete waiting[c];
      fns.forEach(function (fn) { fn(); });
    }
    window.dispatchEvent(new CustomEvent("privet:consent", { detail: { choices: copy(), gpc: gpc } }));
  }
  function copy() {
    var o = {};
    for (var k in state.choices) o[k] = state.choices[k];
    return o;
  }
  function all(v) {
    var o = {};
    cfg.categories.forEach(function (c) { o[c.key] = v; });
    return o;
  }

  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text) e.textContent = text;
    return e;
  }
  var BTN = "font:inherit;font-size:15px;padding:8px 16px;margin:4px 8px 0 0;border:2px solid #222;border-radius:4px;background:#fff;color:#222;cursor:pointer";
  var box;
  function show() {
    if (box || !document.body) return;
    box = el("div", "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;background:#fff;color:#222;border-top:2px solid #222;padding:16px;font:15px/1.4 system-ui,sans-serif");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Cookie choices");
    box.id = "privet-banner";
    box.appendChild(el("p", "margin:0 0 8px", (cfg.service || "This site") +
      " uses essential cookies to work. May it also use the cookies below? You can change your mind at any time."));
    var boxes = el("div", "display:none;margin:8px 0");
    cfg.categories.forEach(function (c) {
      var l = el("label", "display:block;margin:4px 0"), cb = el("input");
      cb.type = "checkbox";
      cb.name = c.key;
      cb.checked = state.choices[c.key] === true;
      if (gpc && c.key === "advertising") cb.disabled = true;
      l.appendChild(cb);
      l.appendChild(document.createTextNode(" " + c.label + ": " + c.description));
      boxes.appendChild(l);
    });
    box.appendChild(boxes);
    function button(id, label, fn) {
      var b = el("button", BTN, label);
      b.type = "button";
      b.id = id;
      b.addEventListener("click", fn);
      box.appendChild(b);
      return b;
    }
    button("privet-accept", "Accept all", function () { close(all(true)); });
    button("privet-reject", "Reject all", function () { close(all(false)); });
    var choose = button("privet-choose", "Choose", function () {
      if (boxes.style.display === "none") {
        boxes.style.display = "block";
        choose.textContent = "Save choices";
        return;
      }
      var o = {};
      boxes.querySelectorAll("input").forEach(function (cb) { o[cb.name] = cb.checked; });
      close(o);
    });
    document.body.appendChild(box);
  }
  function close(choices) {
    if (box) box.remove();
    box = null;
    decide(choices);
  }

  window.privet = {
    version: cfg.version,
    choices: copy,
    allowed: allowed,
    onConsent: function (k, fn) {
      if (allowed(k)) fn();
      else (waiting[k] = waiting[k] || []).push(fn);
    },
    open: show
  };

  // A GPC signal refuses advertising without asking; the rest is asked.
  if (gpc && has("advertising") && state.choices.advertising !== false) decide({ advertising: false });
  if (pending().length > 0) {
    if (document.body) show();
    else document.addEventListener("DOMContentLoaded", show);
  }
})();
