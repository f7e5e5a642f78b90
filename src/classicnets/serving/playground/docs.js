// The API page of classicnets serve: renders /openapi.json (this server's own document) and tries GET endpoints
// and the model examples on this server. Plain JavaScript, no build step, nothing fetched from elsewhere.
"use strict";

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

async function tryIt(method, path, example, output) {
  output.hidden = false;
  output.textContent = "…";
  try {
    const response = await fetch(path, method === "post"
      ? { method: "POST", headers: apiHeaders(true), body: JSON.stringify(example) } : { headers: apiHeaders(false) });
    const text = await response.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* metrics are text */ }
    output.textContent = `${response.status}\n${shown.slice(0, 4000)}`;
    output.dataset.status = String(response.status);
  } catch (error) {
    output.textContent = `Cannot reach the server: ${error.message}`;
  }
}

function endpoint(path, method, operation) {
  const box = element("section", undefined, { class: "endpoint", "data-path": path, "data-method": method });
  const title = element("h2");
  title.append(element("code", `${method.toUpperCase()} ${path}`));
  box.append(title, element("p", operation.summary || ""));
  const content = operation.requestBody && operation.requestBody.content["application/json"];
  const example = content && content.example;
  if (example !== undefined) {
    box.append(element("p", "Example request:"), element("pre", JSON.stringify(example)));
  }
  const errors = Object.entries(operation.responses || {}).filter(([status]) => status !== "200");
  if (errors.length) {
    box.append(element("p", `Refusals, as {"error": …}: ${errors.map(([s, r]) => `${s} ${r.description}`).join("; ")}`));
  }
  const runnable = !path.includes("{") && (method === "get" || example !== undefined);
  if (runnable) {
    const button = element("button", method === "get" ? "Try it" : "Send the example", { type: "button" });
    const output = element("pre", "", { class: "answer" });
    output.hidden = true;
    button.addEventListener("click", () => tryIt(method, path, example, output));
    box.append(button, output);
  }
  return box;
}

async function load() {
  takeToken();
  const list = document.getElementById("endpoints");
  const response = await fetch("/openapi.json", { headers: apiHeaders(false) });
  if (!response.ok) {
    const error = document.getElementById("error");
    error.hidden = false;
    error.textContent = response.status === 401
      ? "This server needs its token: open this page as /docs#token=TOKEN."
      : `The server answered ${response.status} for /openapi.json.`;
    list.textContent = "";
    return;
  }
  const spec = await response.json();
  list.textContent = "";
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) list.append(endpoint(path, method, operation));
  }
}

document.addEventListener("DOMContentLoaded", load);
