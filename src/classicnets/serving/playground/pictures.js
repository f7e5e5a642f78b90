// Pictures for the playground: a drawing or a picture file turned into a model's input the way MNIST digits
// were made, and images painted on canvases. Plain functions, loaded before playground.js.
"use strict";

const BORDER = 0.05; // the picture's outer 5% on each side tells its paper from its ink

// The model's input from the pad. Grey models: the ink as MNIST digits were made, the ink's bounding box scaled
// to fit 20/28 of the input (keeping its aspect), then placed so that its centre of mass is the input's centre;
// grey levels in [0, 1], white on black. Colour models: the whole pad, scaled down, in colour.
function networkInput(context, padWidth, padHeight, { height, width, channels }) {
  const pixels = context.getImageData(0, 0, padWidth, padHeight).data;
  if (channels === 3) return wholeInColour(pixels, padWidth, padHeight, { height, width });
  const ink = new Float32Array(padWidth * padHeight);
  let top = padHeight, bottom = -1, left = padWidth, right = -1;
  for (let y = 0; y < padHeight; y++) {
    for (let x = 0; x < padWidth; x++) {
      const level = pixels[(y * padWidth + x) * 4] / 255;
      ink[y * padWidth + x] = level;
      if (level > 0.05) {
        top = Math.min(top, y); bottom = Math.max(bottom, y);
        left = Math.min(left, x); right = Math.max(right, x);
      }
    }
  }
  const image = { width, height, channels: 1, values: new Float32Array(width * height), empty: bottom < 0 };
  if (image.empty) return image;
  const boxWidth = right - left + 1, boxHeight = bottom - top + 1;
  const scale = Math.min((width * 20 / 28) / boxWidth, (height * 20 / 28) / boxHeight);
  const fitted = resizeArea(ink, padWidth, left, top, boxWidth, boxHeight, scale);
  placeByCentreOfMass(fitted, image);
  return image;
}

