// The classicnets playground: lists the served models and tries them through the server's REST API.
// Plain JavaScript, no build step: every request is one the documented API answers.
"use strict";

const $ = (id) => document.getElementById(id);
const THROTTLE_MS = 150; // at most one predict request in flight, and at most one per 150 ms while drawing
const SAMPLES = 16;

const state = { models: [], model: null, strokes: [], picture: null, pen: { x: 140, y: 140, down: false }, busy: false,
  pending: false, last: 0, axes: null };

// ---------------------------------------------------------------- talking to the server

async function callApi(path, body) {
  const headers = apiHeaders(body !== undefined);
  let response;
  try {
    response = await fetch(path, body === undefined ? { headers } : {
      method: "POST", headers, body: JSON.stringify(body) });
  } catch (error) {
    throw new Error(`Cannot reach the server (${error.message}). Is classicnets serve still running?`);
  }
  const text = await response.text();
  let answer;
  try { answer = JSON.parse(text); } catch { answer = null; }
  if (response.status === 401) {
    throw new Error("This server needs its token: open this page as /#token=TOKEN, with the token of its "
      + "--auth-token-file.");
  }
  if (!response.ok) {
    const why = answer && answer.error ? answer.error : text.slice(0, 300) || response.statusText;
    throw new Error(`The server answered ${response.status}: ${why}`);
  }
  if (answer === null) throw new Error(`The server's answer to ${path} is not JSON: ${text.slice(0, 200)}`);
  return answer;
}

function predict(model, instances, signature) {
  const body = { instances };
  if (signature) body.signature_name = signature;
  return callApi(`/v1/models/${encodeURIComponent(model.name)}:predict`, body);
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

// ---------------------------------------------------------------- the list of models

async function loadModels() {
  try {
    state.models = (await callApi("/playground/models.json")).models;
  } catch (error) {
    $("models").innerHTML = "";
    showError(error.message);
    return;
  }
  const list = $("models");
  list.innerHTML = "";
  if (!state.models.length) list.innerHTML = "<li>No models in the models folder yet.</li>";
  for (const model of state.models) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.model = model.name;
    button.setAttribute("aria-pressed", "false");
    button.append(model.name);
    const facts = document.createElement("small");
    facts.textContent = model.error ? model.error : describeModel(model);
    button.append(facts);
    button.addEventListener("click", () => selectModel(model));
    item.append(button);
    list.append(item);
  }
  const wanted = decodeURIComponent(location.hash.slice(1));
  const first = state.models.find((m) => m.name === wanted) || state.models.find((m) => !m.error);
  if (first) selectModel(first);
}

function describeModel(model) {
  const parts = [model.family || "model", model.dataset ? `on ${model.dataset}` : ""];
  const classes = model.class_names || [];
  if (classes.length) parts.push(`${classes.length} classes: ${classes.slice(0, 10).join(" ")}${classes.length > 10 ? " …" : ""}`);
  parts.push(describeMetric(model.metric), describeMetric(model.training_metric));
  parts.push(`v${model.version}`);
  return parts.filter(Boolean).join(" · ");
}

const METRIC_NAMES = { mse: "MSE", frechet_distance: "Fréchet distance", judge_agreement: "judge agreement" };

// "test accuracy 0.947", "test MSE 0.0618", "training completion accuracy 0.939": each figure says its split;
// "" for exports that did not record one.
function describeMetric(metric) {
  if (!metric || typeof metric.value !== "number") return "";
  const name = METRIC_NAMES[metric.name] || String(metric.name).replaceAll("_", " ");
  return `${metric.split === "test" ? "test" : "training"} ${name} ${Number(metric.value.toPrecision(3))}`;
}

function signatureOf(model, name = "serving_default") {
  return (model.signatures || {})[name] || { inputs: {}, outputs: {} };
}

function viewOf(model) {
  const { inputs, outputs } = signatureOf(model);
  const images = inputs.images;
  if (images && images.shape && images.shape.length === 4) {
    if (outputs.probabilities) return "classify";
    if (outputs.reconstructions) return "reconstruct";
  }
  if (inputs.noise && outputs.images) return inputs.labels ? "cgan" : "gan";
  if (inputs.tokens && model.vocabulary) return "autocomplete";
  if (inputs.source_ids && model.vocabulary) return "translate";
  return null;
}

