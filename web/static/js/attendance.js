// The attendance grid from the keyboard. Progressive enhancement only: the
// grid is a plain form that works without this file.
//
// In a cell's hours field: the arrow keys move between cells (left and right
// once the caret is at the edge of the text), one key per reason sets the
// cell's reason (the keys are the grid's legend, read from the options:
// "Sykdom (s)"), and Delete resets the cell to the plan. A reason typed on a
// day that still shows the planned hours marks the whole day absent (0 hours
// present). Tab and Enter keep their usual meaning (Enter saves the week).
document.addEventListener("DOMContentLoaded", () => {
  const grid = document.querySelector("tbody[data-grid]");
  if (!grid) return;

  const rows = () => [...grid.querySelectorAll("tr")].map((tr) => [...tr.querySelectorAll("input[data-hours]")]);

  // The reasons by key, read from the first cell's select (each option's
  // data-key, the key the legend shows).
  const keys = {};
  const firstSelect = grid.querySelector("select[data-reason]");
  if (firstSelect) {
    for (const o of firstSelect.options) {
      if (o.value && o.dataset.key) keys[o.dataset.key.toLowerCase()] = o.value;
    }
  }

  const position = (input) => {
    const all = rows();
    for (let r = 0; r < all.length; r++) {
      const c = all[r].indexOf(input);
      if (c >= 0) return { all, r, c };
    }
    return null;
  };

  // focusCell moves to the cell at (r, c), or the nearest one in that row.
  const focusCell = (all, r, c) => {
    if (r < 0 || r >= all.length || all[r].length === 0) return false;
    const target = all[r][Math.max(0, Math.min(c, all[r].length - 1))];
    target.focus();
    target.select();
    return true;
  };

  const hoursText = (minutes) => {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    if (m === 0) return String(h);
    return h + "," + String(Math.round((m / 60) * 100)).padStart(2, "0").replace(/0$/, "");
  };

  const setReason = (input, reason) => {
    const cell = input.closest("[data-cell]");
    const select = cell && cell.querySelector("select[data-reason]");
    if (!select) return;
    const expected = Number(cell.dataset.expected || "0");
    if (reason === "") {
      select.value = "";
      input.value = expected > 0 ? hoursText(expected) : "";
    } else {
      select.value = reason;
      const typed = input.value.trim().replace(",", ".");
      if (typed === "" || Number(typed) * 60 >= expected) input.value = "0";
    }
    input.select();
    cell.dataset.changed = "1";
  };

  // A key the grid used is not typed into the cell as well (some input
  // paths deliver the character apart from the keydown).
  let swallow = false;
  const swallowChar = (ev) => {
    if (swallow) {
      ev.preventDefault();
      swallow = false;
    }
  };
  grid.addEventListener("keypress", swallowChar);
  grid.addEventListener("beforeinput", swallowChar);
  grid.addEventListener("keyup", () => { swallow = false; });

  grid.addEventListener("keydown", (ev) => {
    const input = ev.target;
    if (!(input instanceof HTMLInputElement) || !input.matches("[data-hours]")) return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const pos = position(input);
    if (!pos) return;
    const { all, r, c } = pos;
    const atStart = input.selectionStart === 0;
    const atEnd = input.selectionEnd === input.value.length;
    let moved = false;
    switch (ev.key) {
      case "ArrowUp":
        moved = focusCell(all, r - 1, c) || true;
        break;
      case "ArrowDown":
        moved = focusCell(all, r + 1, c) || true;
        break;
      case "ArrowLeft":
        if (atStart) moved = (c > 0 ? focusCell(all, r, c - 1) : focusCell(all, r - 1, Infinity)) || true;
        break;
      case "ArrowRight":
        if (atEnd) moved = (c < all[r].length - 1 ? focusCell(all, r, c + 1) : focusCell(all, r + 1, 0)) || true;
        break;
      case "Delete":
        setReason(input, "");
        moved = true;
        break;
      default: {
        const reason = keys[ev.key.toLowerCase()];
        if (ev.key.length === 1 && reason) {
          setReason(input, reason);
          moved = true;
          swallow = true;
        }
      }
    }
    if (moved) ev.preventDefault();
  });

  // Typing replaces a cell's hours: the text is selected on focus.
  grid.addEventListener("focusin", (ev) => {
    if (ev.target instanceof HTMLInputElement && ev.target.matches("[data-hours]")) ev.target.select();
  });
});
