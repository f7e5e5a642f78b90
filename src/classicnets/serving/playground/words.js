// The word models of the playground: autocomplete finds the likeliest whole words by the beam search of
// `classicnets complete`, seq2seq shows the greedy translation the served graph decodes.
"use strict";

const BEAM = { top: 3, width: 8 }; // as `classicnets complete` (--top 3)

function startText(model, view) {
  $("text-label").textContent = view === "autocomplete" ? "Start of a word" : "Word to translate";
  $("text-input").value = "";
  const vocabulary = model.vocabulary, tokens = vocabulary.tokens || vocabulary.source_tokens;
  const length = vocabulary.max_length || vocabulary.source_length;
  $("text-hint").textContent = `Letters the model knows: ${tokens.slice(vocabulary.special.unknown + 1).join(" ")}` +
    (length ? ` · at most ${length} letters` : "");
  $("text-answer").textContent = "";
}

async function askText() {
  const model = state.model, view = viewOf(model), text = $("text-input").value.trim().toLowerCase();
  try {
    const answer = view === "autocomplete" ? await complete(model, text) : await translate(model, text);
    if (model !== state.model) return;
    $("text-answer").textContent = answer;
    showError("");
  } catch (error) { showError(error.message); }
}

function ids(tokens, text, special) {
  return [...text].map((letter) => { const id = tokens.indexOf(letter); return id < 0 ? special.unknown : id; });
}

// log P(next token) after each row of ids (all rows as long), one request for them all; tokens that cannot
// come next (padding, <start>, <unknown>) get -Infinity.
async function nextLogProbabilities(model, rows) {
  const { special } = model.vocabulary;
  const fixed = signatureOf(model).inputs.tokens.shape[1], length = rows[0].length;
  const padded = rows.map((row) => [...row, ...Array(Math.max(0, (fixed || length) - length)).fill(special.pad)]);
  const answer = await predict(model, padded);
  return answer.predictions.map((prediction) => (prediction.probabilities || prediction)[length - 1].map((p, id) =>
    id === special.pad || id === special.start || id === special.unknown ? -Infinity : Math.log(Math.max(p, 1e-30))));
}

// The `top` likeliest whole words after the typed letters: beams of letters grow one letter a step (the
// `width` best extensions over all beams are kept) until <end>; a word's probability is P(letters, <end>).
async function beamSearch(model, prefix) {
  const { special, max_length: maxLength } = model.vocabulary;
  const fixed = signatureOf(model).inputs.tokens.shape[1];
  let alive = [[prefix, 0]], firstStep = null;
  const finished = [], steps = Math.max(maxLength || 20, prefix.length) + 2 - prefix.length;
  for (let step = 0; step < steps && alive.length && !(fixed && prefix.length + step + 1 > fixed); step++) {
    const logs = await nextLogProbabilities(model, alive.map(([letters]) => [special.start, ...letters]));
    firstStep = firstStep || logs[0];
    const options = [];
    alive.forEach(([letters, score], beam) => {
      const row = logs[beam];
      const best = row.map((value, id) => id).sort((a, b) => row[b] - row[a]).slice(0, BEAM.width + 1)
        .filter((id) => Number.isFinite(row[id]) && (letters.length || id !== special.end)).slice(0, BEAM.width);
      for (const id of best) options.push([[...letters, id], score + row[id]]);
    });
    const kept = options.sort((a, b) => b[1] - a[1]).slice(0, BEAM.width);
    for (const [letters, score] of kept) if (letters.at(-1) === special.end) finished.push([letters.slice(0, -1), score]);
    alive = kept.filter(([letters]) => letters.at(-1) !== special.end);
    const ranked = finished.map(([, score]) => score).sort((a, b) => b - a);
    if (alive.length && ranked.length >= BEAM.top && Math.max(...alive.map(([, s]) => s)) <= ranked[BEAM.top - 1]) break;
  }
  return { words: finished.sort((a, b) => b[1] - a[1]).slice(0, BEAM.top), firstStep };
}

async function complete(model, text) {
  const { tokens, special } = model.vocabulary;
  const prefix = ids(tokens, text, special);
  const { words, firstStep } = await beamSearch(model, prefix);
  const spell = (letters) => text + letters.slice(prefix.length).map((id) => tokens[id]).join("");
  const candidates = words.map(([letters, score]) => `${spell(letters)} ${(Math.exp(score) * 100).toFixed(1)}%`);
  const next = firstStep.map((score, id) => [score, id]).filter(([score]) => Number.isFinite(score))
    .sort((a, b) => b[0] - a[0]).slice(0, 5)
    .map(([score, id]) => `${id === special.end ? "(end)" : tokens[id]} ${(Math.exp(score) * 100).toFixed(1)}%`);
  $("text-answer").dataset.completion = words.length ? spell(words[0][0]) : "";
  if (!words.length) return `No whole word found after "${text}" · next letter: ${next.join(", ")}`;
  return `Completed: ${spell(words[0][0])} · candidates: ${candidates.join(", ")} · next letter: ${next.join(", ")}`;
}

async function translate(model, text) {
  const { source_tokens: sources, target_tokens: targets, special } = model.vocabulary;
  const length = signatureOf(model).inputs.source_ids.shape[1] || model.vocabulary.source_length;
  const row = ids(sources, text, special).slice(0, length);
  while (row.length < length) row.push(special.pad);
  const answer = (await predict(model, [row])).predictions[0];
  const letters = [];
  for (const id of answer.output_ids) { if (id === special.end) break; if (id > special.unknown) letters.push(targets[id]); }
  $("text-answer").dataset.translation = letters.join("");
  return `Translation: ${letters.join("")} (probability ${(answer.probability * 100).toFixed(1)}%)`;
}