function selectModel(model) {
  if (model.error) return showError(`${model.name}: ${model.error}`);
  state.model = model;
  showError("");
  for (const button of document.querySelectorAll("#models button")) {
    button.setAttribute("aria-pressed", String(button.dataset.model === model.name));
  }
  history.replaceState(null, "", `#${encodeURIComponent(model.name)}`);
  const view = viewOf(model);
  $("view").hidden = false;
  $("view").dataset.view = view || "none";
  $("view-title").textContent = model.name;
  $("view-about").textContent = describeModel(model);
  $("draw-view").hidden = view !== "classify" && view !== "reconstruct";
  $("sample-view").hidden = view !== "gan" && view !== "cgan";
  $("text-view").hidden = view !== "autocomplete" && view !== "translate";
  if (view === "classify" || view === "reconstruct") startDrawing(model, view);
  else if (view === "gan" || view === "cgan") startSampling(model, view);
  else if (view) startText(model, view);
  else $("view-about").textContent += " · no playground view for this model: use the REST API (docs/serving.md)";
}

// ---------------------------------------------------------------- drawing and the network's input

function inputShape(model) {
  const [, height, width, channels] = signatureOf(model).inputs.images.shape;
  return { height, width, channels: channels || 1 };
}

function startDrawing(model, view) {
  const { height, width, channels } = inputShape(model);
  for (const id of ["preview", "reconstruction"]) { $(id).width = width; $(id).height = height; }
  $("preview-label").textContent = `What the network sees (${width} x ${height}${channels === 3 ? ", colour" : ""})`;
  $("reconstruction-panel").hidden = view !== "reconstruct";
  $("classes-panel").hidden = view !== "classify";
  const scatter = view === "reconstruct" && model.code_scatter && signatureOf(model, "encode").inputs.images;
  $("codes-panel").hidden = !scatter;
  state.axes = null;
  if (scatter) drawCodeScatter(model.code_scatter, model.class_names || []);
  state.strokes = [];
  state.picture = null;
  showFileStatus("");
  redraw();
}

// ---------------------------------------------------------------- picture files

async function openPicture(file) {
  if (!file) return;
  const model = state.model;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (error) {
    return showFileStatus(`Cannot read ${file.name} as a picture: the browser could not decode it (${error.message.replace(/\.$/, "")}). ` +
      "Choose a PNG, JPEG, GIF, WebP or BMP file.", true);
  }
  if (model !== state.model) return;
  const picture = pictureOnPad(bitmap, $("pad").width, inputShape(model).channels);
  bitmap.close();
  state.strokes = [];
  state.picture = picture;
  showFileStatus(`${file.name} (${picture.width} x ${picture.height})` +
    (picture.inverted ? ": dark ink on light paper, inverted to white on black as MNIST digits are." : "."));
  redraw();
}

function showFileStatus(message, failed = false) {
  const status = $("file-status");
  status.textContent = message;
  status.classList.toggle("error", failed);
  status.setAttribute("role", failed ? "alert" : "status");
  if (failed) status.dataset.failed = "true"; else delete status.dataset.failed;
}

function setUpPictureFiles() {
  const input = $("picture-file"), area = $("pad-panel");
  input.addEventListener("change", () => { openPicture(input.files[0]); input.value = ""; });
  area.addEventListener("dragover", (event) => { event.preventDefault(); area.classList.add("dropping"); });
  area.addEventListener("dragleave", () => area.classList.remove("dropping"));
  area.addEventListener("drop", (event) => {
    event.preventDefault();
    area.classList.remove("dropping");
    openPicture(event.dataTransfer.files[0]);
  });
}

function setUpPad() {
  const pad = $("pad");
  let drawing = null;
  const point = (event) => {
    const box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
  };
  pad.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    drawing = event.pointerId;
    state.strokes.push([point(event)]);
    redraw();
  });
  pad.addEventListener("pointermove", (event) => {
    if (event.pointerId !== drawing) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const each of events.length ? events : [event]) state.strokes.at(-1).push(point(each));
    redraw();
  });
  const end = (event) => { if (event.pointerId === drawing) { drawing = null; redraw(); } };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  $("clear").addEventListener("click", clearPad);
  $("undo").addEventListener("click", undo);
  pad.addEventListener("keydown", drawWithKeys);
  pad.addEventListener("focus", redraw);
  pad.addEventListener("blur", () => { state.pen.down = false; redraw(); });
}

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

