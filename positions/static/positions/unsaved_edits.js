// An action run from a record's page (submit for review, approve, retract…) acts on the record as saved:
// if the form was edited since the page loaded, stop and say so, rather than throw the edits away.
// The admin loads a form's scripts in the page head: wait for the page to be read.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const form = document.querySelector("form[id$='_form']");
  const select = form && form.querySelector("select[name='CHANGE_FORM-action']");
  if (!select) {
    return;
  }
  const actionNames = new Set(["CHANGE_FORM-action", "CHANGE_FORM-select_across", "index", "csrfmiddlewaretoken"]);
  function snapshot() {
    const entries = [];
    for (const [name, value] of new FormData(form)) {
      if (!actionNames.has(name)) {
        entries.push(name + "=" + (typeof value === "string" ? value : value.name));
      }
    }
    return entries.join("&");
  }
  const saved = snapshot();
  const button = select.closest(".actions").querySelector("button[type='submit']");
  const note = document.createElement("p");
  note.className = "errornote unsaved-edits";
  note.hidden = true;
  note.setAttribute("role", "alert");
  note.textContent = "This page has unsaved changes. Save them first (Save and continue editing), then run the action: it acts on the stance as saved.";
  select.closest(".actions").after(note);
  button.addEventListener("click", function (event) {
    if (snapshot() !== saved) {
      event.preventDefault();
      note.hidden = false;
      note.scrollIntoView({ block: "nearest" });
    }
  });
});
