// Mark a quote by selecting it: on a source's page, select a passage of the text and click "Add excerpt".
// The page shows the stored text exactly (excerpts are <mark> elements around parts of it), so a selection's
// offsets are counted over the text nodes of #source-text. Python counts characters (code points) where
// JavaScript counts UTF-16 units, so characters outside the Basic Multilingual Plane are counted once.
// The admin loads a form's scripts in the page head: wait for the page to be read.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const container = document.getElementById("source-text");
  if (!container) {
    return;
  }
  const button = document.getElementById("add-excerpt");
  const status = document.getElementById("excerpt-status");
  const csrf = document.querySelector("input[name='csrfmiddlewaretoken']");

  function codePoints(text) {
    let count = 0;
    for (const _ of text) {
      count += 1;
    }
    return count;
  }

  // The offset, in characters of the stored text, of a selection boundary (a node and an offset in it):
  // a range's text is its text nodes' data, exactly, whatever the rendering does with white space.
  function offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function currentSelection() {
    const chosen = window.getSelection();
    if (!chosen || chosen.rangeCount === 0 || chosen.isCollapsed) {
      return null;
    }
    const range = chosen.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) {
      return null;
    }
    return {
      start: offsetOf(range.startContainer, range.startOffset),
      end: offsetOf(range.endContainer, range.endOffset),
      quote: range.toString(),
    };
  }

  document.addEventListener("selectionchange", function () {
    const chosen = currentSelection();
    button.disabled = chosen === null || chosen.quote.trim() === "";
    if (!button.disabled) {
      status.textContent = "Selected " + codePoints(chosen.quote.trim()) + " characters.";
    }
  });

  button.addEventListener("click", function () {
    const chosen = currentSelection();
    if (chosen === null) {
      status.textContent = "Select a passage of the text first.";
      return;
    }
    const body = new FormData();
    body.append("start", String(chosen.start));
    body.append("end", String(chosen.end));
    body.append("quote", chosen.quote);
    button.disabled = true;
    status.textContent = "Adding the excerpt…";
    fetch(container.dataset.excerptUrl, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok) {
            window.location.assign(window.location.pathname);
          } else {
            status.textContent = answer.message;
            status.classList.add("errornote");
          }
        });
      })
      .catch(function () {
        status.textContent = "The excerpt could not be added: the server did not answer. Try again.";
      });
  });
});
