/* The character counters of the practice's form ("120 of 500 characters").

   The server writes each counter on every render, so the form works without this script; it
   only keeps the counter up to date as the reader types. Screen readers hear it (politely,
   once the typing pauses) only near the limit or past it, not at every key. The words come
   from the counter's data attributes, in the page's language. */
(function () {
  "use strict";
  var NEAR = 0.9;
  var PAUSE_MS = 700;

  function length(text) {
    // As the server counts: code points, a line break as one.
    return Array.from(text.replace(/\r\n/g, "\n").trim()).length;
  }

  function setUp(counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    var live = document.getElementById(counter.id + "-live");
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    if (!field || !live || !(limit > 0)) {
      return;
    }
    var numbers = new Intl.NumberFormat(document.documentElement.lang || "el");
    var timer = null;
    var announced = "";

    function words(count) {
      var over = count - limit;
      var pattern = counter.getAttribute(over > 0 ? "data-words-over" : "data-words");
      return pattern
        .replace("{count}", numbers.format(count))
        .replace("{over}", numbers.format(over));
    }

    function update() {
      var count = length(field.value);
      var text = words(count);
      counter.textContent = text;
      counter.classList.toggle("innovnet-counter--over", count > limit);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (count >= limit * NEAR && text !== announced) {
          live.textContent = text;
          announced = text;
        } else if (count < limit * NEAR) {
          live.textContent = "";
          announced = "";
        }
      }, PAUSE_MS);
    }

    field.addEventListener("input", update);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-counter-for]"), setUp);
})();
