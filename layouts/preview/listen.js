// The read-aloud page of the live preview: plays a document and highlights the sentence being read
// (as a reading system does with the read-aloud EPUB's media overlay); a click on a sentence plays from it.
(function () {
  "use strict";
  var audio = document.getElementById("read-aloud-player");
  var active = audio.getAttribute("data-active-class");
  var clips = JSON.parse(document.getElementById("read-aloud-clips").textContent);
  var current = null;
  document.body.insertBefore(audio, document.body.firstChild);  // the player stays at the top
  function show() {
    var t = audio.currentTime, id = null;
    for (var i = 0; i < clips.length; i++) {
      if (t >= clips[i].begin && t < clips[i].end) { id = clips[i].id; break; }
    }
    if (id !== current) {
      if (current) { document.getElementById(current).classList.remove(active); }
      if (id) {
        var element = document.getElementById(id);
        element.classList.add(active);
        element.scrollIntoView({ block: "nearest" });
      }
      current = id;
      document.documentElement.setAttribute("data-reading", id || "");
    }
    if (!audio.paused) { window.requestAnimationFrame(show); }
  }
  ["play", "seeked", "timeupdate", "ended"].forEach(function (name) { audio.addEventListener(name, show); });
  document.addEventListener("click", function (event) {
    var sentence = event.target.closest(".sentence");
    if (!sentence || event.target.closest("a")) { return; }
    for (var i = 0; i < clips.length; i++) {
      if (clips[i].id === sentence.id) { audio.currentTime = clips[i].begin + 0.001; audio.play(); }
    }
  });
})();
