// Pictures for the playground: a drawing turned into a model's input the way MNIST digits were made, and
// grey images painted on canvases. Plain functions, loaded before playground.js.
"use strict";

// The drawing as MNIST digits were made: the ink's bounding box scaled to fit 20/28 of the input (keeping its
// aspect), then placed so that its centre of mass is the input's centre; grey levels in [0, 1], white on black.
function networkInput(context, padWidth, padHeight, { height, width }) {
  const pixels = context.getImageData(0, 0, padWidth, padHeight).data;
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
  const image = { width, height, values: new Float32Array(width * height), empty: bottom < 0 };
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

function paintGrey(canvas, image) {
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  const picture = context.createImageData(image.width, image.height);
  image.values.forEach((value, i) => {
    const level = Math.round(Math.min(1, Math.max(0, value)) * 255);
    picture.data.set([level, level, level, 255], i * 4);
  });
  context.putImageData(picture, 0, 0);
}

// [H][W][C] nested lists, as the images input takes them
function asInstance(image, channels) {
  const rows = [];
  for (let y = 0; y < image.height; y++) {
    const row = [];
    for (let x = 0; x < image.width; x++) row.push(new Array(channels).fill(+image.values[y * image.width + x].toFixed(4)));
    rows.push(row);
  }
  return rows;
}

function fromInstance(nested) {
  const height = nested.length, width = nested[0].length;
  const values = new Float32Array(width * height);
  nested.forEach((row, y) => row.forEach((pixel, x) => {
    values[y * width + x] = Array.isArray(pixel) ? pixel.reduce((a, b) => a + b, 0) / pixel.length : pixel;
  }));
  return { width, height, values };
}
