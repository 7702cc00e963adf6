// Upload with a progress bar (no inline scripts: CSP script-src 'self'). Without script the form
// posts as usual; with it the browser's own upload progress is shown, then the delivery page.
document.querySelectorAll("form.upload-form").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    event.preventDefault();
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    bar.hidden = false;
    status.textContent = form.dataset.sending;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
      if (e.loaded === e.total) { status.textContent = form.dataset.checking; }
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.location.assign(xhr.responseURL);
      } else {
        document.open(); document.write(xhr.responseText); document.close();
      }
    });
    xhr.send(new FormData(form));
  });
});
