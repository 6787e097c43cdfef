// Receipt capture (issue 19), progressive enhancement of the upload form: files dropped on it
// are added, and the upload shows its progress. Without JavaScript the form posts as it is.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = form.querySelector("input[name=files]");
  var camera = form.querySelector("input[name=photo]");
  var bar = form.querySelector("progress");
  var dropped = [];

  function send() {
    var data = new FormData(form);
    dropped.forEach(function (file) { data.append("files", file, file.name); });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
    };
    xhr.onload = function () {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
        window.location.assign(xhr.responseURL);
      } else {
        document.open(); document.write(xhr.responseText); document.close();
      }
    };
    xhr.onerror = function () { form.submit(); };
    xhr.send(data);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
  // A photo just taken, or files chosen, are uploaded at once: one step on a phone.
  [camera, input].forEach(function (field) {
    if (field) field.addEventListener("change", function () { if (field.files.length) send(); });
  });
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) { event.preventDefault(); form.classList.add("is-over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { form.classList.remove("is-over"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    dropped = Array.prototype.slice.call(event.dataTransfer.files);
    if (dropped.length) send();
  });
})();
