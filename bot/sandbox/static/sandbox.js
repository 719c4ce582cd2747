// The sandbox page: keeps the channel live (short polling, no build step, nothing from
// elsewhere) and submits the "you are" choice at once. The page works without it, too.
"use strict";

(function () {
  const live = document.getElementById("live");
  const every = 1000;

  function version() {
    const clock = live && live.querySelector("[data-version]");
    return clock ? clock.getAttribute("data-version") : "";
  }

  function toBottom() {
    const messages = document.querySelector(".messages");
    if (messages) {
      messages.scrollTop = messages.scrollHeight;
    }
  }

  async function refresh() {
    try {
      const path = document.body.getAttribute("data-live");
      const answer = await fetch(path + "?v=" + encodeURIComponent(version()), {
        credentials: "same-origin",
        cache: "no-store",
      });
      if (answer.status === 200) {
        const messages = document.querySelector(".messages");
        const atBottom =
          !messages || messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
        live.innerHTML = await answer.text();
        if (atBottom) {
          toBottom();
        }
      }
    } catch (error) {
      // The service is restarting or gone: try again on the next tick.
    }
    window.setTimeout(refresh, every);
  }

  const person = document.getElementById("person");
  if (person) {
    person.addEventListener("change", function () {
      person.form.submit();
    });
  }
  toBottom();
  if (live) {
    window.setTimeout(refresh, every);
  }
})();