// Drawing without a pointer: arrow keys move the pen (10 pixels, 2 with Shift), Space or Enter lowers and lifts it.
function drawWithKeys(event) {
  const pen = state.pen, pad = $("pad");
  if (event.key === "Escape" || event.key === "Delete") return clearPad(event);
  else if ((event.ctrlKey || event.metaKey) && event.key === "z") return undo(event);
  else if (event.key === " " || event.key === "Enter") {
    pen.down = !pen.down;
    if (pen.down) state.strokes.push([[pen.x, pen.y]]);
  } else if (ARROWS[event.key]) {
    const step = event.shiftKey ? 2 : 10, [dx, dy] = ARROWS[event.key];
    pen.x = Math.min(pad.width, Math.max(0, pen.x + dx * step));
    pen.y = Math.min(pad.height, Math.max(0, pen.y + dy * step));
    if (pen.down) state.strokes.at(-1).push([pen.x, pen.y]);
  } else return;
  event.preventDefault();
  redraw();
}

function clearPad(event) {
  event?.preventDefault?.();
  state.strokes = [];
  state.picture = null;
  redraw();
}

function undo(event) {  // the last stroke, and then the picture the strokes were drawn on
  event?.preventDefault?.();
  if (state.strokes.length) state.strokes.pop(); else state.picture = null;
  redraw();
}

function drawPen(context) {
  if (document.activeElement !== $("pad")) return;
  context.beginPath();
  context.arc(state.pen.x, state.pen.y, context.lineWidth / 2 + 3, 0, 2 * Math.PI);
  context.lineWidth = 3;
  context.strokeStyle = state.pen.down ? "#1a7f37" : "#f5a623";
  context.stroke();
}

function redraw() {
  const pad = $("pad");
  const context = pad.getContext("2d", { willReadFrequently: true });
  context.fillStyle = "#000";
  context.fillRect(0, 0, pad.width, pad.height);
  if (state.picture) context.drawImage(state.picture.canvas, 0, 0, pad.width, pad.height);
  context.strokeStyle = context.fillStyle = "#fff";
  context.lineWidth = pad.width / 14;
  context.lineCap = context.lineJoin = "round";
  for (const stroke of state.strokes) {
    context.beginPath();
    context.moveTo(...stroke[0]);
    for (const [x, y] of stroke.slice(1)) context.lineTo(x, y);
    if (stroke.length === 1) context.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
    context.stroke();
  }
  const image = networkInput(context, pad.width, pad.height, inputShape(state.model));
  paintGrey($("preview"), image);
  drawPen(context);  // after the network's input was read: the pen's ring is not ink
  state.input = image;
  requestPrediction();
}

// ---------------------------------------------------------------- throttled predictions while drawing

function requestPrediction() {
  state.pending = true;
  $("view").setAttribute("aria-busy", "true");  // until the answer to the latest drawing is shown
  if (state.busy) return;
  const wait = state.last + THROTTLE_MS - performance.now();
  if (wait > 0) { state.busy = true; setTimeout(() => { state.busy = false; requestPrediction(); }, wait); return; }
  sendPrediction();
}

async function sendPrediction() {
  state.pending = false;
  const model = state.model, image = state.input;
  if (!image || image.empty) { $("view").setAttribute("aria-busy", "false"); return showResult(model, null); }
  state.busy = true;
  state.last = performance.now();
  try {
    const instance = asInstance(image, inputShape(model).channels);
    const withCode = !$("codes-panel").hidden;  // the drawing's code, for the scatter
    const [answer, code] = await Promise.all([predict(model, [instance]),
      withCode ? predict(model, [instance], "encode") : null]);
    if (model === state.model) {
      showError("");
      showResult(model, answer.predictions[0]);
      if (code) { const codes = code.predictions[0]; showDrawnCode(codes.codes || codes); }
    }
  } catch (error) {
    if (model === state.model) { showError(error.message); showNoAnswer(); }
  } finally {
    state.busy = false;
    if (state.pending) requestPrediction();
    else $("view").setAttribute("aria-busy", "false");
  }
}

