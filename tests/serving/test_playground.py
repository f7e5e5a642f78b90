"""The playground page of `classicnets serve`, in a real browser (Debian's chromium, driven by Playwright):
models trained by the CLI, one server process serving their folder of runs (it exports them first), drawings
made with the mouse and picture files."""

import base64
import contextlib
import io
import json
import math
import shutil
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.serving.small import start_serve

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
TRAINED = {  # model name -> the flags of `classicnets train`
    "cnn-digits": ["cnn", "--dataset", "digits", "--epochs", "8"],
    "ae2-digits": ["autoencoder", "--dataset", "digits", "--epochs", "1", "--code-size", "2", "--hidden", "16"],
    "autocomplete-notes": ["autocomplete", "--dataset", "notes", "--epochs", "30"],
    "seq2seq-notes": ["seq2seq", "--dataset", "notes", "--epochs", "30"],
}
FROM_ZOO = {  # model name -> the zoo's run (one digits epoch); "sequential": the user's network it was given
    "cgan-digits": "cgan", "ae-digits": "autoencoder", "network-digits": "sequential"}
SERVED = [*TRAINED, *FROM_ZOO]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no chromium at {CHROMIUM}: apt-get install chromium "
                                "(.ci/run installs it)")


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory, tiny_zoo):
    """A folder of runs: a cnn, a cgan and two autoencoders (one with 2-d codes) trained on the bundled 8x8 digits
    (the cgan and the first autoencoder: copies of the zoo's runs, tests/conftest.py), and the word models trained
    on the notes' words."""
    from classicnets.cli.main import main

    root = tmp_path_factory.mktemp("playground") / "runs"
    for name, flags in TRAINED.items():
        assert main(["train", *flags, "--quiet", "--run-dir", str(root / name)]) == 0
    for name, step in FROM_ZOO.items():
        shutil.copytree(tiny_zoo.out / step, root / name)
    return root


@pytest.fixture(scope="module")
def commands(runs_dir):
    """What `classicnets complete` and `translate` answer, which the page must give (run here, in the test's
    process)."""
    return {"complete": classicnets_json("complete", str(runs_dir / "autocomplete-notes"), "wo"),
            "translate": classicnets_json("translate", str(runs_dir / "seq2seq-notes"), "word")}


def classicnets_json(*args: str) -> list:
    """What `classicnets ... --json` prints, as JSON."""
    from classicnets.cli.main import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main([*args, "--json"]) == 0
    return json.loads(printed.getvalue())


