// Product form: show only the fieldsets of the chosen kind (all stay in the page without JavaScript).
(function () {
  var form = document.getElementById("product-form");
  if (!form) return;
  var kind = form.querySelector("[name=kind]");
  function sync() {
    form.querySelectorAll("fieldset[data-kind]").forEach(function (fs) {
      fs.hidden = kind && fs.getAttribute("data-kind") !== kind.value;
    });
  }
  if (kind) { kind.addEventListener("change", sync); sync(); }
})();
