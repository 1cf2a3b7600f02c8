// Small enhancements over a page that works without script: a live "new letters" notice.
(function () {
  "use strict";
  var head = Number(document.body.dataset.head || 0);
  var live = document.getElementById("live");
  if (!window.EventSource || !live) return;
  var source = new EventSource("/events/stream?after=" + head);
  source.addEventListener("LettersExtracted", function (e) {
    var data = JSON.parse(e.data);
    if (data.data && data.data.letters && data.data.letters.length) {
      live.hidden = false;
    }
  });
  // Empty selects and inputs would add "person=&kind=" to the address: leave them out.
  var form = document.getElementById("filters");
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.value) el.disabled = true;
      });
    });
  }
})();