@pytest.fixture(scope="module")
def serving(runs_dir, tmp_path_factory):
    """`classicnets serve RUNS` on a free localhost port, once every model is loaded: it exports the runs into a
    temporary models folder and serves that; {"base": URL, "models": that folder, "process", "log"}. The last
    test of this file stops it."""
    log = tmp_path_factory.mktemp("log") / "server.log"
    base, process = start_serve(runs_dir, log, "--poll-seconds", "0", seconds=120)
    models = Path(log.read_text().split("to serve into ")[1].split()[0])
    yield {"base": base, "models": models, "process": process, "log": log}
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def server(serving) -> str:
    """The base URL of the running server."""
    return serving["base"]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh 400-pixel-wide page; fails the test on any script error of the page."""
    page = browser.new_page(viewport={"width": 400, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    page.close()
    assert not errors, f"the page's script failed: {errors}"


def open_model(page, server: str, name: str) -> None:
    page.goto(f"{server}/#{name}")
    page.wait_for_selector(f'#models button[data-model="{name}"][aria-pressed="true"]')


def draw(page, points: list[tuple[float, float]]) -> None:
    """One stroke through `points`, given as fractions of the drawing pad, then wait for the latest answer."""
    page.locator("#pad").scroll_into_view_if_needed()  # a longer list of models or a message may push it down
    box = page.locator("#pad").bounding_box()
    at = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for point in at[1:]:
        page.mouse.move(*point, steps=2)
    page.mouse.up()
    page.wait_for_selector('#view[aria-busy="false"]')


VERTICAL_LINE = [(0.5, 0.15 + 0.7 * i / 20) for i in range(21)]
ELLIPSE = [(0.5 + 0.22 * math.sin(2 * math.pi * i / 40), 0.5 - 0.33 * math.cos(2 * math.pi * i / 40)) for i in range(41)]


def probabilities(page) -> list[float]:
    return [float(value) for value in
            page.locator("#bars li").evaluate_all("rows => rows.map(row => row.dataset.probability)")]


def canvas_size_and_ink(page, selector: str) -> tuple[int, int, int]:
    """(width, height, sum of the red channel) of a canvas."""
    return tuple(page.locator(selector).evaluate(
        "c => [c.width, c.height, c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
        ".filter((v, i) => i % 4 === 0).reduce((a, b) => a + b, 0)]"))


def canvas_pixels(page, selector: str) -> list[int]:
    return page.locator(selector).evaluate("c => [...c.getContext('2d').getImageData(0, 0, c.width, c.height).data]")


def test_lists_the_served_models_with_their_family_classes_and_test_metric(page, server, runs_dir, tmp_path):
    open_model(page, server, "cnn-digits")
    buttons = page.locator("#models button")
    assert buttons.evaluate_all("bs => bs.map(b => b.dataset.model)") == sorted(SERVED)
    text = page.locator('#models button[data-model="cnn-digits"]').text_content()
    assert "cnn" in text and "digits" in text and "10 classes: 0 1 2 3 4 5 6 7 8 9" in text
    for name, metric, key in (("cnn-digits", "test accuracy", "accuracy"), ("ae-digits", "test MSE", "mse")):
        measured = json.loads((runs_dir / name / "metrics.json").read_text())["test"][key]
        shown = page.locator(f'#models button[data-model="{name}"]').text_content()
        assert f"{metric} {float(f'{measured:.3g}'):g}" in shown, shown
    for name, held_out, training in (("autocomplete-notes", "next_letter_accuracy", "training completion accuracy"),
                                     ("seq2seq-notes", "exact_match", "training exact match")):
        measured = json.loads((runs_dir / name / "metrics.json").read_text())["test"][held_out]
        shown = page.locator(f'#models button[data-model="{name}"]').text_content()
        # the held-out figure first, the training one beside it, each naming its split
        test_figure = f"test {held_out.replace('_', ' ')} {float(f'{measured:.3g}'):g}"
        assert test_figure in shown and training in shown and shown.index(test_figure) < shown.index(training), shown
    page.screenshot(path=tmp_path / "list.png", full_page=True)


def test_an_export_without_a_metric_lists_none(serving, tmp_path):
    from classicnets.serving.playground import served_models

    class Servable:  # an older export: classicnets.json without run.headline, and no code file
        path, version, class_names, signatures = tmp_path, 1, ["a"], {}

    class Repository:
        def model_names(self):
            return ["old"]

        def servable(self, name):
            return Servable()

    manifest = json.loads((serving["models"] / "cnn-digits" / "1" / "classicnets.json").read_text())
    assert manifest["run"]["headline"]["name"] == "accuracy" and manifest["run"]["headline"]["split"] == "test"
    del manifest["run"]["headline"]
    (tmp_path / "classicnets.json").write_text(json.dumps(manifest))
    (model,) = served_models(Repository())["models"]
    assert model["metric"] is None and model["code_scatter"] is None and model["dataset"] == "digits"


def test_a_vertical_line_reads_1_and_an_ellipse_reads_0(page, server, tmp_path):
    open_model(page, server, "cnn-digits")
    for shape, expected in ((VERTICAL_LINE, "1"), (ELLIPSE, "0")):
        page.click("#clear")
        draw(page, shape)
        assert page.locator("#prediction").get_attribute("data-class") == expected
        shown = probabilities(page)
        assert len(shown) == 10 and abs(sum(shown) - 1) < 1e-3
        width, height, ink = canvas_size_and_ink(page, "#preview")
        assert (width, height) == (8, 8) and ink > 0
        page.screenshot(path=tmp_path / f"classifier-{expected}.png", full_page=True)
    page.click("#undo")  # back to an empty pad: no bars
    page.wait_for_selector('#view[aria-busy="false"]')
    assert probabilities(page) == [] and canvas_size_and_ink(page, "#preview")[2] == 0
    draw(page, VERTICAL_LINE)
    page.set_viewport_size({"width": 900, "height": 700})
    page.wait_for_selector('#view[aria-busy="false"]')
    page.screenshot(path=tmp_path / "classifier-wide.png", full_page=True)


def test_a_users_own_network_is_listed_and_reads_a_drawing(page, server, tmp_path):
    open_model(page, server, "network-digits")
    assert "network" in page.locator('#models button[data-model="network-digits"]').text_content()
    draw(page, VERTICAL_LINE)
    shown = probabilities(page)
    assert len(shown) == 10 and abs(sum(shown) - 1) < 1e-3
    assert page.locator("#prediction").get_attribute("data-class") in [str(digit) for digit in range(10)]
    page.screenshot(path=tmp_path / "network.png", full_page=True)


def test_a_chosen_picture_file_is_read_like_a_drawing(page, server, tmp_path):
    from PIL import Image, ImageDraw

    photo = Image.new("RGB", (90, 120), (235, 230, 220))  # a dark 1 on light paper
    ImageDraw.Draw(photo).line([(47, 18), (43, 102)], fill=(30, 30, 40), width=9)
    photo.save(tmp_path / "one.png")
    open_model(page, server, "cnn-digits")
    page.set_input_files("#picture-file", tmp_path / "one.png")
    page.wait_for_function("document.getElementById('file-status').textContent.includes('one.png')")
    page.wait_for_selector('#view[aria-busy="false"]')
    assert "inverted" in page.locator("#file-status").text_content()
    assert page.locator("#prediction").get_attribute("data-class") == "1"
    width, height, ink = canvas_size_and_ink(page, "#preview")
    assert (width, height) == (8, 8) and 0 < ink < 8 * 8 * 255 / 2  # white ink on black, not a white page
    one = canvas_pixels(page, "#preview")
    page.screenshot(path=tmp_path / "picture-file.png", full_page=True)

    zero = Image.new("L", (100, 100), 240)  # dropped on the pad: a dark 0
    ImageDraw.Draw(zero).ellipse([(28, 12), (72, 88)], outline=20, width=8)
    zero.save(tmp_path / "zero.png")
    page.evaluate("""async (text) => {
        const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0)), files = new DataTransfer();
        files.items.add(new File([bytes], "zero.png", { type: "image/png" }));
        document.getElementById("pad").dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true }));
    }""", base64.b64encode((tmp_path / "zero.png").read_bytes()).decode())
    page.wait_for_function("document.getElementById('file-status').textContent.includes('zero.png')")
    page.wait_for_selector('#view[aria-busy="false"]')
    assert canvas_pixels(page, "#preview") != one  # the dropped picture replaced the chosen one
    page.screenshot(path=tmp_path / "picture-dropped.png", full_page=True)

    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    page.set_input_files("#picture-file", tmp_path / "broken.png")
    page.wait_for_selector('#file-status[data-failed="true"]')
    status = page.locator("#file-status")
    assert status.is_visible() and "Cannot read broken.png as a picture" in status.text_content()
    assert canvas_pixels(page, "#preview") != one  # the picture before stays
    page.screenshot(path=tmp_path / "picture-file-broken.png", full_page=True)


@pytest.fixture
def touch_page(browser, server):
    """A 400-pixel-wide page of a touch screen."""
    context = browser.new_context(viewport={"width": 400, "height": 900}, has_touch=True)
    yield context.new_page()
    context.close()


def test_the_pad_draws_with_a_finger(touch_page, server):
    page = touch_page
    open_model(page, server, "cnn-digits")
    page.locator("#pad").scroll_into_view_if_needed()
    box = page.locator("#pad").bounding_box()
    touch = page.context.new_cdp_session(page)  # real touch input: the browser turns it into pointer events
    points = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in VERTICAL_LINE]
    for kind, (x, y) in [("touchStart", points[0])] + [("touchMove", point) for point in points[1:]]:
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_selector('#view[aria-busy="false"]')
    assert page.locator("#prediction").get_attribute("data-class") == "1"


def test_the_pad_draws_with_the_keyboard(page, server):
    open_model(page, server, "cnn-digits")
    page.focus("#pad")
    keys = ["ArrowUp"] * 8 + ["Space"] + ["ArrowDown"] * 16 + ["Space"]  # the pen starts at the pad's centre
    for key in keys:
        page.keyboard.press(key)
    page.wait_for_selector('#view[aria-busy="false"]')
    assert page.locator("#prediction").get_attribute("data-class") == "1"
    page.keyboard.press("Escape")
    page.wait_for_selector('#view[aria-busy="false"]')
    assert probabilities(page) == []


def test_errors_of_the_server_are_shown_in_the_page(page, server, tmp_path):
    open_model(page, server, "cnn-digits")
    # the request goes to a model the server does not have: its JSON error must reach the page
    page.route("**/v1/models/cnn-digits:predict",
               lambda route: route.continue_(url=f"{server}/v1/models/no-such-model:predict"))
    draw(page, VERTICAL_LINE)
    message = page.locator("#error")
    assert message.is_visible()
    assert "404" in message.text_content() and "no model named 'no-such-model'" in message.text_content()
    page.screenshot(path=tmp_path / "error.png", full_page=True)
    page.unroute("**/v1/models/cnn-digits:predict")
    page.route("**/v1/models/cnn-digits:predict", lambda route: route.abort("connectionrefused"))
    draw(page, ELLIPSE)
    # the answer to the aborted request may come after the page is idle again: wait for the message to change
    sync_api.expect(message).to_contain_text("Cannot reach the server")
    page.unroute("**/v1/models/cnn-digits:predict")
    draw(page, VERTICAL_LINE)  # the next answer clears the message
    sync_api.expect(message).to_be_hidden()


def test_cgan_samples_the_picked_class(page, server, tmp_path):
    open_model(page, server, "cgan-digits")
    page.wait_for_selector("#samples canvas")
    sent = []
    page.on("request", lambda request: sent.append(request) if request.url.endswith(":predict") else None)
    with page.expect_response(lambda response: response.url.endswith("/v1/models/cgan-digits:predict")):
        page.select_option("#class-picker", "3")
    page.wait_for_selector('#samples[data-label="3"]')
    assert page.locator("#samples canvas").count() == 16
    body = sent[-1].post_data_json
    assert [instance["labels"] for instance in body["instances"]] == [3] * 16
    assert {len(instance["noise"]) for instance in body["instances"]} == {cgan_noise_size(server)}
    assert canvas_size_and_ink(page, "#samples canvas >> nth=0")[:2] == (8, 8)
    page.screenshot(path=tmp_path / "cgan.png", full_page=True)


def cgan_noise_size(server: str) -> int:
    return served(server)["cgan-digits"]["signatures"]["serving_default"]["inputs"]["noise"]["shape"][1]


def served(server: str) -> dict:
    """GET /playground/models.json, by model name."""
    with urllib.request.urlopen(server + "/playground/models.json") as response:
        return {model["name"]: model for model in json.load(response)["models"]}


def test_autoencoder_shows_the_reconstruction_of_the_drawing(page, server, tmp_path):
    open_model(page, server, "ae-digits")
    assert page.locator("#bars").is_hidden() and page.locator("#reconstruction").is_visible()
    draw(page, ELLIPSE)
    width, height, ink = canvas_size_and_ink(page, "#reconstruction")
    assert (width, height) == (8, 8) and ink > 8 * 8 * 10
    page.screenshot(path=tmp_path / "autoencoder.png", full_page=True)


def test_2d_autoencoder_plots_the_drawing_among_the_test_codes(page, server, tmp_path):
    open_model(page, server, "ae2-digits")
    plot = page.locator("#codes")
    assert plot.is_visible() and page.locator("#codes circle.test-code").count() == 300
    assert page.locator("#drawn-code").count() == 0
    sent = []
    page.on("request", lambda request: sent.append(request.post_data_json) if request.url.endswith(":predict") else None)
    codes = []
    for shape in (VERTICAL_LINE, ELLIPSE):
        page.click("#clear")
        draw(page, shape)
        point = page.locator("#drawn-code")
        codes.append([float(point.get_attribute("data-x")), float(point.get_attribute("data-y"))])
        page.screenshot(path=tmp_path / f"codes-{len(codes)}.png", full_page=True)
    encode = [body for body in sent if body.get("signature_name") == "encode"][-1]
    request = urllib.request.Request(f"{server}/v1/models/ae2-digits:predict", data=json.dumps(encode).encode())
    with urllib.request.urlopen(request) as response:
        assert json.load(response)["predictions"][0] == pytest.approx(codes[-1], abs=1e-6)
    assert codes[0] != codes[1]  # the point follows the drawing
    page.click("#clear")
    page.wait_for_selector('#view[aria-busy="false"]')
    assert page.locator("#drawn-code").count() == 0


def test_serve_tells_models_runs_and_other_folders_apart(tmp_path, capsys):
    from classicnets.cli.main import main
    from classicnets.serving.run_dirs import what_to_serve

    for folder in ("models/cnn/1", "run/plots", "runs/a", "runs/b", "runs/notes", "zoo/cnn", "zoo/models/cnn/1",
                   "empty", "other/pictures"):
        (tmp_path / folder).mkdir(parents=True)
    for run in ("run", "runs/a", "runs/b", "zoo/cnn"):
        (tmp_path / run / "config.json").write_text("{}")
    assert what_to_serve(tmp_path / "models") == (tmp_path / "models", [])
    assert what_to_serve(tmp_path / "empty") == (tmp_path / "empty", [])  # exports may come later
    assert what_to_serve(tmp_path / "zoo") == (tmp_path / "zoo" / "models", [])
    assert what_to_serve(tmp_path / "run") == (None, [tmp_path / "run"])
    assert what_to_serve(tmp_path / "runs") == (None, [tmp_path / "runs" / "a", tmp_path / "runs" / "b"])
    for bad, says in (("other", "holds neither exported models"), ("missing", "is not a folder")):
        assert main(["serve", str(tmp_path / bad)]) == 2
        error = capsys.readouterr().err
        assert says in error and "Traceback" not in error


def ask(page, server: str, name: str, text: str) -> list:
    """Type `text` into a word model's box, press Enter; the bodies of the predict requests it made."""
    open_model(page, server, name)
    sent = []
    page.on("request", lambda request: sent.append(request.post_data_json) if request.url.endswith(":predict") else None)
    page.fill("#text-input", text)
    page.press("#text-input", "Enter")
    page.wait_for_function("document.getElementById('text-answer').textContent !== ''")
    assert page.locator("#error").is_hidden()
    return sent


