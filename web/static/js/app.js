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
  // Case notes: show the interpreter details that match the answer to
  // "Ble det brukt tolk?" (without JS every part is shown).
  const used = document.querySelectorAll('input[name="interpreter_used"]');
  const yes = document.querySelector("[data-interpreter-yes]");
  const no = document.querySelector("[data-interpreter-no]");
  if (used.length && yes && no) {
    const syncUsed = () => {
      const v = document.querySelector('input[name="interpreter_used"]:checked')?.value ?? "";
      yes.hidden = v !== "yes";
      no.hidden = v !== "no";
    };
    used.forEach((el) => el.addEventListener("change", syncUsed));
    syncUsed();
  }
});