// Each target pixel is the mean of the source pixels under it (area averaging), so thin strokes stay grey.
function resizeArea(source, stride, left, top, boxWidth, boxHeight, scale) {
  const width = Math.max(1, Math.round(boxWidth * scale)), height = Math.max(1, Math.round(boxHeight * scale));
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const [y0, y1] = sourceSpan(y, height, boxHeight, top);
    for (let x = 0; x < width; x++) {
      const [x0, x1] = sourceSpan(x, width, boxWidth, left);
      let sum = 0;
      for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += source[sy * stride + sx];
      values[y * width + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return { width, height, values };
}

// The source pixels [start, end) under target pixel `index` of `count`, at least one of them.
function sourceSpan(index, count, sourceSize, offset) {
  const start = Math.floor(index * sourceSize / count);
  const end = Math.max(Math.ceil((index + 1) * sourceSize / count), start + 1);
  return [offset + start, offset + end];
}

function placeByCentreOfMass(fitted, image) {
  let mass = 0, cx = 0, cy = 0, peak = 0;
  for (let y = 0; y < fitted.height; y++) {
    for (let x = 0; x < fitted.width; x++) {
      const v = fitted.values[y * fitted.width + x];
      mass += v; cx += v * (x + 0.5); cy += v * (y + 0.5); peak = Math.max(peak, v);
    }
  }
  const dx = Math.round(image.width / 2 - cx / mass), dy = Math.round(image.height / 2 - cy / mass);
  for (let y = 0; y < fitted.height; y++) {
    for (let x = 0; x < fitted.width; x++) {
      const tx = x + dx, ty = y + dy;
      if (tx >= 0 && ty >= 0 && tx < image.width && ty < image.height) {
        image.values[ty * image.width + tx] = Math.min(1, fitted.values[y * fitted.width + x] / peak);
      }
    }
  }
}

// The whole pad scaled down to the input by area averaging, red, green and blue kept apart.
function wholeInColour(pixels, padWidth, padHeight, { height, width }) {
  const values = new Float32Array(width * height * 3);
  let ink = 0;
  for (let channel = 0; channel < 3; channel++) {
    const plane = new Float32Array(padWidth * padHeight);
    for (let i = 0; i < plane.length; i++) plane[i] = pixels[i * 4 + channel] / 255;
    const scaled = resizeArea(plane, padWidth, 0, 0, padWidth, padHeight, Math.min(width / padWidth, height / padHeight));
    scaled.values.forEach((value, i) => { values[i * 3 + channel] = value; ink += value; });
  }
  return { width, height, channels: 3, values, empty: ink === 0 };
}

// A decoded picture as the pad shows it: fitted into the pad (keeping its aspect) on black. For grey models it
// becomes white ink on black: a picture whose border is bright (dark ink on light paper, as most photos of
// digits) is inverted, and the paper's level is taken away so that only the ink is left.
function pictureOnPad(bitmap, padSize, channels) {
  const scale = Math.min(padSize / bitmap.width, padSize / bitmap.height);
  const width = Math.max(1, Math.round(bitmap.width * scale)), height = Math.max(1, Math.round(bitmap.height * scale));
  const fitted = document.createElement("canvas");
  fitted.width = width; fitted.height = height;
  const context = fitted.getContext("2d", { willReadFrequently: true });
  context.fillStyle = "#fff"; // transparent parts count as paper
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  const facts = { width: bitmap.width, height: bitmap.height, inverted: false };
  if (channels !== 3) {
    const picture = context.getImageData(0, 0, width, height);
    facts.inverted = greyInk(picture.data, width, height);
    context.putImageData(picture, 0, 0);
  }
  const pad = document.createElement("canvas");
  pad.width = pad.height = padSize;
  const padContext = pad.getContext("2d");
  padContext.fillStyle = "#000";
  padContext.fillRect(0, 0, padSize, padSize);
  padContext.drawImage(fitted, Math.round((padSize - width) / 2), Math.round((padSize - height) / 2));
  return { canvas: pad, ...facts };
}

// RGBA pixels -> grey ink in place (white on black); true when they were inverted (a bright border).
function greyInk(data, width, height) {
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) {
    grey[i] = (0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2]) / 255;
  }
  const margin = Math.max(1, Math.round(Math.min(width, height) * BORDER));
  let sum = 0, count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x < margin || y < margin || x >= width - margin || y >= height - margin) { sum += grey[y * width + x]; count++; }
    }
  }
  const inverted = sum / count > 0.5;
  const paper = inverted ? 1 - sum / count : sum / count;
  const room = Math.max(1e-3, 1 - paper - 0.1); // 0.1 above the paper's level is still paper (shadows, grain)
  for (let i = 0; i < grey.length; i++) {
    const ink = inverted ? 1 - grey[i] : grey[i];
    const level = Math.round(Math.min(1, Math.max(0, (ink - paper - 0.1) / room)) * 255);
    data.set([level, level, level, 255], i * 4);
  }
  return inverted;
}

// Paints an image of grey levels (channels 1) or colours (channels 3) in [0, 1], one canvas pixel per value.
function paintGrey(canvas, image) {
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  const picture = context.createImageData(image.width, image.height);
  const channels = image.channels || 1, level = (value) => Math.round(Math.min(1, Math.max(0, value)) * 255);
  for (let i = 0; i < image.width * image.height; i++) {
    const [r, g, b] = channels === 3 ? image.values.slice(i * 3, i * 3 + 3) : Array(3).fill(image.values[i]);
    picture.data.set([level(r), level(g), level(b), 255], i * 4);
  }
  context.putImageData(picture, 0, 0);
}

// [H][W][C] nested lists, as the images input takes them (a grey image repeats its level in every channel)
function asInstance(image, channels) {
  const rows = [], own = image.channels || 1;
  for (let y = 0; y < image.height; y++) {
    const row = [];
    for (let x = 0; x < image.width; x++) {
      const at = (y * image.width + x) * own;
      row.push(Array.from({ length: channels }, (_, c) => +image.values[at + (own === 1 ? 0 : c)].toFixed(4)));
    }
    rows.push(row);
  }
  return rows;
}

// An image the server answered ([H][W][C] or [H][W]) as a picture to paint: in colour when it has 3 channels.
function fromInstance(nested) {
  const height = nested.length, width = nested[0].length;
  const channels = Array.isArray(nested[0][0]) && nested[0][0].length === 3 ? 3 : 1;
  const values = new Float32Array(width * height * channels);
  nested.forEach((row, y) => row.forEach((pixel, x) => {
    if (channels === 3) values.set(pixel, (y * width + x) * 3);
    else values[y * width + x] = Array.isArray(pixel) ? pixel.reduce((a, b) => a + b, 0) / pixel.length : pixel;
  }));
  return { width, height, channels, values };
}
