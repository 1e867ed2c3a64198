// Click-to-load players (templates/includes/embeds.html): the provider's iframe is created only
// when the reader asks for it, so the page itself makes no request to the provider.
(function () {
  "use strict";
  document.querySelectorAll(".embed[data-embed-src]").forEach(function (figure) {
    var placeholder = figure.querySelector(".embed__placeholder");
    var button = figure.querySelector(".embed__play");
    if (!placeholder || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = figure.dataset.embedSrc;
      frame.title = figure.dataset.embedTitle;
      frame.className = "embed__frame";
      frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
      frame.allowFullscreen = true;
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      placeholder.replaceWith(frame);
      frame.focus();
    });
  });
})();
