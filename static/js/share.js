// "Copy link" on the share links (templates/includes/share_links.html): the page's address to the
// clipboard, said out loud through the status region.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll(".share__copy").forEach(function (item) {
    var button = item.querySelector("button[data-copy-url]");
    var status = item.querySelector(".share__status");
    item.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copyUrl).then(
        function () { status.textContent = "Link copied."; },
        function () { status.textContent = "Could not copy: select the address bar instead."; }
      );
    });
  });
})();
