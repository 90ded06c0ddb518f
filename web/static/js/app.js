// Progressive enhancement only: every form works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary after a refused form, so screen readers announce it.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  // Show the interpreter fields only when an interpreter is needed.
  const need = document.querySelector("#interpreter_needed");
  const details = document.querySelector("[data-interpreter-details]");
  if (need && details) {
    const sync = () => { details.hidden = !need.checked; };
    need.addEventListener("change", sync);
    sync();
  }
});
