// The code scatter of an autoencoder whose code has 2 numbers: the test images' codes the export kept
// (assets/codes.json), coloured by class, and the code of the drawing as a marked point. SVG, no library.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const PLOT = { size: 260, margin: 12 };
const CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf"];

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

// The data range of the codes, 5% wider on each side, and the function that maps a code into the plot.
function codeAxes(codes) {
  const xs = codes.map((code) => code[0]), ys = codes.map((code) => code[1]);
  const span = (values) => {
    const low = Math.min(...values), high = Math.max(...values), pad = (high - low || 1) * 0.05;
    return [low - pad, high + pad];
  };
  const [x0, x1] = span(xs), [y0, y1] = span(ys), inner = PLOT.size - 2 * PLOT.margin;
  const place = ([x, y]) => [PLOT.margin + (x - x0) / (x1 - x0) * inner, PLOT.margin + (y1 - y) / (y1 - y0) * inner];
  const inside = ([x, y]) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
  return { place, inside, clamp: ([x, y]) => [Math.min(x1, Math.max(x0, x)), Math.min(y1, Math.max(y0, y))] };
}

function drawCodeScatter(scatter, classNames) {
  const plot = $("codes");
  plot.replaceChildren();
  plot.setAttribute("viewBox", `0 0 ${PLOT.size} ${PLOT.size}`);
  plot.append(svgElement("rect", { x: 0, y: 0, width: PLOT.size, height: PLOT.size, fill: "#fff", stroke: "#767676" }));
  state.axes = codeAxes(scatter.codes);
  const names = scatter.class_names.length ? scatter.class_names : classNames;
  scatter.codes.forEach((code, i) => {
    const [cx, cy] = state.axes.place(code);
    plot.append(svgElement("circle", { cx, cy, r: 2.5, fill: CLASS_COLOURS[scatter.labels[i] % 10], "fill-opacity": 0.75,
      class: "test-code", "data-label": scatter.labels[i] }));
  });
  const legend = $("codes-legend");
  legend.replaceChildren();
  [...new Set(scatter.labels)].sort((a, b) => a - b).forEach((label) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = CLASS_COLOURS[label % 10];
    item.append(swatch, names[label] ?? String(label));
    legend.append(item);
  });
  $("codes-about").textContent = `${scatter.codes.length} test images by their 2-d code. Draw: the ringed point is your drawing.`;
}

// The drawing's code as a ringed black point; a code outside the plotted range sits on its edge.
function showDrawnCode(code) {
  const plot = $("codes");
  plot.querySelector("#drawn-code")?.remove();
  if (!code || !state.axes) return;
  const outside = !state.axes.inside(code);
  const [cx, cy] = state.axes.place(state.axes.clamp(code));
  const mark = svgElement("g", { id: "drawn-code", "data-x": code[0], "data-y": code[1] });
  mark.append(svgElement("circle", { cx, cy, r: 7, fill: "none", stroke: "#000", "stroke-width": 2 }),
    svgElement("circle", { cx, cy, r: 3, fill: "#000" }));
  plot.append(mark);
  $("codes-about").textContent = `Code of the drawing: (${code[0].toFixed(3)}, ${code[1].toFixed(3)})` +
    (outside ? ", outside the test codes' range (shown on the edge)" : "");
}