def test_autocomplete_completes_the_typed_letters_as_the_cli_does(page, server, commands, tmp_path):
    vocabulary = served(server)["autocomplete-notes"]["vocabulary"]
    sent = ask(page, server, "autocomplete-notes", "wo")
    tokens = vocabulary["tokens"]
    assert sent[0] == {"instances": [[vocabulary["special"]["start"], tokens.index("w"), tokens.index("o")]]}
    completion = page.locator("#text-answer").get_attribute("data-completion")
    assert completion.startswith("wo") and len(completion) <= vocabulary["max_length"]
    (expected,) = commands["complete"]  # classicnets complete RUN_DIR wo
    assert completion == expected["word"]
    shown = page.locator("#text-answer").text_content()
    assert all(candidate["word"] in shown for candidate in expected["candidates"])
    assert "Letters the model knows: " + " ".join(tokens[4:]) in page.locator("#text-hint").text_content()
    page.screenshot(path=tmp_path / "autocomplete.png", full_page=True)


def test_seq2seq_shows_the_server_translation_as_the_cli_does(page, server, commands, tmp_path):
    vocabulary = served(server)["seq2seq-notes"]["vocabulary"]
    source = [vocabulary["source_tokens"].index(letter) for letter in "word"]
    sent = ask(page, server, "seq2seq-notes", "Word")
    assert sent == [{"instances": [source]}]
    request = urllib.request.Request(f"{server}/v1/models/seq2seq-notes:predict",
                                     data=json.dumps({"instances": [source]}).encode())
    with urllib.request.urlopen(request) as response:
        output_ids = json.load(response)["predictions"][0]["output_ids"]
    end = output_ids.index(2) if 2 in output_ids else len(output_ids)
    expected = "".join(vocabulary["target_tokens"][i] for i in output_ids[:end] if i > 3)
    assert page.locator("#text-answer").get_attribute("data-translation") == expected
    page.screenshot(path=tmp_path / "seq2seq.png", full_page=True)
    (translated,) = commands["translate"]  # classicnets translate RUN_DIR word
    assert translated["translation"] == expected


def test_stopping_the_server_of_a_folder_of_runs_removes_what_it_exported(serving):
    """Last in this file: it stops the server the tests above use."""
    process, models = serving["process"], serving["models"]
    assert str(models).startswith(tempfile.gettempdir()) and sorted(child.name for child in models.iterdir()) == \
        sorted(SERVED)
    process.terminate()
    assert process.wait(timeout=30) == 0
    assert not models.exists()