function showNoAnswer() {
  $("bars").innerHTML = "";
  delete $("prediction").dataset.class;
  $("prediction").textContent = "No answer from the model: see the message below.";
}

function showResult(model, prediction) {
  if (viewOf(model) === "reconstruct") {
    const { width, height, channels } = inputShape(model);
    const picture = prediction ? fromInstance(prediction.reconstructions || prediction)
      : { width, height, channels, values: new Float32Array(width * height * channels) };
    if (!prediction) showDrawnCode(null);
    return paintGrey($("reconstruction"), picture);
  }
  const bars = $("bars");
  bars.innerHTML = "";
  if (!prediction) { $("prediction").textContent = "Draw on the pad: the class probabilities appear here."; delete $("prediction").dataset.class; return; }
  const probabilities = prediction.probabilities;
  const names = model.class_names && model.class_names.length ? model.class_names : probabilities.map((_, i) => String(i));
  const best = probabilities.indexOf(Math.max(...probabilities));
  probabilities.forEach((p, i) => {
    const row = document.createElement("li");
    row.dataset.probability = p;
    row.className = i === best ? "top" : "";
    row.innerHTML = `<span class="name"></span><span class="track" role="presentation"><span class="fill"></span></span><span class="value"></span>`;
    row.querySelector(".name").textContent = names[i] ?? String(i);
    row.querySelector(".fill").style.width = `${(p * 100).toFixed(1)}%`;
    row.querySelector(".value").textContent = `${(p * 100).toFixed(1)}%`;
    row.setAttribute("aria-label", `${names[i]}: ${(p * 100).toFixed(1)} percent`);
    bars.append(row);
  });
  $("prediction").dataset.class = names[best];
  $("prediction").textContent = `The network reads ${names[best]} (${(probabilities[best] * 100).toFixed(1)}%)`;
}

// ---------------------------------------------------------------- GAN and cGAN samples

function startSampling(model, view) {
  const picker = $("class-picker");
  picker.innerHTML = "";
  $("class-label").hidden = view !== "cgan";
  (model.class_names || []).forEach((name, i) => picker.append(new Option(name, String(i))));
  $("samples").innerHTML = "";
  newSamples();
}

function normal() { // Box-Muller
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

async function newSamples() {
  const model = state.model;
  const noiseSize = signatureOf(model).inputs.noise.shape[1];
  const label = Number($("class-picker").value || 0);
  const instances = [];
  for (let i = 0; i < SAMPLES; i++) {
    const noise = Array.from({ length: noiseSize }, () => +normal().toFixed(5));
    instances.push(viewOf(model) === "cgan" ? { noise, labels: label } : noise);
  }
  try {
    const answer = await predict(model, instances);
    if (model !== state.model) return;
    showError("");
    const grid = $("samples");
    grid.innerHTML = "";
    grid.dataset.label = viewOf(model) === "cgan" ? String(label) : "";
    grid.setAttribute("aria-label", viewOf(model) === "cgan" ? `Generated images of class ${model.class_names[label] ?? label}`
      : "Generated images");
    for (const prediction of answer.predictions) {
      const canvas = document.createElement("canvas");
      paintGrey(canvas, fromInstance(prediction.images || prediction));
      grid.append(canvas);
    }
  } catch (error) {
    if (model === state.model) showError(error.message);
  }
}

// ---------------------------------------------------------------- start

document.addEventListener("DOMContentLoaded", () => {
  takeToken();
  setUpPad();
  setUpPictureFiles();
  $("new-samples").addEventListener("click", newSamples);
  $("class-picker").addEventListener("change", newSamples);
  $("text-go").addEventListener("click", askText);
  $("text-input").addEventListener("keydown", (event) => { if (event.key === "Enter") askText(); });
  window.addEventListener("hashchange", () => {  // links such as /#cnn-digits pick a model
    if (location.hash.startsWith("#token=")) { takeToken(); loadModels(); return; }
    const model = state.models.find((m) => m.name === decodeURIComponent(location.hash.slice(1)));
    if (model && model !== state.model) selectModel(model);
  });
  loadModels();
});
