/* As-you-type suggestions of similar published answers (progressive enhancement: without
   JavaScript the "find similar answers" button does the same on the server). Builds the list
   with textContent only: nothing from the server is parsed as HTML. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  var box = document.getElementById("similar-answers");
  if (!form || !box || !window.fetch) { return; }
  var url = form.getAttribute("data-suggest-url");
  var subject = form.querySelector("[name=subject]");
  var body = form.querySelector("[name=body]");
  var timer = null;
  var last = "";

  function render(results) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var heading = document.createElement("h2");
    heading.textContent = box.getAttribute("data-heading");
    box.appendChild(heading);
    if (!results.length) {
      var none = document.createElement("p");
      none.textContent = box.getAttribute("data-empty");
      box.appendChild(none);
      return;
    }
    var list = document.createElement("ul");
    results.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title;
      a.target = "_blank";
      a.rel = "noopener";
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + item.department + " " + item.answered_on;
      li.appendChild(a);
      li.appendChild(meta);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function lookup() {
    var text = ((subject && subject.value) || "") + " " + ((body && body.value) || "");
    text = text.trim().slice(0, 300);
    if (text.length < 2 || text === last) { return; }
    last = text;
    fetch(url + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" }, credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (data.results) { render(data.results); } })
      .catch(function () { /* suggestions are a convenience; the form works without them */ });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(lookup, 400);
  }

  [subject, body].forEach(function (field) {
    if (field) { field.addEventListener("input", schedule); }
  });
}());
