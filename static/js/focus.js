// Keeps the keyboard focus where the person was when htmx replaces the part of the page they were in (a vote, an
// agenda move, a follow-up marked done). htmx itself gives the focus back to an element with the same id; for the
// others this finds the control that does the same thing in the new content (same form action, name and value),
// else the same kind of control of the same form, else the replaced part itself, so that the next Tab goes on from
// there instead of from the top of the page.
(function () {
  "use strict";

  var CONTROLS = "button, input, select, textarea, a[href]";
  var remembered = null;

  function describe(element) {
    var form = element.form || element.closest("form");
    return {
      id: element.id || "",
      action: form ? form.getAttribute("action") || "" : "",
      tag: element.tagName,
      name: element.getAttribute("name") || "",
      value: element.getAttribute("value") || "",
      href: element.getAttribute("href") || "",
    };
  }

  function usable(element) {
    return element && !element.disabled && element.offsetParent !== null;
  }

  function find(root, key) {
    if (key.id) {
      var same = document.getElementById(key.id);
      if (usable(same)) return same;
    }
    var controls = Array.prototype.slice.call(root.querySelectorAll(CONTROLS)).filter(usable);
    var tests = [
      function (c) { var d = describe(c); return d.action === key.action && d.tag === key.tag && d.name === key.name && d.value === key.value && d.href === key.href; },
      function (c) { var d = describe(c); return key.action && d.action === key.action && d.tag === key.tag; },
    ];
    for (var i = 0; i < tests.length; i++) {
      var match = controls.filter(tests[i])[0];
      if (match) return match;
    }
    return null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail.target;
    remembered = null;
    if (active && active !== document.body && target && target.contains(active)) {
      remembered = { key: describe(active), targetId: target.id };
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var memory = remembered;
    remembered = null;
    if (!memory) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return; // htmx kept or gave it back
    var root = (memory.targetId && document.getElementById(memory.targetId)) || event.detail.elt;
    if (!root || !document.contains(root)) return;
    var element = find(root, memory.key);
    if (!element) {
      element = root;
      if (!element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");
    }
    element.focus();
  });
})();
