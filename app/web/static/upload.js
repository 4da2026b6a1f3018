// Upload page: send the chosen or dropped files, then poll each job until it settles. On load the
// user's latest uploads come back from the server (GET /api/uploads), so a reload loses nothing.
(function () {
  const STATUS = {queued: "Đang chờ", running: "Đang xử lý…", done: "Xong", failed: "Lỗi", refused: "Bị từ chối"};
  const body = document.querySelector("#jobs tbody");
  const drop = document.getElementById("drop");
  const input = document.getElementById("files");
  const notice = document.getElementById("upload-error");
  const rows = {};

  function row(job, atTop) {
    if (job.id && rows[job.id]) return rows[job.id];
    const tr = document.createElement("tr");
    tr.className = "job";
    tr.innerHTML = "<td class='name'></td><td class='status'></td><td class='result'></td>";
    tr.querySelector(".name").textContent = job.name;
    if (atTop) body.prepend(tr); else body.appendChild(tr);
    if (job.id) rows[job.id] = tr;
    return tr;
  }

  function show(tr, job) {
    tr.dataset.status = job.status;
    tr.querySelector(".status").textContent = STATUS[job.status] || job.status;
    const cell = tr.querySelector(".result");
    cell.textContent = "";
    cell.className = "result";
    if (job.status === "done") {
      const a = document.createElement("a");
      a.href = "/documents/" + job.sha256;
      a.textContent = "Xem văn bản";
      cell.appendChild(a);
      cell.append(" · " + job.events + " sự kiện, " + job.review + " chờ duyệt");
    } else if (job.status === "failed" || job.status === "refused") {
      cell.textContent = job.message || job.error_code;
      cell.className = "result error";
    }
  }

  function poll(tr, id) {
    fetch("/api/uploads/" + id).then(r => r.json()).then(job => {
      show(tr, job);
      if (job.status === "queued" || job.status === "running") setTimeout(() => poll(tr, id), 700);
    });
  }

  function track(job, atTop) {
    const tr = row(job, atTop);
    show(tr, job);
    if (job.status === "queued" || job.status === "running") poll(tr, job.id);
  }

  function send(files) {
    if (!files.length) return;
    notice.textContent = "";
    const form = new FormData();
    for (const f of files) form.append("files", f, f.name);
    fetch("/api/uploads", {method: "POST", body: form, headers: {"X-CSRF-Token": window.CSRF}})
      .then(r => r.json().then(data => ({ok: r.ok, data})))
      .then(({ok, data}) => {
        if (!ok) { notice.textContent = data.detail || "Lỗi tải lên"; return; }
        for (const job of data.jobs) track(job, false);
      });
  }

  fetch("/api/uploads").then(r => r.json()).then(data => {
    for (const job of (data.jobs || []).slice().reverse()) track(job, false);
  });
  input.addEventListener("change", () => { send(input.files); input.value = ""; });
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => { e.preventDefault(); drop.classList.remove("over"); send(e.dataTransfer.files); });
})();
