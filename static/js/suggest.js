/* Search suggestions for the header search box (ARIA 1.2 combobox with a listbox popup).
   Progressive: without this script the box is a plain GET form to the search page. */
(function () {
  "use strict";
  var form = document.querySelector("form.search-box[data-suggest-url]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  var url = form.getAttribute("data-suggest-url");
  var list = document.createElement("ul");
  var items = [];
  var active = -1;
  var timer = null;
  var latest = 0;

  list.id = "site-search-suggestions";
  list.className = "suggest";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    list.textContent = "";
    items = suggestions.map(function (s, i) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      li.id = "site-search-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = s.url;
      li.appendChild(document.createTextNode(s.label));
      kind.className = "suggest__kind";
      kind.textContent = s.kind;
      li.appendChild(kind);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();  /* keep focus in the input until we navigate */
        window.location.href = s.url;
      });
      list.appendChild(li);
      return li;
    });
    active = -1;
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }

  function fetchSuggestions() {
    var value = input.value.trim();
    if (value.length < 2) { close(); return; }
    var request = ++latest;
    fetch(url + "?q=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (request === latest) { render(data.suggestions || []); } })
      .catch(close);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) { return; }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items[active].dataset.url;
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", close);
}());
