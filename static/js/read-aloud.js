// "Read this page aloud": the browser's own speech synthesis reads <main>.
// Nothing is sent anywhere. The button stays hidden where the browser cannot
// speak, so the page never offers what it cannot do.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) {
    return;
  }

  var BLOCKS = "h1,h2,h3,h4,h5,h6,p,li,dt,dd,caption,th,td,figcaption,summary,blockquote";

  function speechLang(element, fallback) {
    var holder = element.closest("[lang]");
    var lang = holder ? holder.getAttribute("lang").toLowerCase() : "";
    if (lang.indexOf("zh") === 0) return "zh-CN";
    if (lang.indexOf("en") === 0) return "en";
    return fallback;
  }

  // One utterance per block: long utterances stop midway in some browsers.
  function chunks(main, fallback) {
    var result = [];
    main.querySelectorAll(BLOCKS).forEach(function (element) {
      if (element.querySelector(BLOCKS)) return; // its inner blocks are read
      if (element.closest("[hidden], [aria-hidden='true'], svg, form")) return;
      var text = (element.innerText || element.textContent || "").trim();
      if (text) result.push({ text: text, lang: speechLang(element, fallback) });
    });
    return result;
  }

  function voiceFor(lang) {
    var voices = window.speechSynthesis.getVoices();
    var prefix = lang.slice(0, 2);
    return (
      voices.find(function (v) { return v.lang.replace("_", "-") === lang; }) ||
      voices.find(function (v) { return v.lang.toLowerCase().indexOf(prefix) === 0; }) ||
      null
    );
  }

  function start() {
    var button = document.getElementById("read-aloud");
    var main = document.querySelector("main");
    if (!button || !main) return;
    var readLabel = button.textContent;
    var stopLabel = button.getAttribute("data-label-stop") || readLabel;
    var fallback = button.getAttribute("data-speech-lang") || "zh-CN";
    var reading = false;

    function stop() {
      reading = false;
      window.speechSynthesis.cancel();
      button.textContent = readLabel;
    }

    button.addEventListener("click", function () {
      if (reading) {
        stop();
        return;
      }
      window.speechSynthesis.cancel();
      var parts = chunks(main, fallback);
      if (!parts.length) return;
      reading = true;
      button.textContent = stopLabel;
      parts.forEach(function (part, index) {
        var utterance = new window.SpeechSynthesisUtterance(part.text);
        utterance.lang = part.lang;
        var voice = voiceFor(part.lang);
        if (voice) utterance.voice = voice;
        if (index === parts.length - 1) {
          utterance.onend = stop;
          utterance.onerror = stop;
        }
        window.speechSynthesis.speak(utterance);
      });
    });

    // Leaving the page must not leave the browser talking.
    window.addEventListener("pagehide", function () {
      window.speechSynthesis.cancel();
    });
    button.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
