// The screening board's "select every referral on this page" box (the project's own, no CDN).
// Without JavaScript the box stays hidden and the form's "The N referrals on this page" choice
// does the same on the server. Ticking a box makes the bulk action apply to the ticked ones;
// unticking them all goes back to the page's default (the whole filter, once filtered).
document.addEventListener("DOMContentLoaded", () => {
  for (const all of document.querySelectorAll("input[data-select-all]")) {
    const form = all.form;
    if (!form) continue;
    const rows = () => Array.from(form.querySelectorAll('input[type="checkbox"][name="selected"]'));
    const ticked = form.querySelector('input[name="scope"][value="selected"]');
    const scopes = form.querySelector("[data-default-scope]");
    const fallback = scopes && form.querySelector(`input[name="scope"][value="${scopes.dataset.defaultScope}"]`);
    all.hidden = false;
    all.addEventListener("change", () => {
      for (const row of rows()) row.checked = all.checked;
      if (ticked) ticked.checked = true;
    });
    form.addEventListener("change", (event) => {
      if (event.target.name !== "selected") return;
      const boxes = rows();
      all.checked = boxes.length > 0 && boxes.every((box) => box.checked);
      const some = boxes.some((box) => box.checked);
      all.indeterminate = !all.checked && some;
      if (some && ticked) ticked.checked = true;
      else if (!some && fallback) fallback.checked = true;
    });
  }
});
