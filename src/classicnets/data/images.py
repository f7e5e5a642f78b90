"""Image files of any size and mode -> uint8 arrays of one size and channel count."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from classicnets.config import require_image_size
from classicnets.errors import SettingsError, UserError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
COLORS = {"grayscale": 1, "gray": 1, "grey": 1, "rgb": 3}
DEFAULT_IMAGE_SIZE = (28, 28)


def is_image_file(path: Path) -> bool:
    """True for a visible file with an image extension (any letter case)."""
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_EXTENSIONS


def check_image_size(image_size: Sequence[int] | None) -> tuple[int, int] | None:
    """None (keep the data's own size) or a checked (height, width)."""
    return None if image_size is None else require_image_size(image_size)


def channels_for(color: str | None) -> int | None:
    """Channel count for a color name ('grayscale' -> 1, 'rgb' -> 3); None stays None."""
    if color is None:
        return None
    channels = COLORS.get(str(color).strip().lower())
    if channels is None:
        raise UserError(f"unknown color {color!r}; use 'grayscale' (1 channel) or 'rgb' (3 channels).")
    return channels


def _to_channels(image: Image.Image, channels: int) -> Image.Image:
    """Convert any PIL mode to 'L' or 'RGB'; transparent parts become white, as a browser shows them."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit or float gray: scale to 0..255
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if values.max(initial=0) > 255 else 255.0
        image = Image.fromarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image.convert("RGBA"))
    return image.convert("L" if channels == 1 else "RGB")


def conform_image(image: Image.Image, image_size: tuple[int, int], channels: int) -> np.ndarray:
    """One PIL image -> uint8 (H, W, C) at `image_size` (height, width), resized without keeping aspect."""
    image = _to_channels(image, channels)
    height, width = image_size
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.uint8).reshape(height, width, channels)


def read_image(path: str | Path, image_size: tuple[int, int], channels: int) -> np.ndarray:
    """Read one image file (first frame of a GIF) as uint8 (H, W, C); UserError names a bad file."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise UserError(f"image file {path} does not exist. Check the path.")
    try:
        with Image.open(path) as image:
            return conform_image(image, image_size, channels)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise UserError(
            f"cannot read image file {path} ({error}). It may be damaged or not really an image; "
            f"open it in an image viewer, or remove or replace it."
        ) from error


def load_image_files(paths: Sequence[str | Path], image_size: tuple[int, int], channels: int) -> np.ndarray:
    """Read image files of any size and mode into one uint8 (N, H, W, C) array."""
    image_size = require_image_size(image_size)
    if channels not in (1, 3):
        raise UserError(f"channels must be 1 (grayscale) or 3 (rgb). Received: channels={channels!r}")
    images = allocate_images(len(paths), image_size, channels)
    for index, path in enumerate(paths):
        images[index] = read_image(path, image_size, channels)
    return images


def allocate_images(count: int, image_size: tuple[int, int], channels: int) -> np.ndarray:
    """A zeroed uint8 (count, H, W, C) array; UserError, naming the size, when memory cannot hold it."""
    try:
        return np.zeros((count, *image_size, channels), dtype=np.uint8)
    except MemoryError:
        gib = count * image_size[0] * image_size[1] * channels / 2**30
        raise SettingsError.about("{count:,} images of {height}x{width}x{channels} take {gib:,.1f} GiB, more than "
                                  "this machine's memory; choose a smaller {image_size}.", "image_size", count=count,
                                  height=image_size[0], width=image_size[1], channels=channels, gib=gib) from None


def conform_images(images: np.ndarray, image_size: tuple[int, int] | None, channels: int | None) -> np.ndarray:
    """Resize / recolor a uint8 (N, H, W, C) array when it differs from what was asked; else return it."""
    height, width, have_channels = images.shape[1:]
    size = image_size or (height, width)
    channels = channels or have_channels
    if (size, channels) == ((height, width), have_channels):
        return images
    converted = allocate_images(len(images), size, channels)
    for index, image in enumerate(images):
        pil_image = Image.fromarray(image[:, :, 0] if have_channels == 1 else image)  # mode 'L' or 'RGB'
        converted[index] = conform_image(pil_image, size, channels)
    return converted
